import { beforeAll, describe, expect, it } from "vitest";
import { FASHION_MNIST_CLASSES, loadFashionMnist, shuffledIndices, type Dataset } from "../../../../src/engines/gan/datasets/index.ts";
import { datasetError, sameBytes, scratchDir } from "./helpers.ts";

/** Per-class counts of a labelled dataset. */
function histogram(ds: Dataset): number[] {
  const h = new Array<number>(ds.classes.length).fill(0);
  for (const l of ds.labels!) h[l]!++;
  return h;
}

function range(a: Float32Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

describe("Fashion-MNIST from Debian's dataset-fashion-mnist (real files)", () => {
  let train: Dataset;
  beforeAll(() => {
    train = loadFashionMnist();
  });

  it("loads the 60,000 training images, 28×28×1, normalised to [-1, 1], 6,000 per class", () => {
    expect(train).toMatchObject({ name: "fashion-mnist", count: 60000, height: 28, width: 28, channels: 1 });
    expect(train.images).toHaveLength(60000 * 784);
    expect(range(train.images)).toEqual([-1, 1]);
    expect(train.labels).toHaveLength(60000);
    expect(histogram(train)).toEqual(new Array(10).fill(6000));
    expect(train.classes).toEqual(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
    expect(train.classes).toEqual(FASHION_MNIST_CLASSES);
    // The first record of the training set is an ankle boot (class 9), as in the upstream README.
    expect(train.labels![0]).toBe(9);
    expect(Array.from(train.labels!.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  });

  it("loads the 10,000-image test split, 1,000 per class", () => {
    const test = loadFashionMnist({ split: "test" });
    expect(test).toMatchObject({ name: "fashion-mnist:test", count: 10000, height: 28, width: 28, channels: 1 });
    expect(histogram(test)).toEqual(new Array(10).fill(1000));
    expect(range(test.images)).toEqual([-1, 1]);
  });

  it("limit keeps the first N records of the file: a stable subset", () => {
    const first = loadFashionMnist({ limit: 500 });
    expect(first.count).toBe(500);
    expect(sameBytes(first.images, train.images.subarray(0, 500 * 784))).toBe(true);
    expect(sameBytes(first.labels!, train.labels!.subarray(0, 500))).toBe(true);
  });

  it("shuffleSeed: same seed → same order, another seed → another order, labels follow their images", () => {
    // On the test split (a quarter of the gunzip work of the training set).
    const base = loadFashionMnist({ split: "test", limit: 2000 });
    const a = loadFashionMnist({ split: "test", limit: 2000, shuffleSeed: 7 });
    const b = loadFashionMnist({ split: "test", limit: 2000, shuffleSeed: 7 });
    const c = loadFashionMnist({ split: "test", limit: 2000, shuffleSeed: 8 });
    expect(sameBytes(a.images, b.images) && sameBytes(a.labels!, b.labels!)).toBe(true);
    expect(sameBytes(a.labels!, c.labels!)).toBe(false);
    expect(sameBytes(a.images, c.images)).toBe(false);
    expect(sameBytes(a.labels!, base.labels!)).toBe(false);
    // limit first, then shuffle: the same 2000 records, each image with its own label.
    const order = shuffledIndices(2000, 7);
    expect(new Set(order).size).toBe(2000);
    for (let i = 0; i < 2000; i++) {
      const j = order[i]!;
      expect(sameBytes(a.images.subarray(i * 784, (i + 1) * 784), base.images.subarray(j * 784, (j + 1) * 784))).toBe(true);
      expect(a.labels![i]).toBe(base.labels![j]);
    }
    expect(histogram(a)).toEqual(histogram(base));
  });

  it("says how to install it when the files are missing", () => {
    const dir = scratchDir();
    expect(datasetError(() => loadFashionMnist({ dir }))).toBe(
      `Fashion-MNIST is not installed (there is no ${dir}/train-images-idx3-ubyte.gz): run \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or pass --dataset idx:IMAGES,LABELS with the files from https://github.com/zalandoresearch/fashion-mnist.`,
    );
  });
});
