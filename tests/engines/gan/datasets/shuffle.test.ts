import { describe, expect, it } from "vitest";
import { gather, shuffledIndices, type Dataset } from "../../../../src/engines/gan/datasets/index.ts";
import { mulberry32 } from "../../../../src/engines/gan/datasets/shuffle.ts";
import { sameBytes } from "./helpers.ts";

/** mulberry32 as published (bryc/code, PRNGs.md), returning floats in [0, 1). */
function referenceMulberry32(a: number) {
  return function () {
    let t = (a += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The textbook algorithm, slowly: Fisher–Yates with Lemire's bounded draw in BigInt. */
function referenceShuffle(n: number, seed: number): number[] {
  const next = mulberry32(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const s = BigInt(i + 1);
    let m = BigInt(next()) * s;
    if ((m & 0xffffffffn) < s) {
      const t = (2n ** 32n - s) % s;
      while ((m & 0xffffffffn) < t) m = BigInt(next()) * s;
    }
    const j = Number(m >> 32n);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("seeded shuffling", () => {
  it("mulberry32 matches the published generator", () => {
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const ours = mulberry32(seed);
      const ref = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(ref() * 4294967296);
    }
  });

  it("shuffledIndices is the textbook Fisher–Yates over mulberry32, a permutation, fixed by the seed", () => {
    for (const [n, seed] of [[0, 0], [1, 5], [2, 1], [10, 0], [1000, 123], [3000, 0xffffffff]] as const) {
      expect(Array.from(shuffledIndices(n, seed))).toEqual(referenceShuffle(n, seed));
    }
    // Pinned, so that a change of algorithm (which would change every recorded training run) shows.
    expect(Array.from(shuffledIndices(10, 0))).toEqual([3, 8, 6, 4, 5, 9, 7, 1, 0, 2]);
    const a = shuffledIndices(60000, 1);
    expect(Array.from(a).sort((x, y) => x - y).every((v, i) => v === i)).toBe(true);
    expect(sameBytes(shuffledIndices(60000, 1), a)).toBe(true);
    expect(sameBytes(shuffledIndices(60000, 2), a)).toBe(false);
    expect(() => shuffledIndices(10, -1)).toThrow(RangeError);
    expect(() => shuffledIndices(1.5, 0)).toThrow(RangeError);
  });

  it("is roughly uniform: each value lands in each position about equally often", () => {
    const n = 5, trials = 20000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let s = 0; s < trials; s++) shuffledIndices(n, s).forEach((v, pos) => counts[pos]![v]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(200); // σ ≈ 57: 3.5σ (and the seeds are fixed)
  });

  it("gather reorders images and labels together into a new Dataset", () => {
    const ds: Dataset = { name: "t", count: 3, height: 1, width: 2, channels: 1, images: Float32Array.of(0, 0.1, 1, 1.1, 2, 2.1), labels: Uint8Array.of(7, 8, 9), classes: ["a"] };
    const g = gather(ds, Uint32Array.of(2, 0, 2));
    expect(g).toMatchObject({ name: "t", count: 3, height: 1, width: 2, channels: 1, classes: ["a"] });
    expect(Array.from(g.images)).toEqual(Array.from(Float32Array.of(2, 2.1, 0, 0.1, 2, 2.1)));
    expect(Array.from(g.labels!)).toEqual([9, 7, 9]);
    expect(g.images).not.toBe(ds.images);
    expect(gather({ ...ds, labels: null }, [1]).labels).toBeNull();
    expect(() => gather(ds, [3])).toThrow(RangeError);
  });
});
