/**
 * What every scheduler shares: the diffusers `scheduler_config.json` keys they read, the
 * training noise schedule (betas → ᾱ cumulative products) and the inference timestep spacings,
 * written from diffusers' equations (schedulers/scheduling_*.py).
 */
export interface SchedulerConfig {
  _class_name?: string;
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: "linear" | "scaled_linear" | "squaredcos_cap_v2";
  trained_betas?: number[] | null;
  prediction_type?: PredictionType;
  timestep_spacing?: TimestepSpacing;
  steps_offset?: number;
  set_alpha_to_one?: boolean;
  clip_sample?: boolean;
  clip_sample_range?: number;
  original_inference_steps?: number;
  timestep_scaling?: number;
  use_karras_sigmas?: boolean;
  sigma_min?: number | null;
  sigma_max?: number | null;
  rescale_betas_zero_snr?: boolean;
}

export type PredictionType = "epsilon" | "v_prediction" | "sample";
export type TimestepSpacing = "linspace" | "leading" | "trailing";

/** A source of standard normal noise (ancestral and LCM steps draw from it). */
export interface NoiseSource {
  normal(): number;
}

/**
 * One scheduler: `setTimesteps(n)`, then for each step index i: `scaleModelInput(x, i)` before
 * the UNet and `step(eps, i, x)` after it. Steps are addressed by index, not by timestep value,
 * so a schedule with repeated values cannot confuse it.
 */
export interface Scheduler {
  readonly name: SchedulerName;
  readonly timesteps: readonly number[];
  /** Standard deviation of the initial latents. */
  readonly initNoiseSigma: number;
  setTimesteps(steps: number): void;
  scaleModelInput(sample: Float32Array, index: number): Float32Array;
  step(modelOutput: Float32Array, index: number, sample: Float32Array, noise: NoiseSource): Float32Array;
}

export type SchedulerName = "euler" | "euler-a" | "ddim" | "lcm";

/** The defaults of each scheduler class in diffusers, applied under whatever the config file sets. */
export interface ResolvedConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: NonNullable<SchedulerConfig["beta_schedule"]>;
  trainedBetas: number[] | null;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
  setAlphaToOne: boolean;
  clipSample: boolean;
  clipSampleRange: number;
  originalInferenceSteps: number;
  timestepScaling: number;
  useKarrasSigmas: boolean;
  sigmaMin: number | null;
  sigmaMax: number | null;
  rescaleBetasZeroSnr: boolean;
}

export function resolveConfig(c: SchedulerConfig, defaults: Partial<ResolvedConfig>): ResolvedConfig {
  const base: ResolvedConfig = {
    numTrainTimesteps: 1000,
    betaStart: 0.0001,
    betaEnd: 0.02,
    betaSchedule: "linear",
    trainedBetas: null,
    predictionType: "epsilon",
    timestepSpacing: "linspace",
    stepsOffset: 0,
    setAlphaToOne: true,
    clipSample: false,
    clipSampleRange: 1,
    originalInferenceSteps: 50,
    timestepScaling: 10,
    useKarrasSigmas: false,
    sigmaMin: null,
    sigmaMax: null,
    rescaleBetasZeroSnr: false,
    ...defaults,
  };
  return {
    numTrainTimesteps: c.num_train_timesteps ?? base.numTrainTimesteps,
    betaStart: c.beta_start ?? base.betaStart,
    betaEnd: c.beta_end ?? base.betaEnd,
    betaSchedule: c.beta_schedule ?? base.betaSchedule,
    trainedBetas: c.trained_betas ?? base.trainedBetas,
    predictionType: c.prediction_type ?? base.predictionType,
    timestepSpacing: c.timestep_spacing ?? base.timestepSpacing,
    stepsOffset: c.steps_offset ?? base.stepsOffset,
    setAlphaToOne: c.set_alpha_to_one ?? base.setAlphaToOne,
    clipSample: c.clip_sample ?? base.clipSample,
    clipSampleRange: c.clip_sample_range ?? base.clipSampleRange,
    originalInferenceSteps: c.original_inference_steps ?? base.originalInferenceSteps,
    timestepScaling: c.timestep_scaling ?? base.timestepScaling,
    useKarrasSigmas: c.use_karras_sigmas ?? base.useKarrasSigmas,
    sigmaMin: c.sigma_min ?? base.sigmaMin,
    sigmaMax: c.sigma_max ?? base.sigmaMax,
    rescaleBetasZeroSnr: c.rescale_betas_zero_snr ?? base.rescaleBetasZeroSnr,
  };
}

/** β_t for t = 0 … N-1. "scaled_linear" (Stable Diffusion) is linear in √β. */
export function betas(c: ResolvedConfig): Float64Array {
  const n = c.numTrainTimesteps;
  if (c.trainedBetas) return Float64Array.from(c.trainedBetas);
  const out = new Float64Array(n);
  if (c.betaSchedule === "linear") {
    for (let i = 0; i < n; i++) out[i] = c.betaStart + ((c.betaEnd - c.betaStart) * i) / (n - 1);
  } else if (c.betaSchedule === "scaled_linear") {
    const a = Math.sqrt(c.betaStart);
    const b = Math.sqrt(c.betaEnd);
    for (let i = 0; i < n; i++) out[i] = (a + ((b - a) * i) / (n - 1)) ** 2;
  } else if (c.betaSchedule === "squaredcos_cap_v2") {
    const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < n; i++) out[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  } else {
    throw new Error(`beta_schedule "${String(c.betaSchedule)}" is not supported: use linear, scaled_linear or squaredcos_cap_v2`);
  }
  return out;
}

/**
 * Zero terminal SNR (Lin et al. 2023, Algorithm 1; diffusers' rescale_zero_terminal_snr): √ᾱ
 * shifted so that its last value is 0 and scaled so that its first is unchanged, then turned
 * back into betas (the last becomes 1).
 */
export function rescaleZeroTerminalSnr(b: Float64Array): Float64Array {
  const s = new Float64Array(b.length);
  let p = 1;
  for (let i = 0; i < b.length; i++) s[i] = Math.sqrt((p *= 1 - b[i]!));
  const s0 = s[0]!;
  const sT = s[s.length - 1]!;
  const bar = s.map((v) => (((v - sT) * s0) / (s0 - sT)) ** 2);
  return bar.map((v, i) => 1 - (i === 0 ? v : v / bar[i - 1]!));
}

/** ᾱ_t = ∏_{s≤t} (1 − β_s). */
export function alphasCumprod(c: ResolvedConfig): Float64Array {
  const b = c.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas(c)) : betas(c);
  const out = new Float64Array(b.length);
  let p = 1;
  for (let i = 0; i < b.length; i++) out[i] = p *= 1 - b[i]!;
  return out;
}

/**
 * The inference timesteps, largest first. linspace: evenly over [0, N−1] (fractional);
 * leading: multiples of N//n plus steps_offset; trailing: from N−1 down in steps of N/n.
 */
export function spacedTimesteps(c: ResolvedConfig, steps: number, integer: boolean): number[] {
  const n = c.numTrainTimesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > n) throw new Error(`steps must be from 1 to ${n}, not ${steps}`);
  let ts: number[];
  if (c.timestepSpacing === "linspace") {
    ts = Array.from({ length: steps }, (_, i) => (steps === 1 ? 0 : ((n - 1) * i) / (steps - 1))).reverse();
    if (integer) ts = ts.map(roundHalfEven);
  } else if (c.timestepSpacing === "leading") {
    const ratio = Math.floor(n / steps);
    ts = Array.from({ length: steps }, (_, i) => i * ratio + c.stepsOffset).reverse();
  } else if (c.timestepSpacing === "trailing") {
    const ratio = n / steps;
    // numpy.arange(N, 0, −N/n): element i is N − i·ratio.
    ts = Array.from({ length: steps }, (_, i) => roundHalfEven(n - i * ratio) - 1);
  } else {
    throw new Error(`timestep_spacing "${String(c.timestepSpacing)}" is not supported: use linspace, leading or trailing`);
  }
  return ts;
}

/** numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Linear interpolation of a table indexed 0 … len−1 (numpy.interp on integer knots). */
export function interpolate(table: Float64Array, t: number): number {
  if (t <= 0) return table[0]!;
  if (t >= table.length - 1) return table[table.length - 1]!;
  const i = Math.floor(t);
  const f = t - i;
  return table[i]! * (1 - f) + table[i + 1]! * f;
}

/** x̂₀ from the model output, for the ᾱ-parameterised schedulers (DDIM, LCM). */
export function predictOriginal(type: PredictionType, out: number, x: number, alphaProd: number): number {
  const beta = 1 - alphaProd;
  if (type === "epsilon") return (x - Math.sqrt(beta) * out) / Math.sqrt(alphaProd);
  if (type === "v_prediction") return Math.sqrt(alphaProd) * x - Math.sqrt(beta) * out;
  return out;
}
