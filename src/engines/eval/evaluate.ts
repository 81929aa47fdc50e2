import type { RawImage } from "../../images/encode.ts";
import { gather, shuffledIndices } from "../gan/datasets/index.ts";
import { BYTE_TO_UNIT } from "../gan/datasets/normalise.ts";
import type { GanSampler } from "../gan/sample.ts";
import type { Classifier } from "./classifier.ts";
import { classAccuracy, labelDistribution, type LabelDistribution } from "./distribution.ts";
import { featureStats, frechetDistance, type FeatureStats } from "./frechet.ts";
import { knnPrecisionRecall } from "./knn.ts";
import { realReference } from "./real-stats.ts";
import { trainImages, type ReferenceFamily } from "./reference-data.ts";

export const FD_KIND = "classifier-feature Fréchet distance (GenLab CNN penultimate layer; not Inception FID)";

export interface EvalReport {
  model: { name: string; sha256: string; conditional: boolean };
  classifier: { name: string; sha256: string; accuracy: number; heldOut: string };
  n: number;
  seed: number;
  distribution: LabelDistribution;
  /** Conditional models: share of images classified as the class they were drawn for (classes asked evenly). */
  classAccuracy: number | null;
  /** The same, per asked class. */
  perClassAccuracy: { class: string; accuracy: number }[] | null;
  fd: {
    value: number;
    kind: string;
    features: number;
    real: { n: number; description: string };
    generated: number;
    /** The FD that as many real images (from the classifier's training split) get: the floor at this n. */
    realBaseline: number;
  };
  knn: { precision: number; recall: number; k: number; real: number } | null;
}

/**
 * Draws n images from a generator (seeded, classes in turn for a conditional one) and judges
 * them with a classifier: label distribution, class accuracy, FD against the classifier's
 * held-out real images, k-NN precision/recall. The same seed gives the same numbers.
 */
export function evaluateGenerator(sampler: GanSampler, classifier: Classifier, opts: { n: number; seed: number; cacheDir: string }): EvalReport {
  const m = sampler.model.manifest;
  const { images, labels } = sampler.sample({ n: opts.n, seed: opts.seed });
  const x = unitPixels(images);
  const out = classifier.classify(x, opts.n);
  const classes = classifier.manifest.classes;
  const k = classes.length;
  const dim = classifier.manifest.architecture.features;
  const ref = realReference(classifier, opts.cacheDir);
  const fd = frechetDistance(ref.stats, featureStats(out.features, opts.n, dim));
  const realBaseline = baselineFd(classifier, ref.stats, opts.n, opts.seed);
  // k-NN on equal-sized sets of at most REAL_FEATURE_SAMPLE each: the distance matrices grow as n².
  const side = Math.min(ref.sampleCount, opts.n);
  const knn = side > 3 ? { ...knnPrecisionRecall(ref.sample.subarray(0, side * dim), side, out.features.subarray(0, side * dim), side, dim), real: side } : null;
  return {
    model: { name: m.name, sha256: sampler.model.sha256, conditional: m.spec.conditional },
    classifier: { name: classifier.manifest.name, sha256: classifier.sha256, accuracy: classifier.manifest.accuracy, heldOut: classifier.manifest.heldOut.description },
    n: opts.n,
    seed: opts.seed,
    distribution: labelDistribution(out.probs, opts.n, classes),
    classAccuracy: labels ? classAccuracy(out.probs, labels, k) : null,
    perClassAccuracy: labels ? classes.map((c, cls) => perClass(out.probs, labels, k, cls, c)) : null,
    fd: { value: fd, kind: FD_KIND, features: dim, real: { n: ref.stats.n, description: ref.description }, generated: opts.n, realBaseline },
    knn,
  };
}

/** FD of n real training images (picked by seed) against the held-out reference. */
function baselineFd(classifier: Classifier, reference: FeatureStats, n: number, seed: number): number {
  const train = trainImages(classifier.manifest.dataset as ReferenceFamily);
  const m = Math.min(n, train.count);
  const picked = gather(train, shuffledIndices(train.count, seed).subarray(0, m));
  const dim = classifier.manifest.architecture.features;
  return frechetDistance(reference, featureStats(classifier.classify(picked.images, m).features, m, dim));
}

/** 8-bit images back to [-1, 1] floats, HWC, as the classifier reads them (the same table the loaders use). */
export function unitPixels(images: RawImage[]): Float32Array {
  const size = images[0] ? images[0].data.length : 0;
  const out = new Float32Array(images.length * size);
  images.forEach((img, i) => {
    for (let j = 0; j < size; j++) out[i * size + j] = BYTE_TO_UNIT[img.data[j]!]!;
  });
  return out;
}

function perClass(probs: Float32Array, labels: number[], k: number, cls: number, name: string): { class: string; accuracy: number } {
  const rows = labels.flatMap((l, i) => (l === cls ? [i] : []));
  const sub = new Float32Array(rows.length * k);
  rows.forEach((r, i) => sub.set(probs.subarray(r * k, r * k + k), i * k));
  return { class: name, accuracy: classAccuracy(sub, rows.map(() => cls), k) };
}
