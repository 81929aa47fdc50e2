/** One GAN training implementation (native fused MLP, TensorFlow.js MLP, TensorFlow.js DCGAN). */
export interface StepResult {
  dLoss: number;
  gLoss: number;
  /** Share of the D step's 2B predictions on the right side of 0.5. */
  dAcc: number;
  dReal: number;
  dFake: number;
  /** AC-GAN only: share of the real / fake batch whose class D's classifier head gets right. */
  dClassReal?: number;
  dClassFake?: number;
}

export interface Weights {
  g: Float32Array[];
  d: Float32Array[];
}

export interface OptimizerState {
  step: number;
  g: { m: Float32Array[]; v: Float32Array[] };
  d: { m: Float32Array[]; v: Float32Array[] };
}

export interface Trainer {
  /** Shown in logs, reports and /train embeds: what actually runs. */
  readonly implementation: string;
  /** One D step then one G step (against the updated D), on `batch` rows. */
  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number): StepResult;
  /** G's outputs (tanh, in [-1, 1]) for n noise rows. */
  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array;
  getWeights(): Weights;
  setWeights(w: Weights): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(s: OptimizerState): void;
  /** L2 norm of each G parameter's gradient in the last step, in getWeights().g order. */
  gradNorms(): number[];
  weightNorms(): number[];
  dispose(): void;
  /** Shapes of every weight array (for model files); MLPs derive theirs from the spec. */
  shapes?(): { generator: number[][]; discriminator: number[][] };
}

/** Names for G's parameters in reports: dense0.kernel, dense0.bias, … */
export function parameterNames(count: number, prefix = "dense"): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i >> 1}.${i % 2 === 0 ? "kernel" : "bias"}`);
}
