import { shuffledIndices } from "../gan/datasets/index.ts";
import type { LoadedModel } from "../gan/model-files.ts";
import { Rng } from "../runtime/random.ts";
import { pixels } from "../gan/spec.ts";
import { psnr, ssim } from "./image-metrics.ts";
import { DEFAULT_INVERSION, invertGenerator, type InversionControl, type InversionOptions } from "./invert.ts";
import { heldOutImages, type ReferenceFamily } from "./reference-data.ts";

export const SIGMA_SCALE = "σ is the standard deviation of Gaussian noise added to pixels in [-1, 1] (the GAN's scale; σ = 0.5 there is 0.25 on a [0, 1] scale), the noisy image then clipped to [-1, 1]";
export const PROJECTION_NOTE = "The bottom row is a projection onto the generator's range (GAN inversion: the z, and label, whose image best matches the noisy one), not a trained denoiser.";

export interface PairScores {
  psnr: number;
  ssim: number;
}

export interface DenoiseReport {
  model: { name: string; sha256: string };
  family: ReferenceFamily;
  sigma: number;
  n: number;
  seed: number;
  /** Which real images were used (indices into the held-out set). */
  indices: number[];
  clean: Float32Array;
  noisy: Float32Array;
  inverted: Float32Array;
  /** Per image and mean, against the clean image. */
  noisyScores: PairScores[];
  invertedScores: PairScores[];
  mean: { noisy: PairScores; inverted: PairScores };
  /** Conditional models: the true class and the class inversion chose. */
  labels: { true: number[]; inverted: number[] | null };
  inversion: Omit<InversionOptions, "seed">;
}

/**
 * The "denoising" lab comparison: n real held-out images (picked by seed), the same with
 * Gaussian noise σ, and the generator's closest image to each noisy one. Scores compare the
 * noisy and the projected image with the clean one; the inversion never sees the clean image.
 */
export async function denoiseComparison(model: LoadedModel, family: ReferenceFamily, opts: { sigma: number; n: number; seed: number; inversion?: Partial<Omit<InversionOptions, "seed">> }, control: InversionControl = {}): Promise<DenoiseReport> {
  const spec = model.manifest.spec;
  const pix = pixels(spec);
  const data = heldOutImages(family);
  const indices = Array.from(shuffledIndices(data.count, opts.seed).subarray(0, opts.n));
  const clean = new Float32Array(opts.n * pix);
  indices.forEach((j, i) => clean.set(data.images.subarray(j * pix, j * pix + pix), i * pix));
  const rng = new Rng(opts.seed ^ 0x5eed);
  const noisy = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) noisy[i] = Math.min(1, Math.max(-1, clean[i]! + opts.sigma * rng.normal()));

  const inversion = { ...DEFAULT_INVERSION, ...opts.inversion };
  const inv = await invertGenerator(model, noisy, opts.n, { ...inversion, seed: opts.seed }, control);
  const score = (x: Float32Array) =>
    indices.map((_, i) => {
      const a = clean.subarray(i * pix, i * pix + pix);
      const b = x.subarray(i * pix, i * pix + pix);
      return { psnr: psnr(a, b), ssim: ssim(a, b, spec.width, spec.height) };
    });
  const noisyScores = score(noisy);
  const invertedScores = score(inv.images);
  return {
    model: { name: model.manifest.name, sha256: model.sha256 },
    family,
    sigma: opts.sigma,
    n: opts.n,
    seed: opts.seed,
    indices,
    clean,
    noisy,
    inverted: inv.images,
    noisyScores,
    invertedScores,
    mean: { noisy: meanScores(noisyScores), inverted: meanScores(invertedScores) },
    labels: { true: indices.map((j) => data.labels![j]!), inverted: inv.labels },
    inversion,
  };
}

function meanScores(s: PairScores[]): PairScores {
  return { psnr: s.reduce((a, b) => a + b.psnr, 0) / s.length, ssim: s.reduce((a, b) => a + b.ssim, 0) / s.length };
}
