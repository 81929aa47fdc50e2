import { chiSquareSurvival } from "./special.ts";

export interface ClassShare {
  class: string;
  count: number;
  share: number;
}

export interface LabelDistribution {
  n: number;
  perClass: ClassShare[];
  /** Mean over images of the classifier's top probability. */
  meanConfidence: number;
  /** Shannon entropy of the predicted-label shares, in bits (log2 K when perfectly even). */
  entropyBits: number;
  /** entropyBits / log2 K: 1 = every class equally often, 0 = one class only. */
  normalisedEntropy: number;
  /** Pearson's χ² of the counts against a uniform spread, K−1 degrees of freedom. */
  chiSquare: { statistic: number; dof: number; pValue: number };
}

/**
 * The label distribution of n images from the classifier's softmax outputs (n × K, row-major):
 * each image counts for its most likely class.
 */
export function labelDistribution(probs: Float32Array, n: number, classes: string[]): LabelDistribution {
  const k = classes.length;
  if (probs.length !== n * k) throw new RangeError(`labelDistribution: ${probs.length} probabilities for ${n} images of ${k} classes`);
  const counts = new Array<number>(k).fill(0);
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    const { index, value } = argMax(probs, i * k, k);
    counts[index]!++;
    confidence += value;
  }
  const entropyBits = entropy(counts);
  return {
    n,
    perClass: counts.map((count, i) => ({ class: classes[i]!, count, share: n ? count / n : 0 })),
    meanConfidence: n ? confidence / n : 0,
    entropyBits,
    normalisedEntropy: k > 1 ? entropyBits / Math.log2(k) : 0,
    chiSquare: chiSquareUniform(counts),
  };
}

/** Shannon entropy (bits) of the distribution the counts describe; empty classes add nothing. */
export function entropy(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
  return h === 0 ? 0 : h; // no -0
}

/** Pearson's χ² goodness of fit against equal expected counts, with its p-value. */
export function chiSquareUniform(counts: number[]): { statistic: number; dof: number; pValue: number } {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  const statistic = expected > 0 ? counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0) : 0;
  const dof = counts.length - 1;
  return { statistic, dof, pValue: dof > 0 ? chiSquareSurvival(statistic, dof) : 1 };
}

/** Share of images whose predicted class is the one the generator was asked for. */
export function classAccuracy(probs: Float32Array, asked: ArrayLike<number>, k: number): number {
  const n = asked.length;
  let right = 0;
  for (let i = 0; i < n; i++) if (argMax(probs, i * k, k).index === asked[i]) right++;
  return n ? right / n : 0;
}

export function argMax(values: ArrayLike<number>, offset: number, length: number): { index: number; value: number } {
  let index = 0;
  let value = -Infinity;
  for (let j = 0; j < length; j++) {
    const v = values[offset + j]!;
    if (v > value) [index, value] = [j, v];
  }
  return { index, value };
}
