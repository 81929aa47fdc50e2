import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { EngineUnavailableError } from "../../errors.ts";
import { OnnxFileError, onnxExternalDataFiles } from "../../runtime/onnx-files.ts";
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
  // Its sample_size is the native image size; diffusers cannot load a UNet without it either.
  "unet/config.json",
] as const;

const graphs = ["text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx"] as const;

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
  const missing: string[] = requiredFiles.filter((f) => !existsSync(join(abs, f)));
  // The external data files each graph names (unet/model.onnx_data …) are required too.
  for (const graph of graphs.filter((g) => !missing.includes(g))) {
    for (const file of externalData(abs, graph)) if (!existsSync(join(abs, file)) && !missing.includes(file)) missing.push(file);
  }
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
  if (!Number.isInteger(sampleSize) || sampleSize <= 0) {
    throw new EngineUnavailableError(`The Stable Diffusion model in ${abs} has no sample_size in unet/config.json, so its image size is unknown: copy that file from the model's unet folder or export it again with scripts/export-sd.sh.`);
  }
  return {
    dir: abs,
    name,
    scheduler,
    defaultScheduler: schedulerForClass(scheduler._class_name),
    scalingFactor: typeof vae?.scaling_factor === "number" ? vae.scaling_factor : 0.18215,
    imageSize: sampleSize * 8,
    kind,
  };
}

/** The external data files a graph names, relative to the model folder; one sentence when the graph itself is damaged. */
function externalData(dir: string, graph: string): string[] {
  const path = join(dir, graph);
  try {
    return onnxExternalDataFiles(path).map((location) => relative(dir, resolve(dirname(path), location)));
  } catch (error) {
    if (!(error instanceof OnnxFileError)) throw error;
    const size = statSync(path).size.toLocaleString("en-US");
    throw new EngineUnavailableError(`The Stable Diffusion model's ${graph} in ${dir} is not a whole ONNX model (${size} bytes; ${error.message}): copy it again or export it again with scripts/export-sd.sh.`);
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new EngineUnavailableError(`${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}): copy it again or export the model again with scripts/export-sd.sh.`);
  }
}
