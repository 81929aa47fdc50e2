import type { Config } from "../../config/schema.ts";
import type { DiffusionEngineOptions } from "./engine.ts";

/** The diffusion engine's settings from GenLab's config. */
export function diffusionOptions(c: Config, onFallback?: (reason: string) => void): DiffusionEngineOptions {
  return {
    modelDir: c.SD_MODEL_DIR,
    onnxProvider: c.GENLAB_ONNX_PROVIDER,
    onnxThreads: c.GENLAB_ONNX_THREADS,
    onFallback,
    scheduler: c.SD_SCHEDULER,
    hfToken: c.HF_TOKEN,
    hfModel: c.SD_HF_MODEL,
    hfProvider: c.SD_HF_PROVIDER,
    hfEndpointUrl: c.SD_HF_ENDPOINT_URL,
    hfTimeoutMs: c.SD_HF_TIMEOUT_SECONDS * 1000,
  };
}
