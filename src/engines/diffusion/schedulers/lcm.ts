import { predictOriginal, type NoiseSource, type Scheduler, type SchedulerConfig } from "./config.ts";
import { AlphaScheduler } from "./alphas.ts";

/**
 * Latent Consistency Model sampling (Luo et al. 2023; diffusers' LCMScheduler): timesteps
 * picked from the distillation schedule (k·i − 1, k = N / original steps), each step maps x_t
 * to the consistency boundary c_skip·x + c_out·x̂₀, then re-noises to the next timestep (except
 * after the last). One step suffices for LCM- and Turbo-distilled models.
 */
export class LcmScheduler extends AlphaScheduler implements Scheduler {
  readonly name = "lcm" as const;
  private static readonly sigmaData = 0.5;

  constructor(config: SchedulerConfig = {}) {
    super(config, { betaStart: 0.00085, betaEnd: 0.012, betaSchedule: "scaled_linear", timestepSpacing: "leading" });
  }

  setTimesteps(steps: number): void {
    const original = this.config.originalInferenceSteps;
    if (!Number.isInteger(steps) || steps < 1 || steps > original) throw new Error(`LCM takes 1 to ${original} steps, not ${steps}`);
    const k = Math.floor(this.config.numTrainTimesteps / original);
    const origin = Array.from({ length: original }, (_, i) => (i + 1) * k - 1).reverse();
    this.timesteps = Array.from({ length: steps }, (_, i) => origin[Math.floor((i * original) / steps)]!);
  }

  /** The boundary-condition scalings at a timestep. */
  scalings(t: number): { cSkip: number; cOut: number } {
    const st = t * this.config.timestepScaling;
    const sd2 = LcmScheduler.sigmaData ** 2;
    return { cSkip: sd2 / (st * st + sd2), cOut: st / Math.sqrt(st * st + sd2) };
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    const t = this.timesteps[index];
    if (t === undefined) throw new Error(`step ${index} is outside the ${this.timesteps.length}-step schedule: call setTimesteps first`);
    const last = index === this.timesteps.length - 1;
    const prev = last ? t : this.timesteps[index + 1]!;
    const { a, aPrev } = this.alphaPair(t, prev);
    const { cSkip, cOut } = this.scalings(t);
    const { predictionType: type, clipSample, clipSampleRange: r } = this.config;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      let x0 = predictOriginal(type, modelOutput[i]!, x, a);
      if (clipSample) x0 = Math.min(r, Math.max(-r, x0));
      const denoised = cOut * x0 + cSkip * x;
      out[i] = last ? denoised : Math.sqrt(aPrev) * denoised + Math.sqrt(1 - aPrev) * noise.normal();
    }
    return out;
  }
}
