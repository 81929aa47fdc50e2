import { join } from "node:path";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import type { RawImage } from "../../../images/encode.ts";
import { slerp } from "../../runtime/latent.ts";
import { Rng } from "../../runtime/random.ts";
import { declaredShape, openOnnxSession, type OnnxModule, type OnnxSessionOptions } from "../../runtime/onnx.ts";
import type { ImageRequest } from "../provider.ts";
import { createScheduler, type SchedulerName } from "../schedulers/index.ts";
import { EngineUnavailableError } from "../../errors.ts";
import { ClipTokenizer } from "./clip-tokenizer.ts";
import { readModelFolder, type SdModelFolder } from "./model-dir.ts";
import { floatTensor, numberTensor, readFloats } from "./tensors.ts";

/**
 * Stable Diffusion text-to-image on onnxruntime-node: tokenizer → text encoder → UNet loop
 * under a scheduler, with classifier-free guidance (unconditional and conditional latents in
 * one UNet batch) → VAE decoder. The pipeline owns no maths beyond guidance; the schedulers own
 * the sampling equations.
 */
/** A provider's image request with the scheduler chosen (guidance ≤ 1 runs the conditional branch alone). */
export type TextToImageRequest = Omit<ImageRequest, "scheduler"> & { scheduler: SchedulerName };

export interface RunOptions {
  signal?: AbortSignal;
  /** Called after each UNet step with the fraction done. */
  onStep?: (done: number, total: number) => void;
  /** Filled with the time spent inside the model runs, for benchmarks. */
  profile?: PipelineProfile;
}

export interface PipelineProfile {
  textEncoderMs: number;
  unetMs: number;
  vaeMs: number;
  totalMs: number;
  unetRuns: number;
}

export class StableDiffusionPipeline {
  private constructor(
    readonly model: SdModelFolder,
    readonly tokenizer: ClipTokenizer,
    private readonly ort: OnnxModule,
    private readonly textEncoder: InferenceSession,
    private readonly unet: InferenceSession,
    private readonly vae: InferenceSession,
    /** Where the sessions run: "cuda" or "cpu" (after a fallback, if CUDA was wanted). */
    readonly provider: "cuda" | "cpu",
  ) {}

  static async load(dir: string, options: OnnxSessionOptions): Promise<StableDiffusionPipeline> {
    const model = readModelFolder(dir);
    const tokenizer = ClipTokenizer.fromDirectory(join(model.dir, "tokenizer"));
    const open = (sub: string) =>
      openOnnxSession(join(model.dir, sub, "model.onnx"), options).catch((error: unknown) => {
        // readModelFolder caught what it can see in the files; what onnxruntime still refuses
        // (an unknown operator, a graph cut exactly between two fields) is one sentence too.
        const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);
        if (/alloc|out of memory/i.test(reason)) throw error; // the machine, not the files: a retry may do
        throw new EngineUnavailableError(`onnxruntime could not load ${sub}/model.onnx of the Stable Diffusion model in ${model.dir} (${reason}): export it again with scripts/export-sd.sh.`, { cause: error });
      });
    // One at a time: a UNet is gigabytes, and a failure should name the first broken part.
    const text = await open("text_encoder");
    const unet = await open("unet");
    const vae = await open("vae_decoder");
    const provider = [text, unet, vae].every((s) => s.provider === "cuda") ? "cuda" : "cpu";
    return new StableDiffusionPipeline(model, tokenizer, text.ort, text.session, unet.session, vae.session, provider);
  }

  async generate(req: TextToImageRequest, options: RunOptions = {}): Promise<RawImage> {
    const t0 = performance.now();
    const profile = options.profile;
    const timed = async <T>(key: "textEncoderMs" | "unetMs" | "vaeMs", run: () => Promise<T>): Promise<T> => {
      const s = performance.now();
      const r = await run();
      if (profile) profile[key] += performance.now() - s;
      return r;
    };
    const checkAbort = () => options.signal?.throwIfAborted();

    const guided = req.guidance > 1;
    const cond = await timed("textEncoderMs", () => this.encodeText(req.prompt));
    const uncond = guided ? await timed("textEncoderMs", () => this.encodeText(req.negativePrompt)) : undefined;
    const context = uncond ? concat(uncond.data, cond.data) : cond.data;
    const contextDims = [guided ? 2 : 1, cond.dims[1]!, cond.dims[2]!];
    checkAbort();

    const scheduler = createScheduler(req.scheduler, this.model.scheduler);
    scheduler.setTimesteps(req.steps);
    const channels = this.latentChannels();
    const [h, w] = [req.height / 8, req.width / 8];
    const rng = new Rng(req.seed);
    let latents = rng.normals(channels * h * w);
    if (req.variation) latents = slerp(latents, new Rng(req.variation.seed).normals(channels * h * w), req.variation.strength);
    const sigma0 = scheduler.initNoiseSigma;
    for (let i = 0; i < latents.length; i++) latents[i]! *= sigma0;

    const batch = guided ? 2 : 1;
    const contextTensor = floatTensor(this.ort, this.unet, "encoder_hidden_states", context, contextDims);
    const timestepDims = this.timestepDims(batch);
    // Reused every step (the session has finished with them when run() resolves): fewer
    // allocations, so less garbage collection between UNet calls.
    const sampleBuffer = new Float32Array(batch * latents.length);
    const guided1 = guided ? new Float32Array(latents.length) : undefined;
    for (let i = 0; i < scheduler.timesteps.length; i++) {
      checkAbort();
      const t = scheduler.timesteps[i]!;
      const input = scheduler.scaleModelInput(latents, i);
      sampleBuffer.set(input);
      if (guided) sampleBuffer.set(input, input.length);
      const feeds: Record<string, Tensor> = {
        sample: floatTensor(this.ort, this.unet, "sample", sampleBuffer, [batch, channels, h, w]),
        timestep: numberTensor(this.ort, this.unet, "timestep", new Array(timestepDims.reduce((a, b) => a * b, 1)).fill(t), timestepDims),
        encoder_hidden_states: contextTensor,
      };
      const out = await timed("unetMs", () => this.unet.run(feeds));
      if (profile) profile.unetRuns++;
      const noise = readFloats(out.out_sample ?? Object.values(out)[0]!);
      latents = scheduler.step(guided ? guide(noise, req.guidance, guided1) : noise, i, latents, rng);
      options.onStep?.(i + 1, scheduler.timesteps.length);
    }
    checkAbort();

    const scaled = latents.map((v) => v / this.model.scalingFactor);
    const decoded = await timed("vaeMs", () => this.vae.run({ latent_sample: floatTensor(this.ort, this.vae, "latent_sample", scaled, [1, channels, h, w]) }));
    const pixels = decoded.sample ?? Object.values(decoded)[0]!;
    const image = toRgb(readFloats(pixels), pixels.dims as number[]);
    if (profile) profile.totalMs += performance.now() - t0;
    return image;
  }

  /** The text encoder's last hidden state for one prompt: [1, 77, D]. */
  private async encodeText(text: string): Promise<{ data: Float32Array; dims: number[] }> {
    const ids = this.tokenizer.encode(text);
    const out = await this.textEncoder.run({ input_ids: numberTensor(this.ort, this.textEncoder, "input_ids", ids, [1, ids.length]) });
    const hidden = out.last_hidden_state ?? Object.values(out)[0]!;
    return { data: readFloats(hidden), dims: hidden.dims as number[] };
  }

  private latentChannels(): number {
    const c = declaredShape(this.unet, "sample")?.[1];
    return typeof c === "number" ? c : 4;
  }

  /** Optimum exports the timestep as [1] (broadcast over the batch); some exports want [batch] or a scalar. */
  private timestepDims(batch: number): number[] {
    const shape = declaredShape(this.unet, "timestep");
    if (shape && shape.length === 0) return [];
    const d = shape?.[0];
    return [typeof d === "number" ? d : d === "batch" ? batch : 1];
  }
}

/** ε = ε_uncond + g · (ε_cond − ε_uncond), from a [2, …] batch ordered (uncond, cond). */
export function guide(batched: Float32Array, scale: number, into?: Float32Array): Float32Array {
  const n = batched.length / 2;
  const out = into ?? new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = batched[i]!;
    out[i] = u + scale * (batched[n + i]! - u);
  }
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The decoder's NCHW output in [-1, 1] → interleaved 8-bit RGB. */
export function toRgb(data: Float32Array, dims: number[]): RawImage {
  const [, c, height, width] = dims as [number, number, number, number];
  if (c !== 3) throw new Error(`the VAE decoder returned ${c} channels; expected 3`);
  const plane = height * width;
  // A clamped array rounds and clamps on store, natively: one multiply-add per value.
  const out = new Uint8ClampedArray(plane * 3);
  for (let ch = 0; ch < 3; ch++) {
    const src = ch * plane;
    for (let p = 0, q = ch; p < plane; p++, q += 3) out[q] = data[src + p]! * 127.5 + 127.5;
  }
  return { data: new Uint8Array(out.buffer), width, height, channels: 3 };
}
