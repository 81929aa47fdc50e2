import type { RawImage } from "../../images/encode.ts";
import type { ModelInfo } from "../types.ts";
import type { ModelDefaults } from "./params.ts";
import type { SchedulerName } from "./schedulers/index.ts";

/** One image request as both providers take it. */
export interface ImageRequest {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  seed: number;
  scheduler: SchedulerName | null;
  /** Variations: start from `seed`'s latents slerped this far towards `variation.seed`'s (local only). */
  variation?: { seed: number; strength: number };
}

export interface ProviderContext {
  signal: AbortSignal;
  /** Fraction of this one image done. */
  onProgress?: (fraction: number) => void;
}

/** Where images come from: the local ONNX pipeline or Hugging Face Inference. */
export interface DiffusionProvider {
  /** "local" or "hf": the value of /imagine's model option. */
  readonly id: string;
  /** One sentence for /models: what runs, where. */
  describe(): string;
  defaults(): ModelDefaults;
  /** Name (and weights' sha256 when known) for provenance. */
  model(): Promise<ModelInfo>;
  /** Whether it can start from chosen latents (V buttons): the local pipeline can, a remote service cannot. */
  readonly canVary: boolean;
  /** The scheduler actually used for a request (local only; remote providers choose their own). */
  schedulerFor?(requested: SchedulerName | null): SchedulerName;
  generate(req: ImageRequest, ctx: ProviderContext): Promise<RawImage>;
}
