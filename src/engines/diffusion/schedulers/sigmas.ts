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
    // Zero terminal SNR makes ᾱ_{N−1} = 0, σ infinite: diffusers uses fp16's smallest subnormal instead.
    if (this.config.rescaleBetasZeroSnr) ac[ac.length - 1] = 2 ** -24;
    this.trainSigmas = ac.map((a) => Math.sqrt((1 - a) / a));
    this.logSigmas = this.trainSigmas.map(Math.log);
  }

  private readonly logSigmas: Float64Array;

  setTimesteps(steps: number): void {
    this.timesteps = spacedTimesteps(this.config, steps, false);
    const sigmas = this.timesteps.map((t) => interpolate(this.trainSigmas, t));
    if (this.config.useKarrasSigmas) {
      const karras = karrasSigmas(this.config.sigmaMin ?? sigmas[sigmas.length - 1]!, this.config.sigmaMax ?? sigmas[0]!, steps);
      this.timesteps = karras.map((s) => sigmaToTimestep(s, this.logSigmas));
      this.sigmas = [...karras, 0];
    } else {
      this.sigmas = [...sigmas, 0];
    }
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

/**
 * Karras et al. 2022, eq. (5) with ρ = 7 (diffusers' _convert_to_karras): n σ's evenly spaced in
 * σ^{1/ρ} from σ_max down to σ_min.
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): number[] {
  const lo = sigmaMin ** (1 / rho);
  const hi = sigmaMax ** (1 / rho);
  return Array.from({ length: n }, (_, i) => (hi + (n === 1 ? 0 : i / (n - 1)) * (lo - hi)) ** rho);
}

/**
 * A σ back to a fractional training timestep, by linear interpolation of log σ between the two
 * training σ's around it (diffusers' _sigma_to_t, clipped to the table's ends).
 */
export function sigmaToTimestep(sigma: number, logSigmas: Float64Array): number {
  const l = Math.log(Math.max(sigma, 1e-10));
  // numpy: cumsum(l − logσ_i ≥ 0).argmax() — the first index where the running count peaks.
  let count = 0;
  let best = -1;
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) {
    if (l - logSigmas[i]! >= 0) count++;
    if (count > best) (best = count), (low = i);
  }
  low = Math.min(low, logSigmas.length - 2);
  const a = logSigmas[low]!;
  const b = logSigmas[low + 1]!;
  const w = Math.min(1, Math.max(0, (a - l) / (a - b)));
  return (1 - w) * low + w * (low + 1);
}
