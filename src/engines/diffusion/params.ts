import { randomInt } from "node:crypto";
import { EngineInputError } from "../errors.ts";
import { parseVariation, type VariationOf } from "../runtime/latent.ts";
import { MAX_PROMPT_LENGTH, checkPrompt } from "./prompt-policy.ts";
import { schedulerNames, type SchedulerName } from "./schedulers/index.ts";

/** A checked /imagine request, every default filled in. */
export interface DiffusionParams extends Record<string, unknown> {
  prompt: string;
  negative: string;
  n: number;
  steps: number;
  guidance: number;
  seed: number;
  aspect: Aspect;
  width: number;
  height: number;
  /** "local" (SD_MODEL_DIR) or "hf" (Hugging Face Inference). */
  model: string;
  scheduler: SchedulerName | null;
  /** Variations (V buttons): image i starts from this seed's latents slerped towards seed + i's. */
  variationOf?: VariationOf;
  /** Set by /imagine only where the server's NSFW policy lets an age-restricted channel skip the default word list. */
  ageRestricted?: true;
}

export const MAX_IMAGES = 4;
export const MAX_STEPS = 100;
export const MAX_GUIDANCE = 20;
export const aspects = ["1:1", "3:2", "2:3", "4:3", "3:4", "16:9", "9:16"] as const;
export type Aspect = (typeof aspects)[number];

/** What a provider's model prefers when the request leaves it open. */
export interface ModelDefaults {
  steps: number;
  guidance: number;
  /** Side of the square image the model was trained at (512 for SD 1.5 and SD-Turbo). */
  size: number;
}

/**
 * Width × height for an aspect ratio at about the model's native pixel count, in multiples
 * of 64 (the UNet halves the 1/8-size latents three times).
 */
export function sizeFor(aspect: Aspect, base: number): { width: number; height: number } {
  const [a, b] = aspect.split(":").map(Number) as [number, number];
  const unit = base >= 256 ? 64 : 8;
  const snap = (v: number) => Math.max(unit, Math.round(v / unit) * unit);
  return { width: snap(base * Math.sqrt(a / b)), height: snap(base * Math.sqrt(b / a)) };
}

export function parseParams(raw: Record<string, unknown>, model: string, defaults: ModelDefaults): DiffusionParams {
  const prompt = typeof raw.prompt === "string" ? raw.prompt.trim() : "";
  const ageRestricted = raw.ageRestricted === true;
  checkPrompt(prompt, [], { defaults: !ageRestricted });
  const negative = present(raw.negative) ? String(raw.negative).trim() : "";
  if (negative.length > MAX_PROMPT_LENGTH) throw new EngineInputError(`The negative prompt is ${negative.length} characters long; the limit is ${MAX_PROMPT_LENGTH}: shorten it.`);
  const n = intIn(raw.n, "n", 1, MAX_IMAGES, MAX_IMAGES);
  const steps = intIn(raw.steps, "steps", 1, MAX_STEPS, defaults.steps);
  const guidance = present(raw.guidance) ? Number(raw.guidance) : defaults.guidance;
  if (!Number.isFinite(guidance) || guidance < 0 || guidance > MAX_GUIDANCE) throw new EngineInputError(`guidance must be a number from 0 to ${MAX_GUIDANCE}, not ${String(raw.guidance)}.`);
  const seed = present(raw.seed) ? Number(raw.seed) : randomInt(2 ** 31);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1 - MAX_IMAGES) throw new EngineInputError(`seed must be a whole number from 0 to ${2 ** 32 - 1 - MAX_IMAGES}, not ${String(raw.seed)}.`);
  const aspect = (present(raw.aspect) ? String(raw.aspect) : "1:1") as Aspect;
  if (!aspects.includes(aspect)) throw new EngineInputError(`aspect must be one of ${aspects.join(", ")}, not ${aspect}.`);
  const scheduler = present(raw.scheduler) && raw.scheduler !== "auto" ? (String(raw.scheduler) as SchedulerName) : null;
  if (scheduler !== null && !schedulerNames.includes(scheduler)) throw new EngineInputError(`scheduler must be one of ${schedulerNames.join(", ")} or auto, not ${scheduler}.`);
  const size = sizeFor(aspect, defaults.size);
  const width = present(raw.width) ? intIn(raw.width, "width", 64, 2048, size.width) : size.width;
  const height = present(raw.height) ? intIn(raw.height, "height", 64, 2048, size.height) : size.height;
  if (width % 8 || height % 8) throw new EngineInputError(`width and height must be multiples of 8, not ${width}×${height}.`);
  const variationOf = parseVariation(raw.variationOf);
  return { prompt, negative, n, steps, guidance, seed, aspect, width, height, model, scheduler, ...(ageRestricted ? { ageRestricted: true as const } : {}), ...(variationOf ? { variationOf } : {}) };
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

function intIn(v: unknown, name: string, min: number, max: number, fallback: number): number {
  if (!present(v)) return fallback;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min || x > max) throw new EngineInputError(`${name} must be a whole number from ${min} to ${max}, not ${String(v)}.`);
  return x;
}
