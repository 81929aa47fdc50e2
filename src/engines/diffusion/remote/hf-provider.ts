import { setTimeout as sleep } from "node:timers/promises";
import { InferenceClientHubApiError, InferenceClientInputError, InferenceClientProviderApiError, textToImage } from "@huggingface/inference";
import sharp from "sharp";
import type { RawImage } from "../../../images/encode.ts";
import { EngineUnavailableError } from "../../errors.ts";
import type { ModelInfo } from "../../types.ts";
import type { ModelDefaults } from "../params.ts";
import type { DiffusionProvider, ImageRequest, ProviderContext } from "../provider.ts";

/**
 * Text-to-image through Hugging Face Inference (@huggingface/inference): a model on an
 * inference provider, or a dedicated Inference Endpoint URL. The library's own 503 handling
 * retries at once and forever, so it is switched off and done here: a bounded number of
 * attempts with exponential backoff on 5xx, 429 and timeouts. Every failure the user sees is
 * one sentence, and none contains the token.
 */
/**
 * What HF_TOKEN alone draws with: a model and a provider pinned together, since `provider: "auto"`
 * follows each account's own provider order and the docs' example model changes. FLUX.1-schnell
 * (Apache-2.0, 1–4 steps, no licence to accept) on fal is the pair Hugging Face's own
 * "first Inference Provider call" guide uses for text-to-image.
 */
export const defaultHfModel = "black-forest-labs/FLUX.1-schnell";
export const defaultHfProvider = "fal-ai";

export interface HfProviderOptions {
  token: string;
  /** A model id such as "stabilityai/stable-diffusion-xl-base-1.0"; default {@link defaultHfModel}. */
  model?: string;
  /** Inference provider ("hf-inference", "fal-ai", "replicate" … or "auto"); default {@link defaultHfProvider} for the default model, "auto" for one the user named. */
  provider?: string;
  /** A dedicated endpoint; used instead of provider + model. */
  endpointUrl?: string;
  /** One attempt's limit. */
  timeoutMs?: number;
  attempts?: number;
  /** First backoff; doubles each retry. */
  backoffMs?: number;
}

export class HfDiffusionProvider implements DiffusionProvider {
  readonly id = "hf";
  readonly canVary = false;
  private readonly token: string;
  private readonly modelId: string;
  private readonly providerName: string;

  constructor(private readonly options: HfProviderOptions) {
    this.token = options.token;
    this.modelId = options.model ?? defaultHfModel;
    this.providerName = options.provider ?? (options.model ? "auto" : defaultHfProvider);
  }

  /** Which model, without query strings (an endpoint URL may carry a key there). */
  private target(): string {
    if (this.options.endpointUrl) {
      const u = new URL(this.options.endpointUrl);
      return `${u.origin}${u.pathname}`;
    }
    return this.modelId;
  }

  describe(): string {
    return this.options.endpointUrl ? `Hugging Face Inference Endpoint ${this.target()}.` : `Hugging Face Inference: ${this.modelId} via ${this.providerName}.`;
  }

  defaults(): ModelDefaults {
    const name = this.target();
    if (/turbo/i.test(name)) return { steps: 2, guidance: 0, size: 512 };
    // Timestep-distilled without classifier-free guidance: 4 steps is its design (fal caps it at 12).
    if (/flux.*schnell/i.test(name)) return { steps: 4, guidance: 0, size: 1024 };
    return { steps: 25, guidance: 7.5, size: /xl|sd3|flux|stable-diffusion-3/i.test(name) ? 1024 : 512 };
  }

  async model(): Promise<ModelInfo> {
    return { name: `hf:${this.target()}` }; // remote weights: no sha256 to give
  }

  async generate(req: ImageRequest, ctx: ProviderContext): Promise<RawImage> {
    const attempts = this.options.attempts ?? 4;
    const args = {
      accessToken: this.token,
      inputs: req.prompt,
      parameters: {
        ...(req.negativePrompt ? { negative_prompt: req.negativePrompt } : {}),
        width: req.width,
        height: req.height,
        num_inference_steps: req.steps,
        guidance_scale: req.guidance,
        seed: req.seed,
      },
      ...(this.options.endpointUrl ? { endpointUrl: this.options.endpointUrl } : { model: this.modelId, provider: this.providerName as "auto" }),
    };
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 120_000);
      try {
        const blob = await textToImage(args, { signal: AbortSignal.any([ctx.signal, timeout]), retry_on_error: false, outputType: "blob" });
        ctx.onProgress?.(1);
        return await decode(blob);
      } catch (error) {
        ctx.signal.throwIfAborted();
        const failure = this.classify(error, timeout.aborted);
        if (!failure.retry || attempt >= attempts) throw new EngineUnavailableError(this.scrub(failure.sentence), { cause: this.scrubError(error) });
        await sleep(failure.retryAfterMs ?? (this.options.backoffMs ?? 2_000) * 2 ** (attempt - 1), undefined, { signal: ctx.signal });
      }
    }
  }

  /** What went wrong, in one sentence, and whether another attempt may help. */
  private classify(error: unknown, timedOut: boolean): { sentence: string; retry: boolean; retryAfterMs?: number } {
    const where = this.target();
    if (timedOut) return { retry: true, sentence: `Hugging Face did not answer within ${Math.round((this.options.timeoutMs ?? 120_000) / 1000)} s for ${where}: try again later, or raise SD_HF_TIMEOUT_SECONDS.` };
    const status = error instanceof InferenceClientProviderApiError || error instanceof InferenceClientHubApiError ? error.httpResponse.status : undefined;
    const said = status === undefined ? "" : bodyText(error);
    if (error instanceof InferenceClientInputError) {
      // The library's own check, before any request: e.g. no mapping of this model on this provider.
      return { retry: false, sentence: `Hugging Face cannot run ${where} via ${this.providerName} as text-to-image (${error.message.replace(/\.$/, "")}): set SD_HF_PROVIDER to a provider listed on the model's page, or SD_HF_MODEL to another model.` };
    }
    if ((status === 402 || status === 429) && /monthly included credits|included credits|monthly (credits|quota)/i.test(said)) {
      return { retry: false, sentence: `The Hugging Face account behind HF_TOKEN has used up its monthly included credits (${status}): they renew next month; until then buy credits or subscribe to PRO at huggingface.co/settings/billing, or use a local model (SD_MODEL_DIR).` };
    }
    switch (status) {
      case 401:
        return { retry: false, sentence: "Hugging Face rejected HF_TOKEN (401): create a token with the Inference permission at huggingface.co/settings/tokens and set HF_TOKEN to it." };
      case 403:
        return { retry: false, sentence: `HF_TOKEN may not use ${where} (403): accept the model's licence on its Hugging Face page, or give the token the Inference permission.` };
      case 402:
        return { retry: false, sentence: `${this.providerName === "auto" ? "The provider Hugging Face chose" : `The provider ${this.providerName}`} needs payment for ${where} and the account behind HF_TOKEN has no inference credits left (402): enable pay-as-you-go with a billing method at huggingface.co/settings/billing, or use a local model (SD_MODEL_DIR).` };
      case 410:
        return { retry: false, sentence: this.options.endpointUrl ? `The Hugging Face endpoint ${where} has been retired (410): set SD_HF_ENDPOINT_URL to a live endpoint, or unset it to use a model through a provider.` : `Hugging Face has retired ${where} via ${this.providerName} (410): set SD_HF_MODEL and SD_HF_PROVIDER to a model a provider serves today, or unset both for ${defaultHfModel} via ${defaultHfProvider}.` };
      case 404:
        return { retry: false, sentence: `Hugging Face has no text-to-image model at ${where} (404): check SD_HF_MODEL / SD_HF_ENDPOINT_URL.` };
      case 429:
        return { retry: true, retryAfterMs: retryAfter(error), sentence: "Hugging Face's rate limit or monthly quota for HF_TOKEN is used up (429): wait a few minutes, or check the account's plan." };
      case 503:
        return { retry: true, retryAfterMs: retryAfter(error), sentence: `The model ${where} is still loading on Hugging Face (503): try again in a minute or two.` };
      case 400:
      case 422:
        return { retry: false, sentence: `Hugging Face refused the request for ${where} (${status}): the model may not accept these parameters (size, steps or guidance).` };
    }
    if (status !== undefined && status >= 500) return { retry: true, sentence: `Hugging Face answered ${status} for ${where} several times: try again later.` };
    if (status !== undefined) return { retry: false, sentence: `Hugging Face answered ${status} for ${where}: check SD_HF_MODEL and the provider.` };
    const reason = error instanceof Error ? error.message : String(error);
    return { retry: true, sentence: `Could not reach Hugging Face for ${where} (${reason}): check the network, then try again.` };
  }

  private scrub(text: string): string {
    return this.token ? text.split(this.token).join("[redacted]") : text;
  }

  /** The library's error, minus anything that could carry the token, kept as the cause for logs. */
  private scrubError(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    const status = error instanceof InferenceClientProviderApiError ? ` (HTTP ${error.httpResponse.status})` : "";
    return new Error(this.scrub(message) + status);
  }
}

/** What the error body says (its "error"/"message"/"detail", or the text), to tell apart kinds of one status. */
function bodyText(error: unknown): string {
  const body = error instanceof InferenceClientProviderApiError || error instanceof InferenceClientHubApiError ? (error.httpResponse.body as unknown) : undefined;
  if (typeof body === "string") return body;
  if (body && typeof body === "object") {
    const b = body as { error?: unknown; message?: unknown; detail?: unknown };
    return [b.error, b.message, b.detail].map((v) => (typeof v === "string" ? v : typeof v === "object" && v ? JSON.stringify(v) : "")).join(" ");
  }
  return error instanceof Error ? error.message : "";
}

/** The wait a loading model announces (`estimated_time` in its 503 body), capped at a minute. */
function retryAfter(error: unknown): number | undefined {
  const body = error instanceof InferenceClientProviderApiError ? (error.httpResponse.body as { estimated_time?: number } | undefined) : undefined;
  const seconds = typeof body === "object" && body && typeof body.estimated_time === "number" ? body.estimated_time : undefined;
  return seconds === undefined ? undefined : Math.min(60_000, Math.max(0, seconds * 1000));
}

async function decode(blob: Blob): Promise<RawImage> {
  const bytes = Buffer.from(await blob.arrayBuffer());
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}
