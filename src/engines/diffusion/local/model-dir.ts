import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { EngineUnavailableError } from "../../errors.ts";
import { schedulerForClass, type SchedulerConfig, type SchedulerName } from "../schedulers/index.ts";

/**
 * A Stable Diffusion model folder in the diffusers/optimum ONNX layout (what
 * `optimum-cli export onnx` writes; scripts/export-sd.sh), read and checked once.
 */
export const requiredFiles = [
  "text_encoder/model.onnx",
  "unet/model.onnx",
  "vae_decoder/model.onnx",
  "tokenizer/vocab.json",
  "tokenizer/merges.txt",
  "scheduler/scheduler_config.json",
] as const;

export interface SdModelFolder {
  dir: string;
  /** The model's own name (model_index.json's `_name_or_path`, else the folder name). */
  name: string;
  scheduler: SchedulerConfig;
  /** The scheduler the model ships with, as one GenLab implements. */
  defaultScheduler: SchedulerName;
  /** Latents are divided by this before the VAE decoder (0.18215 for SD 1.x/2.x). */
  scalingFactor: number;
  /** The native image side in pixels (8 × the UNet's sample_size). */
  imageSize: number;
  /** Distilled few-step models (SD-Turbo, LCM): their defaults differ. */
  kind: "standard" | "turbo" | "lcm";
}

export function readModelFolder(dir: string): SdModelFolder {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new EngineUnavailableError(`SD_MODEL_DIR points to ${abs}, which does not exist: export a model there with scripts/export-sd.sh.`);
  const missing = requiredFiles.filter((f) => !existsSync(join(abs, f)));
  if (missing.length) {
    throw new EngineUnavailableError(`The Stable Diffusion model in ${abs} lacks ${missing.join(", ")}: export it again with scripts/export-sd.sh (diffusers ONNX layout).`);
  }
  const scheduler = readJson(join(abs, "scheduler/scheduler_config.json")) as SchedulerConfig;
  const unet = readJson(join(abs, "unet/config.json"));
  const vae = readJson(join(abs, "vae_decoder/config.json"));
  const index = readJson(join(abs, "model_index.json"));
  const name = typeof index?._name_or_path === "string" && index._name_or_path ? index._name_or_path : basename(abs);
  const kind = scheduler._class_name === "LCMScheduler" || /lcm/i.test(name) ? "lcm" : /turbo/i.test(name) ? "turbo" : "standard";
  const sampleSize = Number(unet?.sample_size);
  return {
    dir: abs,
    name,
    scheduler,
    defaultScheduler: schedulerForClass(scheduler._class_name),
    scalingFactor: typeof vae?.scaling_factor === "number" ? vae.scaling_factor : 0.18215,
    imageSize: Number.isInteger(sampleSize) && sampleSize > 0 ? sampleSize * 8 : 512,
    kind,
  };
}

function readJson(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : undefined;
}
