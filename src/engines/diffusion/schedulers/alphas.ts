import { alphasCumprod, resolveConfig, type ResolvedConfig, type SchedulerConfig } from "./config.ts";

/**
 * The ᾱ-parameterisation DDIM and LCM share (as diffusers' DDIMScheduler / LCMScheduler): the
 * cumulative alphas at the training timesteps, ᾱ for "before the first" (1, or ᾱ_0 unless
 * set_alpha_to_one), unit initial noise, and model input that needs no scaling.
 */
export abstract class AlphaScheduler {
  readonly initNoiseSigma = 1;
  readonly config: ResolvedConfig;
  timesteps: number[] = [];
  protected readonly alphas: Float64Array;
  protected readonly finalAlpha: number;

  constructor(config: SchedulerConfig, defaults: Partial<ResolvedConfig>) {
    this.config = resolveConfig(config, defaults);
    this.alphas = alphasCumprod(this.config);
    this.finalAlpha = this.config.setAlphaToOne ? 1 : this.alphas[0]!;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  /** ᾱ at a timestep, and at the previous one (`finalAlpha` before the first). */
  protected alphaPair(t: number, prev: number): { a: number; aPrev: number } {
    return { a: this.alphas[t]!, aPrev: prev >= 0 ? this.alphas[prev]! : this.finalAlpha };
  }
}
