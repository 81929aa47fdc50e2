/**
 * The GAN engine's request limits, in a module that imports nothing: the slash-command
 * definitions show them without loading TensorFlow.js or the native trainer.
 */
export const MAX_SAMPLES = 64;
