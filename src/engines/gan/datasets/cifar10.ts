import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatasetError } from "./errors.ts";
import { requireDir } from "./files.ts";
import { BYTE_TO_UNIT } from "./normalise.ts";
import { checkLoadOptions, finish, keptCount } from "./options.ts";
import type { Dataset, LoadOptions } from "./types.ts";

export const CIFAR10_CLASSES: readonly string[] = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

const SIDE = 32;
const PLANE = SIDE * SIDE; // 1024
const RECORD = 1 + 3 * PLANE; // 3073: label byte, then R, G, B planes, each row-major 32×32
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = "test_batch.bin";
const GET = "the cifar-10-batches-bin folder of the binary version (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html)";

export interface Cifar10Options extends LoadOptions {
  /** "train": data_batch_1.bin … data_batch_5.bin (whichever exist); "test": test_batch.bin. */
  split?: "train" | "test";
}

/**
 * CIFAR-10, binary version: 32×32 RGB images in 10 classes, converted from the planar records to
 * NHWC. dir is the cifar-10-batches-bin folder (or the folder the archive was unpacked in).
 */
export function loadCifar10(dir: string, opts: Cifar10Options = {}): Dataset {
  checkLoadOptions(opts);
  const split = opts.split ?? "train";
  requireDir(dir);
  const folder = !hasBatches(dir) && existsSync(join(dir, "cifar-10-batches-bin")) ? join(dir, "cifar-10-batches-bin") : dir;
  const files = batchFiles(folder, split);

  // Check every file's length before reading any of them.
  const sizes = files.map((f) => {
    const size = statSync(f).size;
    if (size === 0 || size % RECORD !== 0) {
      throw new DatasetError(`${f} is truncated: CIFAR-10 records are ${RECORD} bytes (1 label + 3072 pixels) but the file holds ${size} bytes, which is ${records(Math.floor(size / RECORD))} and ${size % RECORD} bytes more.`);
    }
    return size / RECORD;
  });
  const total = sizes.reduce((s, c) => s + c, 0);
  const kept = keptCount(total, opts);

  const images = new Float32Array(kept * PLANE * 3);
  const labels = new Uint8Array(kept);
  const lut = BYTE_TO_UNIT;
  let r = 0;
  for (let f = 0; f < files.length && r < kept; f++) {
    const path = files[f]!;
    const take = Math.min(sizes[f]!, kept - r);
    const buf = readPrefix(path, take * RECORD);
    for (let k = 0; k < take; k++, r++) {
      const rec = k * RECORD;
      const label = buf[rec]!;
      if (label >= 10) {
        throw new DatasetError(`${path} has label ${label} at record ${k}, but CIFAR-10 has 10 classes (0 to 9): pass ${GET}, not CIFAR-100.`);
      }
      labels[r] = label;
      const red = rec + 1;
      const green = red + PLANE;
      const blue = green + PLANE;
      let o = r * PLANE * 3;
      for (let p = 0; p < PLANE; p++) {
        images[o++] = lut[buf[red + p]!]!;
        images[o++] = lut[buf[green + p]!]!;
        images[o++] = lut[buf[blue + p]!]!;
      }
    }
  }
  const dataset: Dataset = { name: split === "test" ? "cifar10-test" : "cifar10", count: kept, height: SIDE, width: SIDE, channels: 3, images, labels, classes: [...CIFAR10_CLASSES] };
  return finish(dataset, opts);
}

const records = (n: number) => `${n} ${n === 1 ? "record" : "records"}`;

function hasBatches(dir: string): boolean {
  return [...TRAIN_FILES, TEST_FILE].some((f) => existsSync(join(dir, f)));
}

function batchFiles(dir: string, split: "train" | "test"): string[] {
  const names = split === "test" ? [TEST_FILE] : TRAIN_FILES;
  const found = names.map((n) => join(dir, n)).filter((p) => existsSync(p));
  if (found.length > 0) return found;
  const what = split === "test" ? `no CIFAR-10 test batch (${TEST_FILE})` : `no CIFAR-10 training batches (data_batch_1.bin … data_batch_5.bin)`;
  if (existsSync(join(dir, split === "test" ? "test_batch" : "data_batch_1"))) {
    throw new DatasetError(`${dir} has ${what} but looks like the Python version of CIFAR-10: pass ${GET}.`);
  }
  throw new DatasetError(`${dir} has ${what}: pass ${GET}.`);
}

/** The first `bytes` bytes of a file, without reading the rest. */
function readPrefix(path: string, bytes: number): Buffer {
  const buf = Buffer.allocUnsafe(bytes);
  const fd = openSync(path, "r");
  try {
    let done = 0;
    while (done < bytes) {
      const n = readSync(fd, buf, done, bytes - done, done);
      if (n === 0) throw new DatasetError(`${path} is truncated: it ended after ${done} bytes while ${bytes} were expected.`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}
