import { z } from "zod";
import { EngineInputError } from "../errors.ts";
import { field, number, oneOf, parseParams as parse, seed, wholeNumber } from "../params.ts";
import { parseVariation, type VariationOf } from "../runtime/latent.ts";
import type { PromptPolicy } from "../types.ts";
import { checkPrompt, MAX_PROMPT_LENGTH } from "./prompt-policy.ts";
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
  /**
   * Provenance: GenLab's default word list did not apply (an age-restricted channel of a server
   * that allows it). Written from the policy validate() was given; read back only by the worker.
   */
  defaultWordsLifted?: true;
}

export const MAX_IMAGES = 4;
export const MAX_STEPS = 100;
export const MAX_GUIDANCE = 20;
/** Image i of a request uses seed + i, and every one must be a 32-bit seed. */
export const MAX_SEED = 2 ** 32 - 1 - MAX_IMAGES;
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

/** The fields of a request, as the user gives them; the model's defaults fill what is absent. */
function requestSchema(defaults: ModelDefaults) {
  return z.object({
    negative: field(z.coerce.string().trim().max(MAX_PROMPT_LENGTH), (raw) => `The negative prompt is ${String(raw).trim().length} characters long; the limit is ${MAX_PROMPT_LENGTH}: shorten it.`, () => ""),
    n: wholeNumber("n", 1, MAX_IMAGES, { default: MAX_IMAGES }),
    steps: wholeNumber("steps", 1, MAX_STEPS, { default: defaults.steps }),
    guidance: number("guidance", { min: 0, max: MAX_GUIDANCE, default: defaults.guidance }),
    seed: seed(MAX_SEED),
    aspect: oneOf("aspect", aspects, { default: "1:1" }),
    scheduler: oneOf("scheduler", [...schedulerNames, "auto"], { choices: `one of ${schedulerNames.join(", ")} or auto` }),
    width: wholeNumber("width", 64, 2048),
    height: wholeNumber("height", 64, 2048),
  });
}

/**
 * A checked request. The prompt is checked first, under `policy` (the caller's decision: which
 * word lists apply where the request comes from), never under anything the request itself says;
 * then `model()` names the model whose defaults fill the rest (it throws when none is set up).
 */
export function parseParams(raw: Record<string, unknown>, policy: PromptPolicy, model: () => { id: string; defaults: ModelDefaults }): DiffusionParams {
  const prompt = typeof raw.prompt === "string" ? raw.prompt.trim() : "";
  checkPrompt(prompt, policy);
  const { id, defaults } = model();
  const { scheduler, width, height, ...p } = parse(requestSchema(defaults), raw);
  const size = sizeFor(p.aspect, defaults.size);
  const w = width ?? size.width;
  const h = height ?? size.height;
  if (w % 8 || h % 8) throw new EngineInputError(`width and height must be multiples of 8, not ${w}×${h}.`);
  const variationOf = parseVariation(raw.variationOf);
  return {
    prompt, ...p, width: w, height: h, model: id, scheduler: scheduler === undefined || scheduler === "auto" ? null : scheduler,
    ...(policy.defaultWords ? {} : { defaultWordsLifted: true as const }),
    ...(variationOf ? { variationOf } : {}),
  };
}
