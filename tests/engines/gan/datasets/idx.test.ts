import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadIdx } from "../../../../src/engines/gan/datasets/index.ts";
import { datasetError as err, idxImages, idxLabels, scratchDir, unit, write } from "./helpers.ts";

const dir = scratchDir();
// 3 images of 2×4, with 0 and 255 present.
const N = 3, ROWS = 2, COLS = 4;
const pixels = Uint8Array.from({ length: N * ROWS * COLS }, (_, i) => (i === 0 ? 0 : i === 1 ? 255 : (i * 37) % 256));
const labels = [2, 0, 1];

describe("loadIdx", () => {
  for (const gzip of [false, true]) {
    it(`round-trips ${gzip ? "gzipped" : "raw"} IDX images and labels exactly`, () => {
      // Names that lie about the compression: it is detected by the 1f 8b magic.
      const name = gzip ? "imgs.raw" : "imgs.gz";
      const images = write(dir, name, idxImages(N, ROWS, COLS, pixels), gzip);
      const lab = write(dir, `labs-${gzip}`, idxLabels(labels), gzip);
      const ds = loadIdx(images, lab);
      expect(ds).toMatchObject({ name: `idx:${name}`, count: 3, height: 2, width: 4, channels: 1 });
      expect(Array.from(ds.images)).toEqual(Array.from(pixels, unit));
      expect([ds.images[0], ds.images[1]]).toEqual([-1, 1]);
      expect(Array.from(ds.labels!)).toEqual(labels);
      expect(ds.classes).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    });
  }

  it("loads images without labels, takes class names from the caller, and extends default names past 9", () => {
    const images = write(dir, "a.idx", idxImages(N, ROWS, COLS, pixels));
    expect(loadIdx(images)).toMatchObject({ count: 3, labels: null, classes: [] });
    const lab = write(dir, "a.lab", idxLabels(labels));
    expect(loadIdx(images, lab, { classes: ["x", "y", "z"], name: "mine" })).toMatchObject({ name: "mine", classes: ["x", "y", "z"] });
    expect(loadIdx(images, write(dir, "a12.lab", idxLabels([0, 12, 3]))).classes).toHaveLength(13);
  });

  it("keeps the first `limit` records of the file, then applies shuffleSeed", () => {
    const images = write(dir, "b.idx", idxImages(N, ROWS, COLS, pixels));
    const lab = write(dir, "b.lab", idxLabels(labels));
    const two = loadIdx(images, lab, { limit: 2 });
    expect(two.count).toBe(2);
    expect(Array.from(two.labels!)).toEqual([2, 0]);
    expect(Array.from(two.images)).toEqual(Array.from(pixels.subarray(0, 16), unit));
    expect(loadIdx(images, lab, { limit: 99 }).count).toBe(3);
    const shuffled = loadIdx(images, lab, { limit: 2, shuffleSeed: 3 });
    expect(new Set(shuffled.labels)).toEqual(new Set([2, 0]));
    expect(err(() => loadIdx(images, lab, { limit: 0 }))).toBe("The dataset limit must be a whole number of at least 1, not 0.");
    expect(err(() => loadIdx(images, lab, { shuffleSeed: -1 }))).toBe("The dataset shuffle seed must be a whole number from 0 to 4294967295, not -1.");
  });
});

describe("loadIdx errors: one sentence naming the file and what was expected", () => {
  const images = write(dir, "c-images", idxImages(N, ROWS, COLS, pixels));
  const lab = write(dir, "c-labels.gz", idxLabels(labels), true);

  it("wrong magic: swapped files, or not IDX at all", () => {
    expect(err(() => loadIdx(lab, images))).toBe(`${lab} is not an IDX image file (magic 0x00000801, expected 0x00000803): pass the images file first and the labels file second.`);
    expect(err(() => loadIdx(images, images))).toBe(`${images} is not an IDX label file (magic 0x00000803, expected 0x00000801): pass the images file first and the labels file second.`);
    const png = write(dir, "pic.png", Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
    expect(err(() => loadIdx(png))).toBe(`${png} is not an IDX image file (magic 0x89504e47, expected 0x00000803): pass an IDX file of 8-bit images such as train-images-idx3-ubyte.gz.`);
  });

  it("missing file, or a folder", () => {
    const missing = `${dir}/nope-images-idx3-ubyte.gz`;
    expect(err(() => loadIdx(missing))).toBe(`${missing} does not exist: check the path.`);
    expect(err(() => loadIdx(images, `${dir}/nope-labels`))).toBe(`${dir}/nope-labels does not exist: check the path.`);
    expect(err(() => loadIdx(dir))).toBe(`${dir} is a folder, not a file: pass the path of the file itself.`);
  });

  it("truncated (raw, gzipped, a cut-off gzip stream, a cut header) or too long", () => {
    // The header promises 3 images of 2×4 = 24 bytes; 20 are there.
    const short = idxImages(N, ROWS, COLS, pixels).subarray(0, 16 + 20);
    for (const gzip of [false, true]) {
      const p = write(dir, `short-${gzip}`, short, gzip);
      expect(err(() => loadIdx(p))).toBe(`${p} is truncated: the header promises 3 images of 2×4 (24 bytes) but the file holds 20 bytes of pixel data.`);
    }
    const cut = write(dir, "cut.gz", idxImages(N, ROWS, COLS, pixels), true);
    const whole = readFileSync(cut);
    write(dir, "cut.gz", whole.subarray(0, whole.length - 12));
    expect(err(() => loadIdx(cut))).toBe(`${cut} is gzip-compressed but cannot be decompressed (unexpected end of file): the file is truncated or damaged, so download it again.`);
    const tiny = write(dir, "tiny", idxImages(N, ROWS, COLS, []).subarray(0, 10));
    expect(err(() => loadIdx(tiny))).toBe(`${tiny} is truncated: an IDX image file starts with a 16-byte header but the file holds only 10 bytes.`);
    const long = write(dir, "long", Buffer.concat([idxImages(N, ROWS, COLS, pixels), Buffer.alloc(5)]));
    expect(err(() => loadIdx(long))).toBe(`${long} is damaged: the header promises 3 images of 2×4 (24 bytes) but the file holds 29 bytes of pixel data, 5 more than that.`);
    const shortLabels = write(dir, "short-labels", idxLabels([1, 2], 3));
    expect(err(() => loadIdx(images, shortLabels))).toBe(`${shortLabels} is truncated: the header promises 3 labels but the file holds 2.`);
  });

  it("label count differs from image count; label beyond the known classes", () => {
    const few = write(dir, "few", idxLabels([1, 2]));
    expect(err(() => loadIdx(images, few))).toBe(`${few} holds 2 labels but ${images} holds 3 images: pass the labels file that belongs to these images.`);
    expect(err(() => loadIdx(images, lab, { classes: ["a", "b"] }))).toBe(`${lab} has label 2 at record 0, but there are only 2 classes (0 to 1): pass the labels file that belongs to these images.`);
  });
});
