import type { RawImage } from "../../images/encode.ts";
import { EngineInputError, printable, someOf } from "../errors.ts";
import { toRawImages } from "./images.ts";
import type { LoadedModel } from "./model-files.ts";
import { slerp, type VariationOf } from "../runtime/latent.ts";
import { Rng } from "../runtime/random.ts";
import type { GanSpec } from "./spec.ts";
import { createTrainer } from "./trainer-factory.ts";
import type { Trainer } from "./trainer.ts";

export interface SampleRequest {
  n: number;
  seed: number;
  /** Class index for a conditional model; omitted → classes in turn (0, 1, 2, …). */
  label?: number;
  /** Variations: every image's noise is slerped from this image's (of an earlier request) towards its own. */
  variationOf?: VariationOf;
}

/** Throws the user's sentence when `label` cannot be drawn from this model. */
export function checkLabel(model: string, spec: GanSpec, label: number, asTyped: string = String(label)): void {
  if (!spec.conditional) {
    throw new EngineInputError(`${model} is not class-conditional, so it cannot draw a chosen class: leave out label, or pick a conditional model.`);
  }
  if (!Number.isInteger(label) || label < 0 || label >= spec.classes.length) {
    throw new EngineInputError(`label must be one of ${someOf(spec.classes.map((c, i) => `${i} (${c})`))} — not "${printable(asTyped)}".`);
  }
}

/** A loaded generator, kept warm between requests. */
export class GanSampler {
  private constructor(
    readonly model: LoadedModel,
    private readonly net: Trainer,
  ) {}

  static async open(model: LoadedModel): Promise<GanSampler> {
    // The trainer doubles as the fastest forward pass; sampling never touches D.
    return new GanSampler(model, await createTrainer(model.manifest.spec, { seed: 0, init: { g: model.generator }, purpose: "sample" }));
  }

  get implementation(): string {
    return this.net.implementation;
  }

  /** Deterministic for a given seed (noise is drawn in JS, the same on every backend). */
  sample(req: SampleRequest): { images: RawImage[]; labels: number[] | null } {
    const spec = this.model.manifest.spec;
    const k = spec.classes.length;
    if (req.label !== undefined) checkLabel(this.model.manifest.name, spec, req.label);
    const rng = new Rng(req.seed);
    const z = rng.normals(req.n * spec.zDim);
    const v = req.variationOf;
    if (v) {
      // The base image is row `index` of its own request's noise.
      const base = new Rng(v.seed).normals((v.n ?? 1) * spec.zDim).subarray((v.index ?? 0) * spec.zDim, ((v.index ?? 0) + 1) * spec.zDim);
      for (let i = 0; i < req.n; i++) z.set(slerp(base, z.subarray(i * spec.zDim, (i + 1) * spec.zDim), v.strength), i * spec.zDim);
    }
    // A variation keeps its image's class: the one asked for, or the one its place in the batch drew.
    const baseLabel = v && req.label === undefined && spec.conditional ? (v.index ?? 0) % k : req.label;
    const labels = spec.conditional ? Int32Array.from({ length: req.n }, (_, i) => baseLabel ?? i % k) : null;
    const out = this.net.generate(z, labels, req.n);
    return { images: toRawImages(out, req.n, spec), labels: labels ? Array.from(labels) : null };
  }

  dispose(): void {
    this.net.dispose();
  }
}
