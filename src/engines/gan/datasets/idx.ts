import { basename } from "node:path";
import { DatasetError } from "./errors.ts";
import { readMaybeGzip } from "./files.ts";
import { bytesToUnit } from "./normalise.ts";
import { checkLoadOptions, finish, keptCount } from "./options.ts";
import type { Dataset, LoadOptions } from "./types.ts";

/** IDX magic numbers: two zero bytes, type 0x08 (unsigned byte), then the number of dimensions. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxOptions extends LoadOptions {
  /** Class names, index = label; default "0", "1", … (at least "0".."9") when a labels file is given. */
  classes?: string[];
  /** Dataset name; default "idx:<images file name>". */
  name?: string;
}

const hex = (m: number) => "0x" + m.toString(16).padStart(8, "0");

/**
 * An IDX images file (magic 0x00000803: n × rows × cols unsigned bytes), optionally with its
 * IDX labels file (magic 0x00000801: n unsigned bytes); each raw or gzip-compressed, told apart
 * by the gzip magic bytes rather than the name.
 */
export function loadIdx(imagesPath: string, labelsPath?: string, opts: IdxOptions = {}): Dataset {
  checkLoadOptions(opts);
  if (opts.classes !== undefined && (opts.classes.length < 1 || opts.classes.length > 256)) {
    throw new RangeError(`loadIdx: classes must hold 1 to 256 names, not ${opts.classes.length}`);
  }

  const img = readMaybeGzip(imagesPath);
  const { n, rows, cols } = readImageHeader(imagesPath, img);
  const pix = rows * cols;

  let allLabels: Uint8Array | null = null;
  let classes = opts.classes ?? [];
  if (labelsPath !== undefined) {
    allLabels = readLabels(labelsPath, imagesPath, n);
    classes = opts.classes ?? defaultClasses(allLabels);
    checkLabelRange(labelsPath, allLabels, classes);
  }

  const kept = keptCount(n, opts);
  const images = new Float32Array(kept * pix);
  bytesToUnit(img.subarray(16, 16 + kept * pix), images);
  const labels = allLabels ? allLabels.slice(0, kept) : null;

  const dataset: Dataset = { name: opts.name ?? `idx:${basename(imagesPath)}`, count: kept, height: rows, width: cols, channels: 1, images, labels, classes: [...classes] };
  return finish(dataset, opts);
}

function readImageHeader(path: string, buf: Buffer): { n: number; rows: number; cols: number } {
  if (buf.length < 4) {
    throw new DatasetError(`${path} is not an IDX image file (it holds only ${buf.length} bytes, not even the 4-byte magic number): pass an IDX images file such as train-images-idx3-ubyte.gz.`);
  }
  const magic = buf.readUInt32BE(0);
  if (magic === IDX_LABELS_MAGIC) {
    throw new DatasetError(`${path} is not an IDX image file (magic ${hex(magic)}, expected ${hex(IDX_IMAGES_MAGIC)}): pass the images file first and the labels file second.`);
  }
  if (magic !== IDX_IMAGES_MAGIC) {
    throw new DatasetError(`${path} is not an IDX image file (magic ${hex(magic)}, expected ${hex(IDX_IMAGES_MAGIC)}): pass an IDX file of 8-bit images such as train-images-idx3-ubyte.gz.`);
  }
  if (buf.length < 16) {
    throw new DatasetError(`${path} is truncated: an IDX image file starts with a 16-byte header but the file holds only ${buf.length} bytes.`);
  }
  const n = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (n === 0 || rows === 0 || cols === 0) {
    throw new DatasetError(`${path} holds no pixels (its header says ${n} images of ${rows}×${cols}): pass a file with at least one image.`);
  }
  const expected = n * rows * cols;
  const have = buf.length - 16;
  if (have < expected) {
    throw new DatasetError(`${path} is truncated: the header promises ${n} images of ${rows}×${cols} (${expected} bytes) but the file holds ${have} bytes of pixel data.`);
  }
  if (have > expected) {
    throw new DatasetError(`${path} is damaged: the header promises ${n} images of ${rows}×${cols} (${expected} bytes) but the file holds ${have} bytes of pixel data, ${have - expected} more than that.`);
  }
  return { n, rows, cols };
}

function readLabels(path: string, imagesPath: string, imageCount: number): Uint8Array {
  const buf = readMaybeGzip(path);
  if (buf.length < 4) {
    throw new DatasetError(`${path} is not an IDX label file (it holds only ${buf.length} bytes, not even the 4-byte magic number): pass an IDX labels file such as train-labels-idx1-ubyte.gz.`);
  }
  const magic = buf.readUInt32BE(0);
  if (magic === IDX_IMAGES_MAGIC) {
    throw new DatasetError(`${path} is not an IDX label file (magic ${hex(magic)}, expected ${hex(IDX_LABELS_MAGIC)}): pass the images file first and the labels file second.`);
  }
  if (magic !== IDX_LABELS_MAGIC) {
    throw new DatasetError(`${path} is not an IDX label file (magic ${hex(magic)}, expected ${hex(IDX_LABELS_MAGIC)}): pass an IDX file of 8-bit labels such as train-labels-idx1-ubyte.gz.`);
  }
  if (buf.length < 8) {
    throw new DatasetError(`${path} is truncated: an IDX label file starts with an 8-byte header but the file holds only ${buf.length} bytes.`);
  }
  const n = buf.readUInt32BE(4);
  const have = buf.length - 8;
  if (have < n) throw new DatasetError(`${path} is truncated: the header promises ${n} labels but the file holds ${have}.`);
  if (have > n) throw new DatasetError(`${path} is damaged: the header promises ${n} labels but the file holds ${have}, ${have - n} more than that.`);
  if (n !== imageCount) {
    throw new DatasetError(`${path} holds ${n} labels but ${imagesPath} holds ${imageCount} images: pass the labels file that belongs to these images.`);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset + 8, n);
}

/** "0", "1", …: ten names, or more when the labels go higher. */
function defaultClasses(labels: Uint8Array): string[] {
  let max = 9;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

function checkLabelRange(path: string, labels: Uint8Array, classes: string[]): void {
  const k = classes.length;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v >= k) {
      throw new DatasetError(`${path} has label ${v} at record ${i}, but there are only ${k} classes (0 to ${k - 1}): pass the labels file that belongs to these images.`);
    }
  }
}
