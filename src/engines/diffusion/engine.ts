import type { RawImage } from "../../images/encode.ts";
import { VARIATION_STRENGTH } from "../runtime/latent.ts";
import { EngineInputError, EngineUnavailableError } from "../errors.ts";
import type { OnnxProviderChoice } from "../runtime/onnx.ts";
import type { Engine, EngineStatus, GenerateContext, GenerationResult, ValidateContext } from "../types.ts";
import { LocalDiffusionProvider } from "./local/provider.ts";
import { parseParams, type DiffusionParams } from "./params.ts";
import { promptPolicyOf } from "./prompt-policy.ts";
import type { DiffusionProvider } from "./provider.ts";
import { HfDiffusionProvider } from "./remote/hf-provider.ts";
import type { SchedulerName } from "./schedulers/index.ts";

/** Settings the engine is built from (builtinEngines passes them from the config). */
export interface DiffusionEngineOptions {
  /** SD_MODEL_DIR: an exported ONNX model folder. */
  modelDir?: string;
  onnxProvider?: OnnxProviderChoice;
  onnxThreads?: number;
  onFallback?: (reason: string) => void;
  /** SD_SCHEDULER: euler, euler-a, ddim, lcm, or auto (the model's own). */
  scheduler?: SchedulerName | "auto";
  /** HF_TOKEN and SD_HF_MODEL / SD_HF_PROVIDER / SD_HF_ENDPOINT_URL / SD_HF_TIMEOUT_SECONDS. */
  hfToken?: string;
  hfModel?: string;
  hfProvider?: string;
  hfEndpointUrl?: string;
  hfTimeoutMs?: number;
  hfAttempts?: number;
  hfBackoffMs?: number;
}

/**
 * `/imagine`: Stable Diffusion from a local ONNX export and/or Hugging Face Inference behind one
 * engine. Image i of a request uses seed + i, so every image can be drawn again on its own.
 */
export class DiffusionEngine implements Engine<DiffusionParams> {
  readonly name = "diffusion";
  readonly title = "Stable Diffusion";
  readonly providers: DiffusionProvider[] = [];
  /** Why a configured provider could not be set up (missing files, no model id). */
  private readonly problems: string[] = [];

  constructor(readonly options: DiffusionEngineOptions = {}) {
    if (options.modelDir) this.tryAdd(() => new LocalDiffusionProvider({ modelDir: options.modelDir!, onnxProvider: options.onnxProvider, threads: options.onnxThreads, scheduler: options.scheduler, onFallback: options.onFallback }));
    if (options.hfToken || options.hfModel || options.hfEndpointUrl) {
      this.tryAdd(() => {
        if (!options.hfToken) throw new EngineUnavailableError("Hugging Face Inference needs a token: set HF_TOKEN (huggingface.co/settings/tokens).");
        return new HfDiffusionProvider({ token: options.hfToken, model: options.hfModel, provider: options.hfProvider, endpointUrl: options.hfEndpointUrl, timeoutMs: options.hfTimeoutMs, attempts: options.hfAttempts, backoffMs: options.hfBackoffMs });
      });
    }
  }

  status(): EngineStatus {
    if (this.providers.length) return { ready: true, detail: [...this.providers.map((p) => p.describe()), ...this.problems].join(" ") };
    if (this.problems.length) return { ready: false, detail: this.problems.join(" ") };
    return { ready: false, detail: "no model — set SD_MODEL_DIR to an exported ONNX model, or HF_TOKEN for Hugging Face Inference (SD_HF_MODEL / SD_HF_PROVIDER / SD_HF_ENDPOINT_URL choose another model)." };
  }

  /** The provider a request names ("local"/"hf"), or the first configured. */
  provider(id?: unknown): DiffusionProvider {
    if (!this.providers.length) throw new EngineUnavailableError(`Stable Diffusion is not set up here: ${this.status().detail}`);
    if (id === undefined || id === null || id === "") return this.providers[0]!;
    const p = this.providers.find((x) => x.id === id);
    if (!p) throw new EngineInputError(`There is no diffusion model "${String(id)}" here: choose ${this.providers.map((x) => x.id).join(" or ")}.`);
    return p;
  }

  validate(params: Record<string, unknown>, ctx?: ValidateContext): DiffusionParams {
    const p = parseParams(params, promptPolicyOf(params, ctx), () => {
      const provider = this.provider(params.model);
      return { id: provider.id, defaults: provider.defaults() };
    });
    if (p.scheduler && p.model !== "local") throw new EngineInputError("The scheduler can only be chosen for the local model: Hugging Face picks its own.");
    return p;
  }

  async generate(p: DiffusionParams, ctx: GenerateContext): Promise<GenerationResult> {
    const provider = this.provider(p.model);
    const images: RawImage[] = [];
    for (let i = 0; i < p.n; i++) {
      ctx.signal.throwIfAborted();
      images.push(
        await provider.generate(
          {
            prompt: p.prompt, negativePrompt: p.negative, width: p.width, height: p.height, steps: p.steps, guidance: p.guidance, scheduler: p.scheduler,
            // A variation starts from the base image's latents, moved towards this image's own seed.
            ...(p.variationOf ? { seed: p.variationOf.seed, variation: { seed: p.seed + i, strength: p.variationOf.strength } } : { seed: p.seed + i }),
          },
          { signal: ctx.signal, onProgress: (f) => ctx.onProgress?.((i + f) / p.n, `image ${i + 1} of ${p.n}`) },
        ),
      );
    }
    return {
      images,
      model: await provider.model(),
      params: { ...p, scheduler: provider.schedulerFor?.(p.scheduler) ?? null, seeds: images.map((_, i) => p.seed + i) },
      seed: p.seed,
    };
  }

  variations(p: Record<string, unknown>, index: number): Record<string, unknown> | undefined {
    const seeds = p.seeds as number[] | undefined;
    const provider = this.providers.find((x) => x.id === p.model);
    if (!provider?.canVary || seeds?.[index] === undefined || p.variationOf) return undefined;
    return { ...p, n: 4, seed: undefined, seeds: undefined, variationOf: { seed: seeds[index], strength: VARIATION_STRENGTH } };
  }

  reproduce(p: Record<string, unknown>): string {
    const quote = (s: unknown) => String(s);
    return [
      `prompt:${quote(p.prompt)}`,
      p.negative ? `negative:${quote(p.negative)}` : "",
      `n:${p.n}`,
      `steps:${p.steps}`,
      `guidance:${p.guidance}`,
      `seed:${p.seed}`,
      p.aspect && p.aspect !== "1:1" ? `aspect:${p.aspect}` : "",
      this.providers.length > 1 ? `model:${p.model}` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }

  private tryAdd(make: () => DiffusionProvider): void {
    try {
      this.providers.push(make());
    } catch (e) {
      // A broken model folder must not stop the bot: /models and /imagine say what is wrong.
      this.problems.push(e instanceof EngineUnavailableError ? e.message : `The diffusion model could not be read (${e instanceof Error ? e.message : String(e)}): check SD_MODEL_DIR.`);
    }
  }
}
