/**
 * BigGAN's request limits, in a module that imports nothing: the slash-command definitions show
 * them without loading onnxruntime.
 */
export const MAX_IMAGES = 16;
export const MAX_FRAMES = 16;
export const DEFAULT_TRUNCATION = 0.4;
