import { z } from "zod";
import { EngineInputError, EngineUnavailableError } from "../errors.ts";
import { number, parseParams, seed, wholeNumber } from "../params.ts";
import type { Engine, EngineStatus, GenerateContext, GenerationResult } from "../types.ts";
import { ImageNetClasses, type ClassMix } from "./classes.ts";
import { BigGanGenerator, type GeneratorOptions } from "./generator.ts";
import { effectiveTruncation, readModelDir, type BigGanModelDir } from "./manifest.ts";
import { parseVariation, VARIATION_STRENGTH, type VariationOf } from "../runtime/latent.ts";
import { DEFAULT_TRUNCATION, MAX_FRAMES, MAX_IMAGES } from "./limits.ts";
import { imageSeed, lerp, slerp, truncatedNoise } from "./noise.ts";

export interface BigGanParams extends Record<string, unknown> {
  mode: "sample" | "interpolate";
  /** Canonical class: "207" or a mix "207:0.5,208:0.5" (indices, so names never change a result). */
  class: string;
  truncation: number;
  seed: number;
  /** sample: how many images (image i uses seed + i). */
  n: number;
  /** interpolate: the end class and seed (default: the same seed, i.e. a pure class morph). */
  to: string | null;
  toSeed: number | null;
  steps: number;
  /** Variations (V buttons): each image's noise is slerped from this image seed's towards its own. */
  variationOf: VariationOf | null;
}

export interface BigGanEngineOptions extends GeneratorOptions {
  /** BIGGAN_MODEL_DIR; unset → the engine reports what to set. */
  modelDir?: string;
  classes?: ImageNetClasses;
}

/** `/biggan`: ImageNet class-conditional samples from an exported BigGAN on onnxruntime. */
export class BigGanEngine implements Engine<BigGanParams> {
  readonly name = "biggan";
  readonly title = "BigGAN";
  readonly classes: ImageNetClasses;
  private generator: BigGanGenerator | undefined;

  constructor(private readonly options: BigGanEngineOptions) {
    this.classes = options.classes ?? ImageNetClasses.load();
  }

  status(): EngineStatus {
    if (!this.options.modelDir) return { ready: false, detail: "no model — set BIGGAN_MODEL_DIR to a folder made by scripts/export-biggan.py." };
    try {
      const m = this.model().manifest;
      const t = "baked" in m.truncation ? `truncation baked at ${m.truncation.baked.map((b) => b.value).join(", ")}` : `truncation as an input${m.truncation.step ? ` (step ${m.truncation.step})` : ""}`;
      const where = this.generator?.provider ? `runs on ${this.generator.provider.toUpperCase()}` : `runs on ${this.options.provider === "cpu" ? "CPU" : "CUDA if installed, else CPU"}`;
      return { ready: true, detail: `${m.name}, ${m.resolution}×${m.resolution}, ${t}; ${where}.` };
    } catch (error) {
      return { ready: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  validate(params: Record<string, unknown>): BigGanParams {
    const mode = params.mode === "interpolate" ? "interpolate" : "sample";
    const from = this.mix(params.class, "class");
    const to = mode === "interpolate" ? this.mix(params.to ?? params.class, "to") : null;
    const p = parseParams(
      z.object({
        truncation: number("truncation", { min: 0, above: true, max: 1, default: DEFAULT_TRUNCATION, note: "(e.g. 0.4: lower is more typical, higher more varied)" }),
        seed: seed(),
        n: wholeNumber("n", 1, MAX_IMAGES, { default: mode === "sample" ? 4 : 1 }),
        steps: wholeNumber("steps", 2, MAX_FRAMES, { default: 8 }),
        toSeed: wholeNumber("to_seed", 0, 2 ** 32 - 1),
      }),
      params,
    );
    const toSeed = mode === "interpolate" ? (p.toSeed ?? p.seed) : null;
    const variationOf = mode === "sample" ? parseVariation(params.variationOf) : null;
    return { mode, class: canonical(from), truncation: p.truncation, seed: p.seed, n: mode === "sample" ? p.n : p.steps, to: to && canonical(to), toSeed, steps: p.steps, variationOf };
  }

  async generate(p: BigGanParams, ctx?: GenerateContext): Promise<GenerationResult> {
    const generator = this.generatorFor();
    const m = generator.model.manifest;
    const { value: truncation, variant } = effectiveTruncation(generator.model, p.truncation);
    const from = this.classes.parseMix(p.class);
    const dims = { z: m.zDim, classes: m.numClasses };
    const batch = p.mode === "sample" ? sampleBatch(from, p, truncation, dims, this.classes) : interpolationBatch(from, this.classes.parseMix(p.to ?? p.class), p, truncation, dims, this.classes);
    ctx?.signal.throwIfAborted();
    const images = await generator.run(variant, truncation, batch.z, batch.classes, batch.n);
    ctx?.onProgress?.(1);
    const snapped = Math.abs(truncation - p.truncation) > 1e-9;
    const params: Record<string, unknown> = {
      ...p,
      className: from.label,
      ...(p.mode === "interpolate" ? { toClassName: this.classes.parseMix(p.to ?? p.class).label } : {}),
      truncation,
      ...(snapped ? { truncationAsked: p.truncation } : {}),
      imageSeeds: p.mode === "sample" ? Array.from({ length: p.n }, (_, i) => imageSeed(p.seed, i)) : undefined,
      provider: generator.provider,
      resolution: m.resolution,
    };
    return {
      images,
      model: { name: m.name, sha256: generator.model.sha256 },
      params,
      seed: p.seed,
      presentation:
        p.mode === "interpolate"
          ? { columns: Math.min(p.steps, 8), animationFrameMs: 150, note: `${from.label} → ${this.classes.parseMix(p.to ?? p.class).label}, seed ${p.seed} → ${p.toSeed}` }
          : { note: `${from.label} · truncation ${truncation}${snapped ? ` (nearest the model has to ${p.truncation})` : ""}` },
    };
  }

  variations(p: Record<string, unknown>, index: number): Record<string, unknown> | undefined {
    // Not of an interpolation or a variation: their images' noise is no longer what their seeds alone draw.
    if (p.mode !== "sample" || p.variationOf) return undefined;
    const seeds = p.imageSeeds as number[] | undefined;
    const seed = seeds?.[index];
    if (seed === undefined) return undefined;
    return { class: p.class, n: 4, truncation: p.truncationAsked ?? p.truncation, variationOf: { seed, strength: VARIATION_STRENGTH } };
  }

  reproduce(p: Record<string, unknown>): string {
    if (p.variationOf) return "";
    const asked = p.truncationAsked ?? p.truncation;
    if (p.mode === "interpolate") return `from:${p.class} to:${p.to} steps:${p.steps} truncation:${asked} seed:${p.seed} to_seed:${p.toSeed}`;
    return `class:${p.class} n:${p.n} truncation:${asked} seed:${p.seed}`;
  }

  private mix(raw: unknown, option: string): ClassMix {
    if (raw === undefined || raw === null || String(raw).trim() === "") throw new EngineInputError(`Give ${option === "class" ? "a class" : `the ${option} class`}: a number from 0 to 999 or a name such as "golden retriever".`);
    return this.classes.parseMix(String(raw));
  }

  private model(): BigGanModelDir {
    return this.generatorFor().model;
  }

  private generatorFor(): BigGanGenerator {
    if (!this.options.modelDir) throw new EngineUnavailableError("BigGAN has no model on this worker: set BIGGAN_MODEL_DIR to a folder made by scripts/export-biggan.py.");
    if (!this.generator) this.generator = new BigGanGenerator(readModelDir(this.options.modelDir), this.options);
    return this.generator;
  }
}

interface Batch {
  z: Float32Array;
  classes: Float32Array;
  n: number;
}

function sampleBatch(mix: ClassMix, p: BigGanParams, truncation: number, dims: { z: number; classes: number }, classes: ImageNetClasses): Batch {
  const z = new Float32Array(p.n * dims.z);
  const cls = new Float32Array(p.n * dims.classes);
  const vector = classVector(mix, dims.classes, classes);
  const base = p.variationOf && truncatedNoise(p.variationOf.seed, dims.z, truncation);
  for (let i = 0; i < p.n; i++) {
    const own = truncatedNoise(imageSeed(p.seed, i), dims.z, truncation);
    z.set(base ? slerp(base, own, p.variationOf!.strength) : own, i * dims.z);
    cls.set(vector, i * dims.classes);
  }
  return { z, classes: cls, n: p.n };
}

/** k frames from (class A, seed S) to (class B, seed T): class vectors lerped, noise slerped. */
function interpolationBatch(from: ClassMix, to: ClassMix, p: BigGanParams, truncation: number, dims: { z: number; classes: number }, classes: ImageNetClasses): Batch {
  const k = p.steps;
  const za = truncatedNoise(p.seed, dims.z, truncation);
  const zb = truncatedNoise(p.toSeed ?? p.seed, dims.z, truncation);
  const ca = classVector(from, dims.classes, classes);
  const cb = classVector(to, dims.classes, classes);
  const z = new Float32Array(k * dims.z);
  const cls = new Float32Array(k * dims.classes);
  for (let i = 0; i < k; i++) {
    const t = i / (k - 1);
    z.set(slerp(za, zb, t), i * dims.z);
    cls.set(lerp(ca, cb, t), i * dims.classes);
  }
  return { z, classes: cls, n: k };
}

function classVector(mix: ClassMix, numClasses: number, classes: ImageNetClasses): Float32Array {
  const top = Math.max(...mix.weights.map((w) => w.index));
  if (top >= numClasses) throw new EngineInputError(`This BigGAN model has ${numClasses} classes, so class ${top} is out of range.`);
  return classes.vector(mix, numClasses);
}

function canonical(mix: ClassMix): string {
  return mix.weights.length === 1 ? String(mix.weights[0]!.index) : mix.weights.map((w) => `${w.index}:${Number(w.weight.toFixed(6))}`).join(",");
}
