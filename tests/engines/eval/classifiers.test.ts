import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Classifier } from "../../../src/engines/eval/classifier.ts";
import { loadClassifier, shippedClassifierNames, shippedClassifiersDir } from "../../../src/engines/eval/classifier-files.ts";
import { HELD_OUT_PER_CLASS, referenceSplit } from "../../../src/engines/eval/reference-data.ts";
import { gather, shuffledIndices } from "../../../src/engines/gan/datasets/index.ts";

/** The goals of issue 5, on images the classifiers never trained on. */
const GOALS = { "mnist-cnn": 0.98, "fashion-mnist-cnn": 0.91 } as const;

describe("shipped evaluation classifiers", () => {
  it("are both shipped, listed in SHA256SUMS with the right hashes, and small", () => {
    expect(shippedClassifierNames()).toEqual(["fashion-mnist-cnn", "mnist-cnn"]);
    const sums = readFileSync(join(shippedClassifiersDir, "SHA256SUMS"), "utf8").trim().split("\n");
    expect(sums.length).toBe(4);
    for (const line of sums) {
      const [hash, file] = line.split(/\s+/);
      const data = readFileSync(join(shippedClassifiersDir, file!));
      expect(createHash("sha256").update(data).digest("hex"), file).toBe(hash);
      expect(data.byteLength).toBeLessThan(4e6);
    }
    for (const name of shippedClassifierNames()) {
      const m = loadClassifier(join(shippedClassifiersDir, name)).manifest;
      expect(m.accuracy, name).toBeGreaterThanOrEqual(GOALS[name as keyof typeof GOALS]);
      expect(m.architecture.features).toBe(128);
    }
  });

  it("MNIST: the held-out split is class-balanced and disjoint from training", () => {
    const s = referenceSplit("mnist");
    expect(s.heldOut.count).toBe(10 * HELD_OUT_PER_CLASS);
    expect(s.train.count + s.heldOut.count).toBe(10_000);
    const perClass = new Array<number>(10).fill(0);
    for (const l of s.heldOut.labels!) perClass[l]!++;
    expect(perClass).toEqual(new Array(10).fill(HELD_OUT_PER_CLASS));
    // No held-out image also appears among the training images.
    const key = (imgs: Float32Array, i: number) => imgs.subarray(i * 784, i * 784 + 784).join(",");
    const train = new Set(Array.from({ length: s.train.count }, (_, i) => key(s.train.images, i)));
    expect(Array.from({ length: 200 }, (_, i) => train.has(key(s.heldOut.images, i * 10))).filter(Boolean)).toEqual([]);
  });

  describe.each([
    ["mnist-cnn", "mnist", 2000],
    ["fashion-mnist-cnn", "fashion-mnist", 4000],
  ] as const)("%s", (name, family, count) => {
    let classifier: Classifier;
    beforeAll(async () => {
      classifier = await Classifier.open(join(shippedClassifiersDir, name));
    });
    afterAll(() => classifier?.dispose());

    it(`reaches its goal on ${count} held-out images`, () => {
      const held = referenceSplit(family).heldOut;
      const subset = count >= held.count ? held : gather(held, shuffledIndices(held.count, 7).subarray(0, count));
      const { probs, features } = classifier.classify(subset.images, subset.count);
      let right = 0;
      for (let i = 0; i < subset.count; i++) {
        const row = probs.subarray(i * 10, i * 10 + 10);
        if (row.indexOf(Math.max(...row)) === subset.labels![i]) right++;
      }
      expect(right / subset.count).toBeGreaterThanOrEqual(GOALS[name]);
      // The penultimate features are there for the FD: 128 ReLU activations per image.
      expect(features.length).toBe(subset.count * 128);
      expect(Math.min(...features.subarray(0, 5000))).toBeGreaterThanOrEqual(0);
    });
  });
});
