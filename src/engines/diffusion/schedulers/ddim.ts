import { predictOriginal, spacedTimesteps, type NoiseSource, type Scheduler, type SchedulerConfig } from "./config.ts";
import { AlphaScheduler } from "./alphas.ts";

/**
 * DDIM (Song et al. 2021, eq. 12) with η = 0, the deterministic sampler:
 * x_prev = √ᾱ_prev · x̂₀ + √(1 − ᾱ_prev) · ε̂, where prev = t − N/n.
 */
export class DdimScheduler extends AlphaScheduler implements Scheduler {
  readonly name = "ddim" as const;

  constructor(config: SchedulerConfig = {}) {
    super(config, { timestepSpacing: "leading", clipSample: true });
  }

  setTimesteps(steps: number): void {
    this.timesteps = spacedTimesteps(this.config, steps, true);
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array, _noise?: NoiseSource): Float32Array {
    const t = this.timesteps[index];
    if (t === undefined) throw new Error(`step ${index} is outside the ${this.timesteps.length}-step schedule: call setTimesteps first`);
    const prev = t - Math.floor(this.config.numTrainTimesteps / this.timesteps.length);
    const { a, aPrev } = this.alphaPair(t, prev);
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
