import { readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { DatasetError } from "./errors.ts";

/** Throws the standard "does not exist" / "is a folder" sentence unless path is a readable file. */
export function requireFile(path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new DatasetError(`${path} does not exist: check the path.`);
  if (!st.isFile()) throw new DatasetError(`${path} is a folder, not a file: pass the path of the file itself.`);
}

/** Throws unless path is an existing folder. */
export function requireDir(path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new DatasetError(`${path} does not exist: check the path.`);
  if (!st.isDirectory()) throw new DatasetError(`${path} is a file, not a folder: pass the folder that holds the dataset files.`);
}

/**
 * The bytes of a data file, gunzipped when it starts with the gzip magic 1f 8b
 * (whatever its name), as is otherwise.
 */
export function readMaybeGzip(path: string): Buffer {
  requireFile(path);
  const raw = readFileSync(path);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DatasetError(`${path} is gzip-compressed but cannot be decompressed (${why}): the file is truncated or damaged, so download it again.`, { cause: e });
  }
}
