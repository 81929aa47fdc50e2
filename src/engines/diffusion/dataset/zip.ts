import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";

/**
 * A ZIP archive written by yazl: entries are streamed from disk one file at a time, so no whole
 * file is held in memory, and ZIP64 records are added when the archive passes 4 GiB or 65,535
 * entries. PNGs and JPEGs are stored as they are (already compressed), text is deflated.
 */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  /** The file to read. */
  path: string;
}

const STORED = /\.(png|jpe?g|gif|zip)$/i;

/** Writes `entries` to `out` in order and resolves to the archive's size in bytes; on failure no partial archive is left behind. */
export async function writeZip(out: string, entries: ZipEntry[], signal?: AbortSignal): Promise<number> {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  // yazl reports a file it cannot stat or read on the ZipFile itself: end the stream with it.
  zip.on("error", (e: Error) => output.destroy(e));
  for (const e of entries) zip.addFile(e.path, e.name, { compress: !STORED.test(e.name) });
  zip.end();
  try {
    await pipeline(output, createWriteStream(out), { signal });
  } catch (e) {
    await rm(out, { force: true });
    if (signal?.aborted) throw e;
    throw new Error(`Could not write the archive ${out}: ${(e as Error).message}.`, { cause: e });
  }
  return (await stat(out)).size;
}
