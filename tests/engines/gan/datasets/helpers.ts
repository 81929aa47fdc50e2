import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll } from "vitest";
import { UserFacingError } from "../../../../src/config/errors.ts";
import { DatasetError } from "../../../../src/engines/gan/datasets/index.ts";

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder, removed after the test file (also when made inside a test). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "genlab-datasets-"));
  scratch.push(dir);
  return dir;
}

/** An IDX images file in the real format: magic 0x00000803, n, rows, cols (big-endian), then the bytes. */
export function idxImages(n: number, rows: number, cols: number, pixels: Uint8Array | number[], magic = 0x803): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(n, 4);
  head.writeUInt32BE(rows, 8);
  head.writeUInt32BE(cols, 12);
  return Buffer.concat([head, Buffer.from(pixels)]);
}

/** An IDX labels file: magic 0x00000801, n, then the bytes. */
export function idxLabels(labels: number[], n = labels.length, magic = 0x801): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(n, 4);
  return Buffer.concat([head, Buffer.from(labels)]);
}

export function write(dir: string, name: string, data: Buffer, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(data) : data);
  return path;
}

/** What the loaders promise for a byte: x/127.5 − 1, as float32. */
export const unit = (x: number) => Math.fround(x / 127.5 - 1);

/** The message of the DatasetError that f throws (and that it is one, and user-facing). */
export function datasetError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DatasetError) || !(e instanceof UserFacingError)) throw e;
    return e.message;
  }
  throw new Error("expected a DatasetError, but nothing was thrown");
}

/** Bitwise equality of two typed arrays (fast, unlike a deep toEqual on millions of floats). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
