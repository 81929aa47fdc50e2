import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EvalEngine } from "../../../src/engines/eval/engine.ts";
import { tempDir } from "../../support/config.ts";

const cacheDir = tempDir("genlab-eval-cache-");
const engine = new EvalEngine(undefined, { cacheDir });

describe("evaluating the shipped generators", () => {
  it("mnist-mlp draws every digit; its FD is far above that of real digits; the numbers repeat for a seed", async () => {
    const r = await engine.evaluate({ model: "mnist-mlp", n: 500, seed: 1 });
    expect(r.classifier.name).toBe("mnist-cnn");
    expect(r.classAccuracy).toBeNull();
    const counts = r.distribution.perClass.map((c) => c.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500);
    expect(Math.min(...counts)).toBeGreaterThan(0); // no mode left out entirely
    expect(r.distribution.entropyBits).toBeGreaterThan(2.5);
    expect(r.knn!.precision).toBeGreaterThan(0.5);

    // Real training digits (never in the held-out reference) score a much lower FD than generated ones.
    expect(r.fd.realBaseline).toBeGreaterThan(0);
    expect(r.fd.value).toBeGreaterThan(2 * r.fd.realBaseline);

    // Cached real statistics, keyed by the classifier's sha256; the same seed gives the same report.
    expect(readdirSync(cacheDir)).toContain(`real-${r.classifier.sha256}.json`);
    const again = await engine.evaluate({ model: "mnist-mlp", n: 500, seed: 1 });
    expect(again.fd.value).toBe(r.fd.value);
    expect(again.distribution).toEqual(r.distribution);
    const other = await engine.evaluate({ model: "mnist-mlp", n: 500, seed: 2 });
    expect(other.fd.value).not.toBe(r.fd.value);
  });

  it("fashion-mnist-mlp-cond draws the class it is asked for at least 90 % of the time", async () => {
    const r = await engine.evaluate({ model: "fashion-mnist-mlp-cond", n: 1000, seed: 1 });
    expect(r.classifier.name).toBe("fashion-mnist-cnn");
    // Measured 0.940 for this seed (0.939 for seed 2); Pullover is the weakest class at 0.74.
    // A generator ignoring its label would score ~0.1; the concatenated-label model shipped
    // before this AC-GAN with averaged weights scored 0.87.
    expect(r.classAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...r.perClassAccuracy!.map((c) => c.accuracy))).toBeGreaterThan(0.6);
    expect(r.perClassAccuracy).toHaveLength(10);
    // Classes were asked evenly, so the predicted shares stay close to uniform.
    expect(r.distribution.normalisedEntropy).toBeGreaterThan(0.95);
  });

  it("generate() returns the chart with the numbers as presentation fields", async () => {
    const p = engine.validate({ model: "mnist-mlp", n: 100, seed: 5 });
    expect(p).toMatchObject({ task: "distribution", n: 100, seed: 5, sigma: null });
    const res = await engine.generate(p);
    expect(res.images).toHaveLength(1);
    expect([res.images[0]!.width, res.images[0]!.height]).toEqual([720, 380]);
    expect(res.presentation!.fields!.map((f) => f.name)).toContain("FD (classifier features)");
    expect(res.presentation!.note).toMatch(/not Inception FID/);
    expect(res.params).toMatchObject({ classifier: "mnist-cnn" });
    expect(engine.reproduce(res.params)).toBe("model:mnist-mlp n:100 seed:5");
  });

  it("rejects what it cannot judge with one sentence", () => {
    expect(() => engine.validate({ model: "nope" })).toThrow(/^There is no GAN model named "nope": choose one of /);
    expect(() => engine.validate({ model: "mnist-mlp", n: 5 })).toThrow(/^n must be a whole number from 10 to 10000, not 5\.$/);
    expect(() => engine.validate({ task: "denoise", model: "mnist-mlp", sigma: 3 })).toThrow(/^sigma must be a number from 0 to 2 /);
    expect(() => engine.validate({ task: "paint" })).toThrow(/^task must be "distribution" or "denoise"/);
    expect(() => new EvalEngine(undefined, { classifiersDir: tempDir("no-classifiers-") }).validate({ model: "mnist-mlp" })).toThrow(/^GenLab has no classifier for 28×28 images of the classes 0, 1, 2, 3, …/);
    expect(existsSync(cacheDir)).toBe(true);
  });
});

describe("denoising by GAN inversion", () => {
  it("draws three rows and the projection beats the noisy image on PSNR (σ = 0.5)", async () => {
    const p = engine.validate({ task: "denoise", model: "mnist-mlp", n: 3, seed: 11 });
    expect(p.sigma).toBe(0.5);
    const res = await engine.generate(p);
    expect(res.images).toHaveLength(1);
    const img = res.images[0]!;
    expect([img.width, img.height]).toEqual([170 + 3 * 118 + 6, 50 + 3 * 134 + 40]);
    // Each of the three rows holds bright digit pixels in every cell (not the empty background).
    for (let row = 0; row < 3; row++) {
      for (let cell = 0; cell < 3; cell++) {
        let bright = 0;
        for (let y = 0; y < 112; y++) for (let x = 0; x < 112; x++) if (img.data[((50 + row * 134 + y) * img.width + 170 + cell * 118 + x) * 3]! > 200) bright++;
        expect(bright, `row ${row} cell ${cell}`).toBeGreaterThan(200);
      }
    }
    const { psnr_noisy, psnr_inverted, ssim_inverted } = res.params as Record<string, number>;
    expect(psnr_inverted).toBeGreaterThan(psnr_noisy!);
    expect(ssim_inverted).toBeGreaterThan(0.4);
    expect(res.presentation!.note).toMatch(/projection onto the generator's range/);
  });

  it("inverts a conditional generator's label along with z", async () => {
    const r = await engine.denoise({ model: "fashion-mnist-mlp-cond", n: 2, seed: 4, sigma: 0.3 });
    expect(r.labels.inverted).toHaveLength(2);
    expect(r.invertedScores.every((s) => Number.isFinite(s.psnr) && s.psnr > 10)).toBe(true);
  });
});
