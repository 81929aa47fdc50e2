/**
 * The engine limits the option ranges show, for the engines whose modules load TensorFlow.js
 * or onnxruntime: definitions must not load those. tests/commands/definitions.test.ts checks
 * each value against the engine's own.
 */
export const DEFAULT_TRUNCATION = 0.4;
export const MAX_FRAMES = 16;
export const MAX_SAMPLES = 64;
export const MAX_PER_PROMPT = 8;
export const LIMITS = { distribution: { default: 1000 }, denoise: { default: 8, max: 16 }, sigma: { default: 0.5, max: 2 } } as const;
