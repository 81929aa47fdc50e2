/**
 * Fréchet distance between two Gaussians fitted to feature vectors (Heusel et al. 2017):
 *
 *   FD = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½
 *
 * With Inception-v3 pool features this is "FID"; GenLab uses its own small classifier's
 * penultimate features instead, so its numbers are a classifier-feature FD, comparable only
 * with FDs from the same classifier (same sha256), never with published FIDs.
 * The matrix square roots come from symmetric eigendecompositions (cyclic Jacobi), in float64.
 */
export interface FeatureStats {
  n: number;
  dim: number;
  mean: Float64Array;
  /** dim × dim, row-major, unbiased (n − 1). */
  cov: Float64Array;
}

/** Mean and covariance of n feature rows (n × dim, row-major). */
export function featureStats(features: ArrayLike<number>, n: number, dim: number): FeatureStats {
  if (features.length !== n * dim) throw new RangeError(`featureStats: ${features.length} values for ${n} × ${dim}`);
  if (n < 2) throw new RangeError("featureStats needs at least two feature vectors");
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += features[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = features[i * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) {
      const ra = row[a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b]! / (n - 1);
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
  }
  return { n, dim, mean, cov };
}

export function frechetDistance(p: FeatureStats, q: FeatureStats): number {
  if (p.dim !== q.dim) throw new RangeError(`frechetDistance: feature sizes differ (${p.dim} vs ${q.dim})`);
  const d = p.dim;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (p.mean[j]! - q.mean[j]!) ** 2;
  let traces = 0;
  for (let j = 0; j < d; j++) traces += p.cov[j * d + j]! + q.cov[j * d + j]!;
  const root = sqrtPsd(p.cov, d);
  const m = symmetrise(multiply(multiply(root, q.cov, d), root, d), d);
  const { values } = symmetricEigen(m, d);
  let crossTrace = 0;
  for (const v of values) crossTrace += Math.sqrt(Math.max(v, 0)); // tiny negative eigenvalues are rounding
  return Math.max(0, meanTerm + traces - 2 * crossTrace);
}

/** The symmetric square root of a positive semi-definite matrix. */
export function sqrtPsd(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k]! * s;
      if (vik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j]! += vik * vectors[j * d + k]!;
    }
  }
  return out;
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix by cyclic Jacobi
 * rotations; converges quadratically, ~6–10 sweeps for 128 × 128.
 */
export function symmetricEigen(input: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q]! ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * d + p]!;
        const aqq = a[q * d + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i]!;
  return { values, vectors: v };
}

function multiply(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j]! += aik * b[k * d + j]!;
    }
  }
  return out;
}

function symmetrise(a: Float64Array, d: number): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const m = (a[i * d + j]! + a[j * d + i]!) / 2;
      a[i * d + j] = m;
      a[j * d + i] = m;
    }
  }
  return a;
}
