/**
 * Sample counts and noise levels of /evaluate and /denoise, in a module that imports nothing:
 * the slash-command definitions show them without loading TensorFlow.js.
 */
export const LIMITS = {
  distribution: { default: 1000, max: 10_000 },
  denoise: { default: 8, max: 16 },
  sigma: { default: 0.5, max: 2 },
} as const;
