import type { Dataset } from "./types.ts";

/**
 * mulberry32 (Tommy Ettinger, 2017; public domain): a 32-bit state advanced by the Weyl
 * increment 0x6D2B79F5, each output a mix of it. Small, fast, and good enough for shuffling
 * (it passes gjrand and PractRand to 2^32 outputs; not for cryptography). Returns uint32s.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const TWO_32 = 4294967296;

/**
 * 0..n-1 in an order fixed by seed (a uint32): Fisher–Yates (Durstenfeld) driven by
 * mulberry32, each j = ⌊r·(i+1) / 2^32⌋ with Lemire's rejection step, so without modulo bias.
 * The generator is inlined so that even the first, not yet optimised call is fast:
 * 60,000 indices take under a millisecond warm and a few cold.
 */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > EXACT_BOUND) throw new RangeError(`shuffledIndices: n must be a whole number from 0 to 2^21, not ${n}`);
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32) throw new RangeError(`shuffledIndices: seed must be a whole number from 0 to 2^32-1, not ${seed}`);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  let a = seed | 0;
  for (let i = n - 1; i > 0; i--) {
    const bound = i + 1;
    let m: number;
    let low: number;
    let threshold = -1;
    for (;;) {
      // mulberry32 step (same as mulberry32() above)
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      // Lemire (2019): r·bound is exact in a double (r < 2^32, bound ≤ 2^21); its low 32 bits decide rejection.
      m = ((t ^ (t >>> 14)) >>> 0) * bound;
      low = m >>> 0;
      if (low >= bound) break;
      if (threshold < 0) threshold = (TWO_32 - bound) % bound;
      if (low >= threshold) break;
    }
    const j = (m - low) / TWO_32;
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** The largest n: r·n stays below 2^53, so the bounded draw is exact. Far beyond any dataset here. */
const EXACT_BOUND = 2 ** 21;

/** A new Dataset holding the records at `indices`, in that order (labels follow their images). */
export function gather(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const pix = dataset.height * dataset.width * dataset.channels;
  const n = indices.length;
  const images = new Float32Array(n * pix);
  const labels = dataset.labels ? new Uint8Array(n) : null;
  const src = dataset.images;
  for (let i = 0; i < n; i++) {
    const j = indices[i]!;
    if (!(j >= 0 && j < dataset.count && Number.isInteger(j))) throw new RangeError(`gather: index ${j} at position ${i} is outside 0..${dataset.count - 1}`);
    images.set(src.subarray(j * pix, j * pix + pix), i * pix);
    if (labels) labels[i] = dataset.labels![j]!;
  }
  return { ...dataset, count: n, images, labels, classes: [...dataset.classes] };
}
