import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { GanCatalog, shippedModelsDir, trainedModelsDir } from "./gan/catalog.ts";
import { BigGanEngine } from "./biggan/engine.ts";
import { GanEngine } from "./gan/engine.ts";
import { EvalEngine } from "./eval/engine.ts";
import { DiffusionEngine } from "./diffusion/engine.ts";
import { diffusionOptions } from "./diffusion/from-config.ts";
import { DatasetEngine } from "./diffusion/dataset/engine.ts";
import { EngineThread, generateInThread } from "./threaded/index.ts";
import type { AnyEngine } from "./types.ts";

export { EngineRegistry } from "./registry.ts";
export { EngineInputError, EngineUnavailableError, isPermanent } from "./errors.ts";
export type { AnyEngine, Engine, EngineStatus, GenerationResult, GenerateContext, ModelInfo, Presentation } from "./types.ts";

/** Every engine this build ships; each reports through status() what it needs to be ready. */
export function builtinEngines(config: Config, log?: Logger): AnyEngine[] {
  // Shipped models, then those trained by /train (GENLAB_DATA_DIR/gan-models), then the user's own.
  const dirs = [shippedModelsDir, trainedModelsDir(config.GENLAB_DATA_DIR), ...(config.GENLAB_GAN_MODELS_DIR ? [config.GENLAB_GAN_MODELS_DIR] : [])];
  // Trained models belong to the server whose run made them (src/guilds/models.ts filters them).
  const catalogOptions = { privateDirs: [trainedModelsDir(config.GENLAB_DATA_DIR)] };
  const onnx = {
    provider: config.GENLAB_ONNX_PROVIDER,
    threads: config.GENLAB_ONNX_THREADS,
    onFallback: (reason: string) => log?.warn({ reason }, "CUDA is not available to onnxruntime here: ONNX models run on the CPU"),
  };
  // A thread that cannot start is logged once, with its reason (EngineThread backs off).
  const threads = { log };
  const evalCache = join(config.GENLAB_DATA_DIR, "eval-cache");
  const diffusion = generateInThread(new DiffusionEngine(diffusionOptions(config, onnx.onFallback)), new EngineThread({ kind: "diffusion", options: diffusionOptions(config) }, { ...threads, onFallback: onnx.onFallback }));
  return [
    // Each engine's generate() runs in a thread of its own, off the bot's event loop:
    // onnxruntime-node 1.30 loads models and runs sessions synchronously on the calling thread.
    generateInThread(new GanEngine(new GanCatalog(dirs, catalogOptions)), new EngineThread({ kind: "gan", dirs, catalog: catalogOptions }, threads)),
    generateInThread(new BigGanEngine({ ...onnx, modelDir: config.BIGGAN_MODEL_DIR }), new EngineThread({ kind: "biggan", options: { provider: onnx.provider, threads: onnx.threads, modelDir: config.BIGGAN_MODEL_DIR } }, { ...threads, onFallback: onnx.onFallback })),
    generateInThread(new EvalEngine(new GanCatalog(dirs, catalogOptions), { cacheDir: evalCache }), new EngineThread({ kind: "eval", dirs, catalog: catalogOptions, cacheDir: evalCache }, threads)),
    diffusion,
    new DatasetEngine(diffusion, join(config.GENLAB_DATA_DIR, "datasets")),
  ];
}

