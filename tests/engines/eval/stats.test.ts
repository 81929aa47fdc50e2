import { describe, expect, it } from "vitest";
import { chiSquareUniform, classAccuracy, entropy, labelDistribution } from "../../../src/engines/eval/distribution.ts";
import { featureStats, frechetDistance, sqrtPsd, type FeatureStats } from "../../../src/engines/eval/frechet.ts";
import { knnPrecisionRecall } from "../../../src/engines/eval/knn.ts";
import { psnr, ssim } from "../../../src/engines/eval/image-metrics.ts";
import { chiSquareSurvival, logGamma } from "../../../src/engines/eval/special.ts";
import { Rng } from "../../../src/engines/runtime/random.ts";

describe("label distribution statistics", () => {
  it("entropy in bits matches hand values", () => {
    expect(entropy([5, 5])).toBeCloseTo(1, 12);
    expect(entropy([1, 1, 1, 1])).toBeCloseTo(2, 12);
    expect(entropy([1, 2, 1])).toBeCloseTo(1.5, 12);
    expect(entropy([10, 0, 0])).toBe(0);
  });

  it("χ² against uniform: statistic and p-value", () => {
    // expected 20 each: (10−20)²/20 + 0 + (30−20)²/20 = 10; with 2 dof the survival is e^(−x/2).
    const c = chiSquareUniform([10, 20, 30]);
    expect(c.statistic).toBeCloseTo(10, 12);
    expect(c.dof).toBe(2);
    expect(c.pValue).toBeCloseTo(Math.exp(-5), 12);
    expect(chiSquareUniform([7, 7, 7, 7]).pValue).toBe(1);
  });

  it("χ² survival matches the textbook critical values", () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(16.918977604620448, 9)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(21.665994333461924, 9)).toBeCloseTo(0.01, 10);
    expect(chiSquareSurvival(2.087900736570235, 9)).toBeCloseTo(0.99, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it("counts, shares, confidence and class accuracy from softmax rows", () => {
    const probs = Float32Array.from([0.9, 0.05, 0.05, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1, 0.1, 0.1, 0.8]);
    const d = labelDistribution(probs, 4, ["a", "b", "c"]);
    expect(d.perClass.map((c) => c.count)).toEqual([2, 1, 1]);
    expect(d.perClass.map((c) => c.share)).toEqual([0.5, 0.25, 0.25]);
    expect(d.meanConfidence).toBeCloseTo((0.9 + 0.7 + 0.6 + 0.8) / 4, 6);
    expect(d.entropyBits).toBeCloseTo(1.5, 12);
    expect(d.normalisedEntropy).toBeCloseTo(1.5 / Math.log2(3), 12);
    expect(d.chiSquare.statistic).toBeCloseTo(((2 - 4 / 3) ** 2 + 2 * (1 - 4 / 3) ** 2) / (4 / 3), 12);
    expect(classAccuracy(probs, [0, 1, 2, 2], 3)).toBe(0.75);
  });
});

const stats = (mean: number[], cov: number[][]): FeatureStats => ({ n: 100, dim: mean.length, mean: Float64Array.from(mean), cov: Float64Array.from(cov.flat()) });

describe("Fréchet distance", () => {
  it("mean and unbiased covariance of feature rows", () => {
    const s = featureStats([1, 2, 3, 6, 5, 4], 3, 2); // rows (1,2) (3,6) (5,4)
    expect(Array.from(s.mean)).toEqual([3, 4]);
    expect(Array.from(s.cov)).toEqual([4, 2, 2, 4]);
  });

  it("is 0 for identical Gaussians", () => {
    const rng = new Rng(3);
    const x = rng.normals(500 * 16).map((v, i) => v * (1 + (i % 16)) + (i % 5));
    const s = featureStats(x, 500, 16);
    expect(frechetDistance(s, s)).toBeLessThan(1e-8);
  });

  it("matches the closed form for diagonal Gaussians, and for the same pair rotated", () => {
    const mu1 = [0, 1, 2];
    const mu2 = [1, 1, 0];
    const v1 = [1, 4, 9];
    const v2 = [4, 1, 0.25];
    const diag = (v: number[]) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
    // ‖μ₁−μ₂‖² + Σ (√a − √b)² = 5 + (1 + 1 + 6.25)
    const expected = 5 + 1 + 1 + 6.25;
    expect(frechetDistance(stats(mu1, diag(v1)), stats(mu2, diag(v2)))).toBeCloseTo(expected, 9);
    // A common rotation R changes nothing: Σ → R Σ Rᵀ, μ → R μ.
    const c = Math.cos(0.7), s = Math.sin(0.7);
    const R = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
    const rot = (m: number[][]) => R.map((ri) => R.map((rj) => ri.reduce((acc, rik, k) => acc + rik * m[k]!.reduce((a2, mkl, l) => a2 + mkl * rj[l]!, 0), 0)));
    const rv = (v: number[]) => R.map((ri) => ri.reduce((a, r, k) => a + r * v[k]!, 0));
    expect(frechetDistance(stats(rv(mu1), rot(diag(v1))), stats(rv(mu2), rot(diag(v2))))).toBeCloseTo(expected, 9);
  });

  it("matches the 2×2 closed form for covariances that do not commute", () => {
    // For 2×2 PSD M: tr √M = √(tr M + 2√det M); here M = Σ₁^½ Σ₂ Σ₁^½.
    const a = [[2, 0.5], [0.5, 1]];
    const b = [[1, -0.3], [-0.3, 3]];
    const trAB = a[0]![0]! * b[0]![0]! + a[0]![1]! * b[1]![0]! + a[1]![0]! * b[0]![1]! + a[1]![1]! * b[1]![1]!;
    const det = (m: number[][]) => m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!;
    const expected = 1 + 4 + 3 + 4 - 2 * Math.sqrt(trAB + 2 * Math.sqrt(det(a) * det(b)));
    expect(frechetDistance(stats([1, 0], a), stats([0, 2], b))).toBeCloseTo(expected, 9);
  });

  it("square root of a PSD matrix squares back", () => {
    const m = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const r = sqrtPsd(m, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect([0, 1, 2].reduce((s, k) => s + r[i * 3 + k]! * r[k * 3 + j]!, 0)).toBeCloseTo(m[i * 3 + j]!, 10);
  });
});

describe("k-NN precision and recall", () => {
  const cloud = (seed: number, n: number, shift: number) => new Rng(seed).normals(n * 4).map((v) => v + shift);
  it("a set against itself covers everything; far apart sets cover nothing", () => {
    const a = cloud(1, 200, 0);
    expect(knnPrecisionRecall(a, 200, a, 200, 4)).toMatchObject({ precision: 1, recall: 1 });
    expect(knnPrecisionRecall(a, 200, cloud(2, 200, 50), 200, 4)).toMatchObject({ precision: 0, recall: 0 });
  });
  it("a collapsed generator keeps precision but loses recall", () => {
    const real = cloud(1, 300, 0);
    const collapsed = new Rng(5).normals(300 * 4).map((v) => 0.05 * v); // all near the centre
    const r = knnPrecisionRecall(real, 300, collapsed, 300, 4);
    expect(r.precision).toBeGreaterThan(0.9);
    expect(r.recall).toBeLessThan(0.2);
  });
});

describe("PSNR and SSIM", () => {
  it("PSNR on the [0, 1] scale", () => {
    const a = new Float32Array(784);
    const b = new Float32Array(784).fill(0.2); // 0.1 apart on [0, 1]: MSE 0.01 → 20 dB
    expect(psnr(a, b)).toBeCloseTo(20, 5);
    expect(psnr(a, a)).toBe(Infinity);
  });
  it("SSIM is 1 for the same image and drops with noise", () => {
    const rng = new Rng(9);
    const img = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 20));
    const noisy = img.map((v) => v + 0.5 * rng.normal());
    expect(ssim(img, img, 28, 28)).toBeCloseTo(1, 10);
    const s = ssim(img, noisy, 28, 28);
    expect(s).toBeLessThan(0.8);
    expect(s).toBeGreaterThan(0);
  });
});
