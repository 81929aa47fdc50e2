import { Rng } from "../runtime/random.ts";

/**
 * BigGAN's "truncation trick" noise, as the original (pytorch-pretrained-biggan's
 * truncated_noise_sample): a standard normal truncated to [-2, 2], times the truncation.
 * Drawn by rejection (same distribution as scipy's truncnorm; the stream is GenLab's own,
 * seeded, so a seed always gives the same vector).
 */
export function truncatedNoise(seed: number, dim: number, truncation: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    let x = rng.normal();
    while (x < -2 || x > 2) x = rng.normal(); // P(|x| > 2) ≈ 4.6 %, so ~1.05 draws per value
    out[i] = x * truncation;
  }
  return out;
}

/** Noise for image i of a request with seed s comes from seed s + i, so each image has its own seed. */
export function imageSeed(seed: number, i: number): number {
  return (seed + i) >>> 0;
}

export { lerp, slerp } from "../runtime/latent.ts";
