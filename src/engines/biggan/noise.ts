import { Rng } from "../gan/random.ts";

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

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + (b[i]! - a[i]!) * t;
  return out;
}

/**
 * Spherical interpolation: Gaussian noise lives near a sphere, and a straight line between
 * two points passes through low-norm noise the generator rarely saw (washed-out frames).
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = Math.min(1, Math.max(-1, dot / (Math.sqrt(na * nb) || 1)));
  const omega = Math.acos(cos);
  if (omega < 1e-6) return lerp(a, b, t); // (nearly) the same direction
  const s = Math.sin(omega);
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}
