export { BigGanEngine, type BigGanEngineOptions, type BigGanParams } from "./engine.ts";
export { DEFAULT_TRUNCATION, MAX_FRAMES, MAX_IMAGES } from "./limits.ts";
export { ImageNetClasses, type ClassMix, type ImageNetClass } from "./classes.ts";
export { MANIFEST_FILE, MANIFEST_FORMAT, readModelDir, type BigGanManifest } from "./manifest.ts";
export { truncatedNoise, slerp, lerp, imageSeed } from "./noise.ts";
export { statisticsFeed, type StatisticsFeed } from "./statistics.ts";
