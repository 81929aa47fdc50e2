import { alphasCumprod, interpolate, resolveConfig, spacedTimesteps, type ResolvedConfig, type SchedulerConfig } from "./config.ts";

/**
 * The σ-parameterisation the Euler samplers share (Karras et al. 2022, as diffusers'
 * EulerDiscreteScheduler): σ_t = √((1 − ᾱ_t)/ᾱ_t), interpolated at the inference timesteps,
 * with σ = 0 appended; the UNet sees x / √(σ² + 1).
 */
export abstract class SigmaScheduler {
  readonly config: ResolvedConfig;
  timesteps: number[] = [];
  sigmas: number[] = [];
  private readonly trainSigmas: Float64Array;

  constructor(config: SchedulerConfig) {
    // Euler's own default spacing is "linspace"; configs written for SD 1.x often leave it out.
    this.config = resolveConfig(config, { timestepSpacing: "linspace" });
    const ac = alphasCumprod(this.config);
    this.trainSigmas = ac.map((a) => Math.sqrt((1 - a) / a));
  }

  setTimesteps(steps: number): void {
    this.timesteps = spacedTimesteps(this.config, steps, false);
    this.sigmas = [...this.timesteps.map((t) => interpolate(this.trainSigmas, t)), 0];
  }

  /** σ_max for linspace/trailing; √(σ_max² + 1) for leading, whose first timestep is below N−1. */
  get initNoiseSigma(): number {
    const max = Math.max(...this.sigmas);
    return this.config.timestepSpacing === "leading" ? Math.sqrt(max * max + 1) : max;
  }

  scaleModelInput(sample: Float32Array, index: number): Float32Array {
    const s = 1 / Math.sqrt(this.sigma(index) ** 2 + 1);
    return sample.map((x) => x * s);
  }

  protected sigma(index: number): number {
    const s = this.sigmas[index];
    if (s === undefined) throw new Error(`step ${index} is outside the ${this.timesteps.length}-step schedule: call setTimesteps first`);
    return s;
  }

  /** x̂₀ in the σ parameterisation. */
  protected predictOriginal(out: number, x: number, sigma: number): number {
    const type = this.config.predictionType;
    if (type === "epsilon") return x - sigma * out;
    if (type === "v_prediction") return out * (-sigma / Math.sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1);
    return out;
  }
}
