/** Interpolation between latent vectors, shared by the engines. */

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

/** "Variations of image k": the base image's noise, blended this far towards fresh noise. */
export interface VariationOf {
  /** Seed of the base image's noise (engines say what exactly it seeds). */
  seed: number;
  /** For engines that draw a batch from one seed: the batch size and the image's place in it. */
  n?: number;
  index?: number;
  /** 0: the base image itself; 1: unrelated new images. */
  strength: number;
}

/** How far V-button variations move from their image: close enough to be recognisably it. */
export const VARIATION_STRENGTH = 0.3;

/** Checks a stored or requested `variationOf`; throws a plain Error (only GenLab's own buttons set it). */
export function parseVariation(raw: unknown): VariationOf | null {
  if (raw === undefined || raw === null) return null;
  const v = raw as Partial<VariationOf>;
  const whole = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < 2 ** 32;
  if (typeof raw !== "object" || !whole(v.seed) || typeof v.strength !== "number" || !(v.strength > 0 && v.strength <= 1) || (v.n !== undefined && !whole(v.n)) || (v.index !== undefined && (!whole(v.index) || v.index >= (v.n ?? Infinity)))) {
    throw new Error(`not a variation request: ${JSON.stringify(raw).slice(0, 200)}`);
  }
  return { seed: v.seed!, strength: v.strength, ...(v.n !== undefined ? { n: v.n, index: v.index ?? 0 } : {}) };
}
