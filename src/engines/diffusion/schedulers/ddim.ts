import { alphasCumprod, predictOriginal, resolveConfig, spacedTimesteps, type NoiseSource, type ResolvedConfig, type Scheduler, type SchedulerConfig } from "./config.ts";

/**
 * DDIM (Song et al. 2021, eq. 12) with η = 0, the deterministic sampler:
 * x_prev = √ᾱ_prev · x̂₀ + √(1 − ᾱ_prev) · ε̂, where prev = t − N/n.
 */
export class DdimScheduler implements Scheduler {
  readonly name = "ddim" as const;
  readonly initNoiseSigma = 1;
  readonly config: ResolvedConfig;
  timesteps: number[] = [];
  private readonly alphas: Float64Array;
  private readonly finalAlpha: number;

  constructor(config: SchedulerConfig = {}) {
    this.config = resolveConfig(config, { timestepSpacing: "leading", clipSample: true });
    this.alphas = alphasCumprod(this.config);
    this.finalAlpha = this.config.setAlphaToOne ? 1 : this.alphas[0]!;
  }

  setTimesteps(steps: number): void {
    this.timesteps = spacedTimesteps(this.config, steps, true);
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array, _noise?: NoiseSource): Float32Array {
    const t = this.timesteps[index];
    if (t === undefined) throw new Error(`step ${index} is outside the ${this.timesteps.length}-step schedule: call setTimesteps first`);
    const prev = t - Math.floor(this.config.numTrainTimesteps / this.timesteps.length);
    const a = this.alphas[t]!;
    const aPrev = prev >= 0 ? this.alphas[prev]! : this.finalAlpha;
    const { predictionType: type, clipSample, clipSampleRange: r } = this.config;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      let x0 = predictOriginal(type, modelOutput[i]!, x, a);
      const eps = type === "epsilon" ? modelOutput[i]! : type === "v_prediction" ? Math.sqrt(a) * modelOutput[i]! + Math.sqrt(1 - a) * x : (x - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
      if (clipSample) x0 = Math.min(r, Math.max(-r, x0));
      out[i] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps;
    }
    return out;
  }
}
