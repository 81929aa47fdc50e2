import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { byteToUnicode } from "../../src/engines/diffusion/local/clip-tokenizer.ts";
import { seededWeights, writeModel, type ElemType, type NodeSpec, type Weight } from "./onnx-model.ts";

/**
 * Tiny Stable Diffusion models in the diffusers/optimum ONNX layout, for tests and benchmarks:
 * text_encoder (input_ids → last_hidden_state), unet (sample, timestep, encoder_hidden_states →
 * out_sample), vae_decoder (latent_sample → sample, 8× upsampling), the real CLIP tokenizer
 * files, and the scheduler/model configs. The real pipeline code runs on them in milliseconds.
 */
const gz = new URL("../fixtures/clip/bpe_simple_vocab_16e6.txt.gz", import.meta.url);
let clip: { vocab: Record<string, number>; merges: string[] } | undefined;

/** OpenAI's vocabulary in Hugging Face's layout, rebuilt as CLIP's simple_tokenizer.py does. */
export function clipVocabulary(): { vocab: Record<string, number>; merges: string[] } {
  if (clip) return clip;
  const lines = gunzipSync(readFileSync(gz)).toString("utf8").split("\n");
  const merges = lines.slice(1, 49152 - 256 - 2 + 1);
  // simple_tokenizer.py lists the byte characters in its table's order: printable bytes first, then the rest (U+0100…), i.e. by code point.
  const bytes = [...byteToUnicode()].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const tokens = [...bytes, ...bytes.map((b) => b + "</w>"), ...merges.map((m) => m.split(" ").join("")), "<|startoftext|>", "<|endoftext|>"];
  clip = { vocab: Object.fromEntries(tokens.map((t, i) => [t, i])), merges };
  return clip;
}

export function writeClipTokenizer(dir: string, options: { padToken?: string } = {}): void {
  mkdirSync(dir, { recursive: true });
  const { vocab, merges } = clipVocabulary();
  writeFileSync(join(dir, "vocab.json"), JSON.stringify(vocab));
  writeFileSync(join(dir, "merges.txt"), ["#version: 0.2", ...merges].join("\n") + "\n");
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ model_max_length: 77, pad_token: options.padToken ?? "<|endoftext|>", do_lower_case: true }));
}

export interface TinySdOptions {
  /** float16 inputs/outputs (weights stay float32 inside, behind Casts, as CPU kernels need). */
  fp16?: boolean;
  timestepType?: ElemType;
  inputIdsType?: "int32" | "int64";
  /** Hidden size of the fake text encoder. */
  hidden?: number;
  /** unet/config.json sample_size: the default image is 8× this. */
  sampleSize?: number;
  scheduler?: Record<string, unknown>;
  seed?: number;
  /** The UNet's weights of 1 KiB or more in unet/model.onnx_data, as exports of real (> 2 GB) UNets have them; `hidden` ≥ 64 puts text_proj there. */
  externalData?: boolean;
}

const T_FLOAT = 1;
const T_FLOAT16 = 10;

/** Writes a complete model folder and returns it. */
export function writeTinySd(dir: string, o: TinySdOptions = {}): string {
  const D = o.hidden ?? 8;
  const seed = o.seed ?? 7;
  const ft: ElemType = o.fp16 ? "float16" : "float32";
  const toOut = (from: string, to: string): NodeSpec => (o.fp16 ? { op: "Cast", inputs: [from], outputs: [to], attrs: { to: T_FLOAT16 } } : { op: "Identity", inputs: [from], outputs: [to] });
  const toF32 = (from: string, to: string): NodeSpec => (o.fp16 ? { op: "Cast", inputs: [from], outputs: [to], attrs: { to: T_FLOAT } } : { op: "Identity", inputs: [from], outputs: [to] });
  for (const sub of ["text_encoder", "unet", "vae_decoder", "scheduler"]) mkdirSync(join(dir, sub), { recursive: true });

  // Text encoder: each id picks a row of a small table (id mod 1024), plus a position term.
  const idsType = o.inputIdsType ?? "int32";
  const modulus: Weight = idsType === "int32" ? { name: "modulus", type: "int32", dims: [], data: Int32Array.of(1024) } : { name: "modulus", type: "int64", dims: [], data: BigInt64Array.of(1024n) };
  writeModel(join(dir, "text_encoder", "model.onnx"), {
    inputs: [{ name: "input_ids", type: idsType, dims: ["batch", "sequence"] }],
    outputs: [
      { name: "last_hidden_state", type: ft, dims: ["batch", "sequence", D] },
      { name: "pooler_output", type: ft, dims: ["batch", D] },
    ],
    weights: [modulus, seededWeights("table", [1024, D], seed, 1), seededWeights("position", [77, D], seed + 1, 0.5)],
    nodes: [
      { op: "Mod", inputs: ["input_ids", "modulus"], outputs: ["row"] },
      { op: "Gather", inputs: ["table", "row"], outputs: ["embedded"] },
      { op: "Add", inputs: ["embedded", "position"], outputs: ["summed"] },
      { op: "Tanh", inputs: ["summed"], outputs: ["hidden"] },
      toOut("hidden", "last_hidden_state"),
      { op: "ReduceMean", inputs: ["hidden"], outputs: ["pooled"], attrs: { axes: [1], keepdims: 0 } },
      toOut("pooled", "pooler_output"),
    ],
  });

  // UNet: a 1×1 convolution of the latents, shifted by a projection of the mean text embedding
  // (so the prompt and classifier-free guidance change the output) and by the timestep.
  writeModel(join(dir, "unet", "model.onnx"), {
    inputs: [
      { name: "sample", type: ft, dims: ["batch", 4, "height", "width"] },
      { name: "timestep", type: o.timestepType ?? "int64", dims: ["steps"] },
      { name: "encoder_hidden_states", type: ft, dims: ["batch", "sequence", D] },
    ],
    outputs: [{ name: "out_sample", type: ft, dims: ["batch", 4, "height", "width"] }],
    weights: [
      seededWeights("mix", [4, 4, 1, 1], seed + 2, 0.5),
      seededWeights("text_proj", [D, 4], seed + 3, 1),
      { name: "text_shape", type: "int64", dims: [4], data: BigInt64Array.of(-1n, 4n, 1n, 1n) },
      { name: "t_scale", type: "float32", dims: [], data: Float32Array.of(0.001) },
    ],
    nodes: [
      toF32("sample", "x"),
      toF32("encoder_hidden_states", "text"),
      { op: "Cast", inputs: ["timestep"], outputs: ["t"], attrs: { to: T_FLOAT } },
      { op: "Mul", inputs: ["t", "t_scale"], outputs: ["t_small"] },
      { op: "Conv", inputs: ["x", "mix"], outputs: ["mixed"] },
      { op: "ReduceMean", inputs: ["text"], outputs: ["text_mean"], attrs: { axes: [1], keepdims: 0 } },
      { op: "MatMul", inputs: ["text_mean", "text_proj"], outputs: ["text_vec"] },
      { op: "Reshape", inputs: ["text_vec", "text_shape"], outputs: ["text_bias"] },
      { op: "Add", inputs: ["mixed", "text_bias"], outputs: ["conditioned"] },
      { op: "Add", inputs: ["conditioned", "t_small"], outputs: ["timed"] },
      { op: "Tanh", inputs: ["timed"], outputs: ["eps"] },
      toOut("eps", "out_sample"),
    ],
  }, o.externalData ? join(dir, "unet", "model.onnx_data") : undefined);

  // VAE decoder: an 8×8-stride transposed convolution, 4 latent channels → 3 colours in [-1, 1].
  writeModel(join(dir, "vae_decoder", "model.onnx"), {
    inputs: [{ name: "latent_sample", type: ft, dims: ["batch", 4, "latent_height", "latent_width"] }],
    outputs: [{ name: "sample", type: ft, dims: ["batch", 3, "height", "width"] }],
    weights: [seededWeights("up", [4, 3, 8, 8], seed + 4, 0.8)],
    nodes: [
      toF32("latent_sample", "z"),
      { op: "ConvTranspose", inputs: ["z", "up"], outputs: ["pixels"], attrs: { strides: [8, 8], kernel_shape: [8, 8] } },
      { op: "Tanh", inputs: ["pixels"], outputs: ["rgb"] },
      toOut("rgb", "sample"),
    ],
  });

  writeClipTokenizer(join(dir, "tokenizer"));
  writeFileSync(
    join(dir, "scheduler", "scheduler_config.json"),
    JSON.stringify({ _class_name: "EulerDiscreteScheduler", num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: "scaled_linear", steps_offset: 1, prediction_type: "epsilon", timestep_spacing: "leading", ...o.scheduler }),
  );
  writeFileSync(join(dir, "unet", "config.json"), JSON.stringify({ _class_name: "UNet2DConditionModel", sample_size: o.sampleSize ?? 8, in_channels: 4, cross_attention_dim: D }));
  writeFileSync(join(dir, "vae_decoder", "config.json"), JSON.stringify({ _class_name: "AutoencoderKL", scaling_factor: 0.18215, latent_channels: 4 }));
  writeFileSync(join(dir, "model_index.json"), JSON.stringify({ _class_name: "OnnxStableDiffusionPipeline", _name_or_path: "genlab/tiny-sd" }));
  return dir;
}
