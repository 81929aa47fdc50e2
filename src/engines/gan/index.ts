export { GanEngine, type GanParams, MAX_SAMPLES } from "./engine.ts";
export { GanCatalog, shippedModelsDir } from "./catalog.ts";
export { GanSampler } from "./sample.ts";
export { trainGan, type TrainOptions, type TrainEvent, type EpochMetrics } from "./train.ts";
export { loadModel, type LoadedModel } from "./model-files.ts";
