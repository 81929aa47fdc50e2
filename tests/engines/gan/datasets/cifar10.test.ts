import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CIFAR10_CLASSES, loadCifar10 } from "../../../../src/engines/gan/datasets/index.ts";
import { datasetError, scratchDir, unit } from "./helpers.ts";

/**
 * One record of the CIFAR-10 binary version: a label byte, then 1024 red, 1024 green and 1024 blue
 * bytes, each plane row-major 32×32. Planes are distinct patterns that depend on the record.
 */
function record(label: number, r: number): Buffer {
  const rec = Buffer.alloc(3073);
  rec[0] = label;
  for (let p = 0; p < 1024; p++) {
    rec[1 + p] = (p + r) % 256; // R
    rec[1 + 1024 + p] = (p * 3 + r) % 256; // G
    rec[1 + 2048 + p] = 255 - ((p + 7 * r) % 256); // B
  }
  return rec;
}

function batch(dir: string, name: string, labels: number[], first: number): void {
  writeFileSync(join(dir, name), Buffer.concat(labels.map((l, i) => record(l, first + i))));
}

describe("loadCifar10 on files in the real binary format", () => {
  const root = scratchDir();
  const dir = join(root, "cifar-10-batches-bin");
  mkdirSync(dir);
  batch(dir, "data_batch_1.bin", [6, 9, 9], 0);
  batch(dir, "data_batch_3.bin", [4, 1], 3); // batches 2, 4 and 5 absent: whichever exist are used
  batch(dir, "test_batch.bin", [3, 8], 100);

  it("converts planar RGB records to NHWC, pixel-exactly", () => {
    const ds = loadCifar10(dir);
    expect(ds).toMatchObject({ name: "cifar10", count: 5, height: 32, width: 32, channels: 3 });
    expect(ds.images).toHaveLength(5 * 32 * 32 * 3);
    expect(Array.from(ds.labels!)).toEqual([6, 9, 9, 4, 1]);
    expect(ds.classes).toEqual(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]);
    expect(ds.classes).toEqual(CIFAR10_CLASSES);

    // Record 1, row 2, column 5: plane offset p = 2·32 + 5 = 69; NHWC offset ((1·32 + 2)·32 + 5)·3.
    const p = 69, at = ((1 * 32 + 2) * 32 + 5) * 3;
    expect(ds.images[at]).toBe(unit((p + 1) % 256)); // R = 70
    expect(ds.images[at + 1]).toBe(unit((p * 3 + 1) % 256)); // G = 208
    expect(ds.images[at + 2]).toBe(unit(255 - ((p + 7) % 256))); // B = 179
    expect([ds.images[at], ds.images[at + 1], ds.images[at + 2]]).toEqual([70, 208, 179].map(unit));

    // Every value of every record, against an independent planar → interleaved conversion.
    for (let r = 0; r < 5; r++) {
      const rec = record(0, r);
      for (let q = 0; q < 1024; q++) {
        for (let c = 0; c < 3; c++) {
          if (ds.images[(r * 1024 + q) * 3 + c] !== unit(rec[1 + c * 1024 + q]!)) throw new Error(`record ${r} pixel ${q} channel ${c} differs`);
        }
      }
    }
  });

  it("loads the test split, limit across batch files, shuffleSeed, and the parent folder", () => {
    const test = loadCifar10(dir, { split: "test" });
    expect(test).toMatchObject({ name: "cifar10-test", count: 2 });
    expect(Array.from(test.labels!)).toEqual([3, 8]);
    expect(test.images[0]).toBe(unit(100));

    const four = loadCifar10(dir, { limit: 4 });
    expect(Array.from(four.labels!)).toEqual([6, 9, 9, 4]);
    expect(four.images).toEqual(loadCifar10(dir).images.subarray(0, 4 * 3072));
    const shuffled = loadCifar10(dir, { limit: 4, shuffleSeed: 5 });
    expect(Array.from(shuffled.labels!).sort()).toEqual([4, 6, 9, 9]);
    // Labels follow images: record 3 (label 4) has R = 3 at pixel 0.
    const k = Array.from(shuffled.labels!).indexOf(4);
    expect(shuffled.images[k * 3072]).toBe(unit(3));

    expect(loadCifar10(root).count).toBe(5); // the folder the archive was unpacked in
  });

  it("says what is wrong: missing folder, no batches, the Python version, a truncated file, CIFAR-100 labels", () => {
    const missing = join(root, "nowhere");
    expect(datasetError(() => loadCifar10(missing))).toBe(`${missing} does not exist: check the path.`);
    expect(datasetError(() => loadCifar10(join(dir, "test_batch.bin")))).toBe(`${join(dir, "test_batch.bin")} is a file, not a folder: pass the folder that holds the dataset files.`);

    const get = "the cifar-10-batches-bin folder of the binary version (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html)";
    const empty = join(root, "empty");
    mkdirSync(empty);
    expect(datasetError(() => loadCifar10(empty))).toBe(`${empty} has no CIFAR-10 training batches (data_batch_1.bin … data_batch_5.bin): pass ${get}.`);
    expect(datasetError(() => loadCifar10(empty, { split: "test" }))).toBe(`${empty} has no CIFAR-10 test batch (test_batch.bin): pass ${get}.`);
    const python = join(root, "cifar-10-batches-py");
    mkdirSync(python);
    writeFileSync(join(python, "data_batch_1"), "pickle");
    expect(datasetError(() => loadCifar10(python))).toBe(`${python} has no CIFAR-10 training batches (data_batch_1.bin … data_batch_5.bin) but looks like the Python version of CIFAR-10: pass ${get}.`);

    const cut = join(root, "cut");
    mkdirSync(cut);
    writeFileSync(join(cut, "data_batch_1.bin"), Buffer.concat([record(1, 0), record(2, 1).subarray(0, 1000)]));
    expect(datasetError(() => loadCifar10(cut))).toBe(`${join(cut, "data_batch_1.bin")} is truncated: CIFAR-10 records are 3073 bytes (1 label + 3072 pixels) but the file holds 4073 bytes, which is 1 record and 1000 bytes more.`);

    const hundred = join(root, "hundred");
    mkdirSync(hundred);
    batch(hundred, "data_batch_1.bin", [3, 57], 0);
    expect(datasetError(() => loadCifar10(hundred))).toBe(`${join(hundred, "data_batch_1.bin")} has label 57 at record 1, but CIFAR-10 has 10 classes (0 to 9): pass ${get}, not CIFAR-100.`);
  });
});
