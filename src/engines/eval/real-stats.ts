import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shuffledIndices } from "../gan/datasets/index.ts";
import type { Classifier } from "./classifier.ts";
import { featureStats, type FeatureStats } from "./frechet.ts";
import { heldOutImages, type ReferenceFamily } from "./reference-data.ts";

/** Real features kept for k-NN precision/recall (a fixed random subset of the held-out set). */
export const REAL_FEATURE_SAMPLE = 2000;

export interface RealReference {
  stats: FeatureStats;
  /** Up to REAL_FEATURE_SAMPLE feature rows of real images, fixed order. */
  sample: Float32Array;
  sampleCount: number;
  /** Where the real images came from, for reports. */
  description: string;
}

interface CacheFile {
  classifierSha256: string;
  description: string;
  n: number;
  dim: number;
  mean: string;
  cov: string;
  sampleCount: number;
  sample: string;
}

/** Where real-set statistics are cached when the caller names no folder: GENLAB_DATA_DIR/eval-cache. */
export function defaultEvalCacheDir(): string {
  return join(process.env.GENLAB_DATA_DIR ?? "./data", "eval-cache");
}

/**
 * The classifier-feature statistics of its held-out real images, computed once and cached in
 * `cacheDir` under the classifier's sha256 (a retrained classifier gets a new file; a damaged
 * or foreign file is recomputed).
 */
export function realReference(classifier: Classifier, cacheDir: string): RealReference {
  const path = join(cacheDir, `real-${classifier.sha256}.json`);
  const cached = readCache(path, classifier.sha256);
  if (cached) return cached;
  const data = heldOutImages(classifier.manifest.dataset as ReferenceFamily);
  const { features } = classifier.classify(data.images, data.count);
  const dim = classifier.manifest.architecture.features;
  const stats = featureStats(features, data.count, dim);
  const order = shuffledIndices(data.count, 0);
  const sampleCount = Math.min(REAL_FEATURE_SAMPLE, data.count);
  const sample = new Float32Array(sampleCount * dim);
  for (let i = 0; i < sampleCount; i++) sample.set(features.subarray(order[i]! * dim, order[i]! * dim + dim), i * dim);
  const ref: RealReference = { stats, sample, sampleCount, description: classifier.manifest.heldOut.description };
  writeCache(path, classifier.sha256, ref);
  return ref;
}

function readCache(path: string, sha: string): RealReference | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const c = JSON.parse(readFileSync(path, "utf8")) as CacheFile;
    if (c.classifierSha256 !== sha) return undefined;
    const mean = f64(c.mean);
    const cov = f64(c.cov);
    const sample = f32(c.sample);
    if (mean.length !== c.dim || cov.length !== c.dim * c.dim || sample.length !== c.sampleCount * c.dim) return undefined;
    return { stats: { n: c.n, dim: c.dim, mean, cov }, sample, sampleCount: c.sampleCount, description: c.description };
  } catch {
    return undefined; // unreadable: recompute and overwrite
  }
}

function writeCache(path: string, sha: string, ref: RealReference): void {
  const file: CacheFile = {
    classifierSha256: sha,
    description: ref.description,
    n: ref.stats.n,
    dim: ref.stats.dim,
    mean: b64(ref.stats.mean),
    cov: b64(ref.stats.cov),
    sampleCount: ref.sampleCount,
    sample: b64(ref.sample),
  };
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(file));
    renameSync(tmp, path); // two processes computing at once both write whole files
  } catch {
    // A read-only data folder only costs the recomputation next time.
  }
}

const b64 = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const f64 = (s: string) => {
  const b = Buffer.from(s, "base64");
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
};
const f32 = (s: string) => {
  const b = Buffer.from(s, "base64");
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
};
