import type { Config } from "../config/schema.ts";
import { GanCatalog, shippedModelsDir, trainedModelsDir } from "./gan/catalog.ts";
import { GanEngine } from "./gan/engine.ts";
import type { AnyEngine } from "./types.ts";

export { EngineRegistry } from "./registry.ts";
export { EngineInputError, EngineUnavailableError, isPermanent } from "./errors.ts";
export type { AnyEngine, Engine, EngineStatus, GenerationResult, GenerateContext, ModelInfo, Presentation } from "./types.ts";

/** The engines the lab plans, for /models to report on before they are installed. */
export const plannedEngines: { name: string; title: string; needs: (c: Config) => string }[] = [
  { name: "biggan", title: "BigGAN", needs: (c) => (c.BIGGAN_MODEL_DIR ? "not in this build yet (BIGGAN_MODEL_DIR is set)." : "no model — set BIGGAN_MODEL_DIR.") },
  {
    name: "diffusion",
    title: "Stable Diffusion",
    needs: (c) => (c.SD_MODEL_DIR || c.HF_TOKEN ? "not in this build yet." : "no model — set SD_MODEL_DIR, or HF_TOKEN for Hugging Face Inference."),
  },
];

/** Engines this build ships. Each engine issue adds its own here. */
export function builtinEngines(config: Config): AnyEngine[] {
  // Shipped models, then those trained by /train (GENLAB_DATA_DIR/gan-models), then the user's own.
  const dirs = [shippedModelsDir, trainedModelsDir(config.GENLAB_DATA_DIR), ...(config.GENLAB_GAN_MODELS_DIR ? [config.GENLAB_GAN_MODELS_DIR] : [])];
  return [new GanEngine(new GanCatalog(dirs))];
}
