import { LRUCache } from "lru-cache";
import { z } from "zod";
import { EngineInputError, someOf } from "../errors.ts";
import { isAbsent, modelName, parseParams, seed, wholeNumber } from "../params.ts";
import { parseVariation, VARIATION_STRENGTH, type VariationOf } from "../runtime/latent.ts";
import { dcganDeviceSummary } from "./dcgan-native.ts";
import { loadNative, nativeUnavailableReason } from "./native.ts";
import type { Engine, GenerateContext, GenerationResult } from "../types.ts";
import { GanCatalog } from "./catalog.ts";
import { MAX_SAMPLES } from "./limits.ts";
import { checkLabel, GanSampler } from "./sample.ts";
import type { GanSpec } from "./spec.ts";

export interface GanParams extends Record<string, unknown> {
  model: string;
  n: number;
  seed: number;
  label: number | null;
  variationOf: VariationOf | null;
}

const requestSchema = z.object({ model: modelName(), n: wholeNumber("n", 1, MAX_SAMPLES, { default: 16 }), seed: seed() });

/** `/gan sample`: images from GenLab's own trained generators. */
export class GanEngine implements Engine<GanParams> {
  readonly name = "gan";
  readonly title = "GAN";
  // Keyed by the model's folder and bounded, like the catalog's cache behind it.
  private readonly samplers = new LRUCache<string, Promise<GanSampler>>({ max: 16 });

  constructor(readonly catalog = new GanCatalog()) {}

  status() {
    const names = this.catalog.names();
    const native = loadNative();
    const trainer = native ? `MLPs train on the native trainer (${native.blas.split(" ").slice(0, 2).join(" ")}), DCGANs on ${dcganDeviceSummary(native)}` : `MLPs train on TensorFlow.js (native trainer ${nativeUnavailableReason()})`;
    return names.length
      ? { ready: true, detail: `${names.length} trained generator${names.length > 1 ? "s" : ""}: ${someOf(names)}. ${trainer}.` }
      : { ready: false, detail: `no trained generator found — run \`genlab train\` or restore assets/gan. ${trainer}.` };
  }

  defaultModel(): string | undefined {
    return this.catalog.defaultName();
  }

  validate(params: Record<string, unknown>): GanParams {
    const p = parseParams(requestSchema, params);
    const model = p.model ?? this.defaultModel();
    if (!model) throw new EngineInputError("No GAN model is installed: an admin can train one with `genlab train`.");
    const spec = this.catalog.manifest(model).spec;
    const label = isAbsent(params.label) ? null : parseLabel(String(params.label), spec, model);
    return { model, n: p.n, seed: p.seed, label, variationOf: parseVariation(params.variationOf) };
  }

  async generate(p: GanParams, _ctx?: GenerateContext): Promise<GenerationResult> {
    const sampler = await this.sampler(p.model);
    const { images } = sampler.sample({ n: p.n, seed: p.seed, label: p.label ?? undefined, variationOf: p.variationOf ?? undefined });
    const m = sampler.model.manifest;
    return {
      images,
      model: { name: m.name, sha256: sampler.model.sha256 },
      params: { ...p, label: p.label, class: p.label === null ? null : m.spec.classes[p.label], implementation: sampler.implementation },
      seed: p.seed,
    };
  }

  variations(p: Record<string, unknown>, index: number): Record<string, unknown> | undefined {
    // Not of a variation: its images' noise is no longer what its seed alone draws.
    if (p.variationOf || typeof p.seed !== "number" || typeof p.n !== "number" || index >= p.n) return undefined;
    return { model: p.model, n: 4, label: p.label, variationOf: { seed: p.seed, n: p.n, index, strength: VARIATION_STRENGTH } };
  }

  reproduce(p: Record<string, unknown>): string {
    if (p.variationOf) return ""; // no slash command draws variations: the V buttons do
    return [`model:${p.model}`, `n:${p.n}`, p.label === null || p.label === undefined ? "" : `label:${p.label}`, `seed:${p.seed}`].filter(Boolean).join(" ");
  }

  private sampler(model: string): Promise<GanSampler> {
    const key = this.catalog.resolve(model);
    let s = this.samplers.get(key);
    if (!s) {
      s = GanSampler.open(this.catalog.get(model));
      this.samplers.set(key, s);
    }
    return s;
  }
}

/** A class index or a class name ("7", "Sneaker", "sneaker"), checked against the model. */
function parseLabel(raw: string, spec: GanSpec, model: string): number {
  const byName = spec.classes.findIndex((c) => c.toLowerCase() === raw.trim().toLowerCase());
  const idx = byName >= 0 ? byName : /^\d+$/.test(raw.trim()) ? Number(raw) : -1;
  checkLabel(model, spec, idx, raw);
  return idx;
}
