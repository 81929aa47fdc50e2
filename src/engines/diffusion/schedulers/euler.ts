import type { NoiseSource, Scheduler, SchedulerConfig } from "./config.ts";
import { SigmaScheduler } from "./sigmas.ts";

/**
 * Euler's method on the probability-flow ODE (Karras et al. 2022, Algorithm 2 without churn):
 * d = (x − x̂₀)/σ_i, x ← x + d·(σ_{i+1} − σ_i). With "trailing" spacing and one step it is the
 * one-step sampler of SD-Turbo.
 */
export class EulerScheduler extends SigmaScheduler implements Scheduler {
  readonly name = "euler" as const;

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array, _noise?: NoiseSource): Float32Array {
    const sigma = this.sigma(index);
    const dt = this.sigma(index + 1) - sigma;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const derivative = (x - this.predictOriginal(modelOutput[i]!, x, sigma)) / sigma;
      out[i] = x + derivative * dt;
    }
    return out;
  }
}
