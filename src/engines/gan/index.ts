export { GanEngine, type GanParams } from "./engine.ts";
export { MAX_SAMPLES } from "./limits.ts";
export { GanCatalog, shippedModelsDir } from "./catalog.ts";
export { GanSampler } from "./sample.ts";
export { trainGan, type TrainOptions, type TrainEvent, type EpochMetrics } from "./train.ts";
export { loadModel, type LoadedModel } from "./model-files.ts";
