import type { NoiseSource, Scheduler, SchedulerConfig } from "./config.ts";
import { SigmaScheduler } from "./sigmas.ts";

/**
 * Ancestral Euler (k-diffusion's sample_euler_ancestral): step deterministically down to
 * σ_down, then add fresh noise of size σ_up, where σ_up = √(σ_next²(σ²−σ_next²)/σ²) and
 * σ_down = √(σ_next² − σ_up²).
 */
export class EulerAncestralScheduler extends SigmaScheduler implements Scheduler {
  readonly name = "euler-a" as const;

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    const sigma = this.sigma(index);
    const next = this.sigma(index + 1);
    const up = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
    const down = Math.sqrt(next * next - up * up);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const derivative = (x - this.predictOriginal(modelOutput[i]!, x, sigma)) / sigma;
      out[i] = x + derivative * (down - sigma) + noise.normal() * up;
    }
    return out;
  }
}
