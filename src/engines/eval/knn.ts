/**
 * Improved precision and recall (Kynkäänniemi et al. 2019) in feature space: each set's manifold
 * is the union of balls around its points reaching their k-th nearest neighbour. Precision =
 * share of generated points inside the real manifold (are the images realistic?); recall = share
 * of real points inside the generated manifold (does the generator cover the data?).
 */
export function knnPrecisionRecall(real: Float32Array, nReal: number, fake: Float32Array, nFake: number, dim: number, k = 3): { precision: number; recall: number; k: number } {
  if (nReal <= k || nFake <= k) throw new RangeError(`k-NN precision/recall needs more than k=${k} points on each side`);
  const rr = squaredDistances(real, nReal, real, nReal, dim);
  const ff = squaredDistances(fake, nFake, fake, nFake, dim);
  const rf = squaredDistances(real, nReal, fake, nFake, dim); // nReal × nFake
  const realRadius = kthNeighbour(rr, nReal, k);
  const fakeRadius = kthNeighbour(ff, nFake, k);
  let inReal = 0;
  for (let j = 0; j < nFake; j++) {
    for (let i = 0; i < nReal; i++) {
      if (rf[i * nFake + j]! <= realRadius[i]!) {
        inReal++;
        break;
      }
    }
  }
  let inFake = 0;
  for (let i = 0; i < nReal; i++) {
    for (let j = 0; j < nFake; j++) {
      if (rf[i * nFake + j]! <= fakeRadius[j]!) {
        inFake++;
        break;
      }
    }
  }
  return { precision: inReal / nFake, recall: inFake / nReal, k };
}

/** a (na × dim) against b (nb × dim): na × nb squared Euclidean distances. */
export function squaredDistances(a: Float32Array, na: number, b: Float32Array, nb: number, dim: number): Float64Array {
  const normA = rowNorms(a, na, dim);
  const normB = rowNorms(b, nb, dim);
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    const ai = i * dim;
    for (let j = 0; j < nb; j++) {
      const bj = j * dim;
      let dot = 0;
      for (let t = 0; t < dim; t++) dot += a[ai + t]! * b[bj + t]!;
      out[i * nb + j] = Math.max(0, normA[i]! + normB[j]! - 2 * dot);
    }
  }
  return out;
}

function rowNorms(x: Float32Array, n: number, dim: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < dim; t++) s += x[i * dim + t]! ** 2;
    out[i] = s;
  }
  return out;
}

/** Per row of a square distance matrix: the distance to the k-th nearest other point. */
function kthNeighbour(d: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.set(d.subarray(i * n, i * n + n));
    row.sort();
    out[i] = row[k]!; // row[0] is the point itself (distance 0)
  }
  return out;
}
