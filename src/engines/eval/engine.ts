import { LRUCache } from "lru-cache";
import { z } from "zod";
import { EngineInputError } from "../errors.ts";
import { field, modelName, number, parseParams, seed, shown, wholeNumber } from "../params.ts";
import { GanCatalog } from "../gan/catalog.ts";
import type { LoadedModel } from "../gan/model-files.ts";
import { GanSampler } from "../gan/sample.ts";
import type { Engine, GenerateContext, GenerationResult } from "../types.ts";
import { Classifier, classifierDirFor } from "./classifier.ts";
import { shippedClassifierNames, shippedClassifiersDir } from "./classifier-files.ts";
import { comparisonImage } from "./comparison-image.ts";
import { denoiseComparison, PROJECTION_NOTE, type DenoiseReport } from "./denoise.ts";
import { evaluateGenerator, type EvalReport } from "./evaluate.ts";
import type { InversionControl } from "./invert.ts";
import { LIMITS } from "./limits.ts";
import { defaultEvalCacheDir } from "./real-stats.ts";
import type { ReferenceFamily } from "./reference-data.ts";
import { denoiseFields, distributionChart, evalFields, evalNote } from "./report-view.ts";

const tasks = ["distribution", "denoise"] as const;
export type EvalTask = (typeof tasks)[number];

export interface EvalParams extends Record<string, unknown> {
  task: EvalTask;
  model: string;
  n: number;
  seed: number;
  /** Denoise only: noise σ on the [-1, 1] pixel scale. */
  sigma: number | null;
}

const taskSchema = z.object({
  task: field(z.enum(tasks), (raw) => `task must be "distribution" or "denoise", not "${shown(raw)}".`, () => "distribution" as EvalTask),
  model: modelName(),
});

/**
 * `/evaluate` and `/denoise`: judges GenLab's generators with GenLab's own classifiers. Returns
 * a chart (label distribution) or a comparison picture (denoising) as its one image, and the
 * numbers as presentation fields.
 */
export class EvalEngine implements Engine<EvalParams> {
  readonly name = "eval";
  readonly title = "GAN evaluation";
  // Keyed by the model's folder and bounded, like the catalog's cache behind it.
  private readonly samplers = new LRUCache<string, Promise<GanSampler>>({ max: 16 });
  private readonly classifiers = new Map<string, Promise<Classifier>>();

  constructor(
    readonly catalog = new GanCatalog(),
    private readonly opts: { cacheDir?: string; classifiersDir?: string } = {},
  ) {}

  status() {
    const classifiers = shippedClassifierNames(this.classifiersDir);
    if (!classifiers.length) return { ready: false, detail: "no evaluation classifier found — restore assets/eval or run scripts/train-classifier.ts." };
    return { ready: true, detail: `classifiers ${classifiers.join(", ")} judge ${this.catalog.names().length} generator(s): label distribution, classifier-feature FD, denoising by inversion.` };
  }

  validate(params: Record<string, unknown>): EvalParams {
    const { task, model: asked } = parseParams(taskSchema, params);
    const model = asked ?? this.catalog.defaultName();
    if (!model) throw new EngineInputError("No GAN model is installed: an admin can train one with `genlab train`.");
    const spec = this.catalog.manifest(model).spec; // throws the "no model named" sentence
    this.classifierDir(spec); // and this one when GenLab cannot judge such images
    const least = task === "distribution" ? 10 : 1;
    const { n, seed: s, sigma } = parseParams(
      z.object({
        n: wholeNumber("n", least, LIMITS[task].max, { default: LIMITS[task].default }),
        seed: seed(),
        sigma: number("sigma", { min: 0, max: LIMITS.sigma.max, default: LIMITS.sigma.default, note: "(noise on the [-1, 1] pixel scale)" }),
      }),
      params,
    );
    return { task, model, n, seed: s, sigma: task === "denoise" ? sigma : null };
  }

  async generate(p: EvalParams, ctx?: GenerateContext): Promise<GenerationResult> {
    ctx?.onProgress?.(0, p.task === "denoise" ? "inverting the generator" : "classifying samples");
    if (p.task === "denoise") {
      const r = await this.denoise(p, { signal: ctx?.signal, onProgress: (f) => ctx?.onProgress?.(f, "inverting the generator") });
      return {
        images: [await comparisonImage(r, this.catalog.get(p.model).manifest.spec)],
        presentation: { fields: denoiseFields(r), note: PROJECTION_NOTE },
        model: { name: r.model.name, sha256: r.model.sha256 },
        params: { ...p, psnr_noisy: round(r.mean.noisy.psnr), psnr_inverted: round(r.mean.inverted.psnr), ssim_noisy: round(r.mean.noisy.ssim), ssim_inverted: round(r.mean.inverted.ssim) },
        seed: p.seed,
      };
    }
    const r = await this.evaluate(p);
    return {
      images: [await distributionChart(r)],
      presentation: { fields: evalFields(r), note: evalNote(r) },
      model: { name: r.model.name, sha256: r.model.sha256 },
      params: { ...p, classifier: r.classifier.name, classifier_sha256: r.classifier.sha256, fd: round(r.fd.value), class_accuracy: r.classAccuracy === null ? null : round(r.classAccuracy) },
      seed: p.seed,
    };
  }

  reproduce(p: Record<string, unknown>): string {
    return [`model:${p.model}`, `n:${p.n}`, p.task === "denoise" ? `sigma:${p.sigma}` : "", `seed:${p.seed}`].filter(Boolean).join(" ");
  }

  /** The label-distribution / FD report (what `genlab eval` prints). */
  async evaluate(p: Pick<EvalParams, "model" | "n" | "seed">): Promise<EvalReport> {
    const model = this.catalog.get(p.model);
    const [sampler, classifier] = await Promise.all([this.sampler(p.model, model), this.classifier(this.classifierDir(model.manifest.spec))]);
    return evaluateGenerator(sampler, classifier, { n: p.n, seed: p.seed, cacheDir: this.opts.cacheDir ?? defaultEvalCacheDir() });
  }

  /** The denoising comparison (what `genlab denoise` draws). */
  async denoise(p: Pick<EvalParams, "model" | "n" | "seed" | "sigma">, control: InversionControl = {}): Promise<DenoiseReport> {
    const model = this.catalog.get(p.model);
    const classifier = await this.classifier(this.classifierDir(model.manifest.spec));
    return denoiseComparison(model, classifier.manifest.dataset as ReferenceFamily, { sigma: p.sigma ?? LIMITS.sigma.default, n: p.n, seed: p.seed }, control);
  }

  private get classifiersDir(): string {
    return this.opts.classifiersDir ?? shippedClassifiersDir;
  }

  private classifierDir(spec: LoadedModel["manifest"]["spec"]): string {
    return classifierDirFor(spec.classes, spec, this.classifiersDir);
  }

  private sampler(name: string, model: LoadedModel): Promise<GanSampler> {
    let s = this.samplers.get(model.dir);
    if (!s) this.samplers.set(model.dir, (s = GanSampler.open(model)));
    return s;
  }

  private classifier(dir: string): Promise<Classifier> {
    let c = this.classifiers.get(dir);
    if (!c) this.classifiers.set(dir, (c = Classifier.open(dir)));
    return c;
  }
}

function round(x: number): number {
  return Number(x.toFixed(4));
}
