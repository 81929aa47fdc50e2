import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { GanCatalog, shippedModelsDir, trainedModelsDir } from "./gan/catalog.ts";
import { BigGanEngine } from "./biggan/engine.ts";
import { GanEngine } from "./gan/engine.ts";
import type { AnyEngine } from "./types.ts";

export { EngineRegistry } from "./registry.ts";
export { EngineInputError, EngineUnavailableError, isPermanent } from "./errors.ts";
export type { AnyEngine, Engine, EngineStatus, GenerationResult, GenerateContext, ModelInfo, Presentation } from "./types.ts";

/** The engines the lab plans, for /models to report on before they are installed. */
export const plannedEngines: { name: string; title: string; needs: (c: Config) => string }[] = [
  {
    name: "diffusion",
    title: "Stable Diffusion",
    needs: (c) => (c.SD_MODEL_DIR || c.HF_TOKEN ? "not in this build yet." : "no model — set SD_MODEL_DIR, or HF_TOKEN for Hugging Face Inference."),
  },
];

/** Engines this build ships. Each engine issue adds its own here. */
export function builtinEngines(config: Config, log?: Logger): AnyEngine[] {
  // Shipped models, then those trained by /train (GENLAB_DATA_DIR/gan-models), then the user's own.
  const dirs = [shippedModelsDir, trainedModelsDir(config.GENLAB_DATA_DIR), ...(config.GENLAB_GAN_MODELS_DIR ? [config.GENLAB_GAN_MODELS_DIR] : [])];
  const onnx = {
    provider: config.GENLAB_ONNX_PROVIDER,
    threads: config.GENLAB_ONNX_THREADS,
    onFallback: (reason: string) => log?.warn({ reason }, "CUDA is not available to onnxruntime here: ONNX models run on the CPU"),
  };
  return [new GanEngine(new GanCatalog(dirs)), new BigGanEngine({ ...onnx, modelDir: config.BIGGAN_MODEL_DIR })];
}
