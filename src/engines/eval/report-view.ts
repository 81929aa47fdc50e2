import type { RawImage } from "../../images/encode.ts";
import { barChart } from "../../images/bar-chart.ts";
import { PROJECTION_NOTE, SIGMA_SCALE, type DenoiseReport } from "./denoise.ts";
import type { EvalReport } from "./evaluate.ts";

/** How the evaluation reads in words, numbers and a chart: shared by the CLI, the engine and Discord. */

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function distributionChart(r: EvalReport): Promise<RawImage> {
  const d = r.distribution;
  const k = d.perClass.length;
  return barChart({
    title: `Label distribution — ${r.model.name} (n=${r.n}, seed ${r.seed})`,
    subtitle: [
      [`FD ${r.fd.value.toFixed(2)} in classifier features (real images: ${r.fd.realBaseline.toFixed(2)}; not Inception FID)`, r.classAccuracy === null ? "" : `class accuracy ${pct(r.classAccuracy)}`].filter(Boolean).join(" · "),
      `entropy ${d.entropyBits.toFixed(2)} of ${Math.log2(k).toFixed(2)} bits · χ² vs uniform p=${fmtP(d.chiSquare.pValue)} · classified by ${r.classifier.name} (${pct(r.classifier.accuracy)} on held-out real images)`,
    ],
    bars: d.perClass.map((c) => ({ label: c.class, value: c.share, caption: pct(c.share) })),
    reference: { value: 1 / k, label: `uniform ${pct(1 / k)}` },
  });
}

export function evalNote(r: EvalReport): string {
  return `Predicted labels of ${r.n} generated images by GenLab's ${r.classifier.name} (${pct(r.classifier.accuracy)} on real held-out images). FD is a Fréchet distance in that classifier's features, not Inception FID: compare it only between models.`;
}

export function evalFields(r: EvalReport): { name: string; value: string }[] {
  const d = r.distribution;
  const fields = [
    { name: "FD (classifier features)", value: `${r.fd.value.toFixed(2)} (real images: ${r.fd.realBaseline.toFixed(2)})` },
    ...(r.classAccuracy === null ? [] : [{ name: "Class accuracy", value: pct(r.classAccuracy) }]),
    { name: "Entropy", value: `${d.entropyBits.toFixed(3)} bits (${pct(d.normalisedEntropy)} of max)` },
    { name: "χ² vs uniform", value: `${d.chiSquare.statistic.toFixed(1)} (dof ${d.chiSquare.dof}), p=${fmtP(d.chiSquare.pValue)}` },
    { name: "Mean confidence", value: pct(d.meanConfidence) },
    ...(r.knn ? [{ name: `k-NN precision / recall (k=${r.knn.k})`, value: `${r.knn.precision.toFixed(3)} / ${r.knn.recall.toFixed(3)}` }] : []),
    { name: "Counts", value: d.perClass.map((c) => `${c.class}: ${c.count}`).join(", ") },
  ];
  return fields;
}

/** The --json object: one line, snake_case, everything a script might plot. */
export function evalJson(r: EvalReport): Record<string, unknown> {
  const d = r.distribution;
  return {
    model: r.model.name,
    model_sha256: r.model.sha256,
    conditional: r.model.conditional,
    n: r.n,
    seed: r.seed,
    classifier: { name: r.classifier.name, sha256: r.classifier.sha256, held_out_accuracy: r.classifier.accuracy, held_out: r.classifier.heldOut },
    distribution: Object.fromEntries(d.perClass.map((c) => [c.class, { count: c.count, share: round(c.share) }])),
    mean_confidence: round(d.meanConfidence),
    entropy_bits: round(d.entropyBits),
    normalised_entropy: round(d.normalisedEntropy),
    chi_square: { statistic: round(d.chiSquare.statistic), dof: d.chiSquare.dof, p_value: d.chiSquare.pValue },
    class_accuracy: r.classAccuracy === null ? null : round(r.classAccuracy),
    per_class_accuracy: r.perClassAccuracy ? Object.fromEntries(r.perClassAccuracy.map((c) => [c.class, round(c.accuracy)])) : null,
    fd: {
      value: round(r.fd.value),
      kind: r.fd.kind,
      features: r.fd.features,
      real_images: r.fd.real.n,
      real_set: r.fd.real.description,
      generated_images: r.fd.generated,
      real_baseline: round(r.fd.realBaseline),
    },
    knn: r.knn ? { precision: round(r.knn.precision), recall: round(r.knn.recall), k: r.knn.k, real_images: r.knn.real } : null,
  };
}

export function denoiseFields(r: DenoiseReport): { name: string; value: string }[] {
  return [
    { name: "Noisy vs clean", value: `PSNR ${r.mean.noisy.psnr.toFixed(2)} dB · SSIM ${r.mean.noisy.ssim.toFixed(3)}` },
    { name: "Projection vs clean", value: `PSNR ${r.mean.inverted.psnr.toFixed(2)} dB · SSIM ${r.mean.inverted.ssim.toFixed(3)}` },
    { name: "σ", value: `${r.sigma} (pixels in [-1, 1])` },
    ...(r.labels.inverted ? [{ name: "Class kept", value: `${r.labels.inverted.filter((l, i) => l === r.labels.true[i]).length}/${r.n}` }] : []),
    { name: "Inversion", value: `${r.inversion.restarts} restarts × ${r.inversion.steps} Adam steps${r.labels.inverted ? " (soft label, then fixed label)" : ""}` },
  ];
}

export function denoiseJson(r: DenoiseReport): Record<string, unknown> {
  const scores = (s: { psnr: number; ssim: number }) => ({ psnr: round(s.psnr), ssim: round(s.ssim) });
  return {
    model: r.model.name,
    model_sha256: r.model.sha256,
    real_set: r.family,
    sigma: r.sigma,
    sigma_scale: SIGMA_SCALE,
    n: r.n,
    seed: r.seed,
    noisy: { ...scores(r.mean.noisy), per_image: r.noisyScores.map(scores) },
    inverted: { ...scores(r.mean.inverted), per_image: r.invertedScores.map(scores) },
    labels: r.labels.inverted ? { true: r.labels.true, inverted: r.labels.inverted } : null,
    inversion: r.inversion,
    note: PROJECTION_NOTE,
  };
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(6)) : x;
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}
