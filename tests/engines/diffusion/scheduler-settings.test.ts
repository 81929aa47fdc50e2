import { describe, expect, it } from "vitest";
import { EngineInputError } from "../../../src/engines/errors.ts";
import { createScheduler, DdimScheduler, EulerScheduler, type SchedulerConfig } from "../../../src/engines/diffusion/schedulers/index.ts";
import { alphasCumprod, resolveConfig } from "../../../src/engines/diffusion/schedulers/config.ts";

/**
 * scheduler_config.json settings that change the math, against the published formulas computed
 * here in float64, independently of GenLab's code:
 * - Karras et al. 2022 (eq. 5), ρ = 7, as diffusers' _convert_to_karras: σ_i = (σ_max^{1/ρ} +
 *   i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ between the first and last σ of the ordinary schedule,
 *   then each σ back to a fractional timestep by linear interpolation of log σ (_sigma_to_t);
 * - Lin et al. 2023 (Algorithm 1), zero terminal SNR: √ᾱ shifted so its last value is 0 and
 *   scaled so its first is unchanged; Euler then sets ᾱ_{N−1} = 2⁻²⁴ so σ_max is finite (4096).
 */
const sd = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: "scaled_linear", num_train_timesteps: 1000 } as const;

function referenceAlphas(rescale: boolean): number[] {
  const n = 1000;
  const a = Math.sqrt(0.00085);
  const b = Math.sqrt(0.012);
  const out: number[] = [];
  let p = 1;
  for (let i = 0; i < n; i++) out.push((p *= 1 - (a + ((b - a) * i) / (n - 1)) ** 2));
  if (!rescale) return out;
  const s = out.map(Math.sqrt);
  const s0 = s[0]!;
  const sT = s[n - 1]!;
  return s.map((v) => ((v - sT) * s0) / (s0 - sT)).map((v) => v * v);
}

function referenceKarras(steps: number, rescale = false) {
  const ac = referenceAlphas(rescale);
  if (rescale) ac[ac.length - 1] = 2 ** -24;
  const sigmas = ac.map((v) => Math.sqrt((1 - v) / v));
  const logs = sigmas.map(Math.log);
  const ts = Array.from({ length: steps }, (_, i) => (999 * (steps - 1 - i)) / (steps - 1));
  const at = (t: number) => {
    const i = Math.min(Math.floor(t), 998);
    return sigmas[i]! + (sigmas[i + 1]! - sigmas[i]!) * (t - i);
  };
  const hi = at(ts[0]!) ** (1 / 7);
  const lo = at(ts[steps - 1]!) ** (1 / 7);
  const karras = Array.from({ length: steps }, (_, i) => (hi + (i / (steps - 1)) * (lo - hi)) ** 7);
  const toT = (sigma: number) => {
    const l = Math.log(sigma);
    let low = 0;
    for (let i = 0; i < logs.length - 1; i++) if (logs[i]! <= l) low = i;
    const w = Math.min(1, Math.max(0, (logs[low]! - l) / (logs[low]! - logs[low + 1]!)));
    return (1 - w) * low + w * (low + 1);
  };
  return { sigmas: [...karras, 0], timesteps: karras.map(toT) };
}

function expectClose(actual: readonly number[], expected: number[], digits: number) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]!, `element ${i}`).toBeCloseTo(e, digits));
}

describe("use_karras_sigmas (Euler)", () => {
  it("4 steps: σ from Karras' ρ = 7 ramp, timesteps [999, 687.15, 145.94, 0] as diffusers", () => {
    const s = new EulerScheduler({ ...sd, use_karras_sigmas: true });
    s.setTimesteps(4);
    const want = referenceKarras(4);
    expectClose(s.sigmas, want.sigmas, 9);
    expectClose(s.timesteps, want.timesteps, 6);
    expectClose(s.timesteps, [999, 687.15, 145.94, 0], 2);
    expect(s.initNoiseSigma).toBeCloseTo(want.sigmas[0]!, 9);
  });

  it("25 steps: every σ and timestep", () => {
    const s = createScheduler("euler", { ...sd, use_karras_sigmas: true }) as EulerScheduler;
    s.setTimesteps(25);
    const want = referenceKarras(25);
    expectClose(s.sigmas, want.sigmas, 9);
    expectClose(s.timesteps, want.timesteps, 6);
  });

  it("sigma_min / sigma_max bound the Karras ramp when the config sets them", () => {
    const s = new EulerScheduler({ ...sd, use_karras_sigmas: true, sigma_min: 0.1, sigma_max: 10 });
    s.setTimesteps(3);
    const mid = (10 ** (1 / 7) + 0.5 * (0.1 ** (1 / 7) - 10 ** (1 / 7))) ** 7;
    expectClose(s.sigmas, [10, mid, 0.1, 0], 9);
  });
});

describe("rescale_betas_zero_snr", () => {
  it("ᾱ follows Lin et al.'s rescale: the last is 0, the first unchanged", () => {
    const got = alphasCumprod(resolveConfig({ ...sd, rescale_betas_zero_snr: true }, {}));
    const want = referenceAlphas(true);
    expect(got[999]).toBe(0);
    expect(got[0]).toBeCloseTo(want[0]!, 12);
    for (const i of [1, 10, 250, 500, 900, 998]) expect(got[i]! / want[i]!, `ᾱ_${i}`).toBeCloseTo(1, 9);
  });

  it("Euler: initial σ 4096 (ᾱ_{N−1} = 2⁻²⁴), not 14.61; Karras on top of it", () => {
    const s = new EulerScheduler({ ...sd, rescale_betas_zero_snr: true });
    s.setTimesteps(4);
    expect(s.initNoiseSigma).toBeCloseTo(Math.sqrt((1 - 2 ** -24) / 2 ** -24), 6);
    expect(s.initNoiseSigma).toBeCloseTo(4096, 0);
    const k = new EulerScheduler({ ...sd, rescale_betas_zero_snr: true, use_karras_sigmas: true });
    k.setTimesteps(5);
    const want = referenceKarras(5, true);
    expectClose(k.sigmas, want.sigmas, 6);
    expectClose(k.timesteps, want.timesteps, 6);
  });

  it("Euler-a too, and DDIM steps on the rescaled ᾱ (v-prediction: x̂₀ = −ε̂ at ᾱ = 0)", () => {
    const a = createScheduler("euler-a", { ...sd, rescale_betas_zero_snr: true });
    a.setTimesteps(4);
    expect(a.initNoiseSigma).toBeCloseTo(4096, 0);
    const d = new DdimScheduler({ ...sd, rescale_betas_zero_snr: true, prediction_type: "v_prediction", timestep_spacing: "trailing", clip_sample: false });
    d.setTimesteps(4);
    expect(d.timesteps).toEqual([999, 749, 499, 249]);
    const x = Float32Array.of(0.7);
    const v = Float32Array.of(0.2);
    // At ᾱ_999 = 0: x̂₀ = √ᾱ·x − √(1−ᾱ)·v = −v, ε̂ = √ᾱ·v + √(1−ᾱ)·x = x; then x_prev = √ᾱ_749·x̂₀ + √(1−ᾱ_749)·ε̂.
    const a749 = referenceAlphas(true)[749]!;
    expect(d.step(v, 0, x)[0]).toBeCloseTo(Math.sqrt(a749) * -0.2 + Math.sqrt(1 - a749) * 0.7, 6);
  });
});

describe("settings GenLab does not implement are refused, never ignored", () => {
  const cases: [Parameters<typeof createScheduler>[0], SchedulerConfig & Record<string, unknown>, string][] = [
    ["euler", { use_exponential_sigmas: true }, "use_exponential_sigmas"],
    ["euler", { use_beta_sigmas: true }, "use_beta_sigmas"],
    ["euler", { interpolation_type: "log_linear" }, "interpolation_type"],
    ["euler", { timestep_type: "continuous" }, "timestep_type"],
    ["euler", { final_sigmas_type: "sigma_min" }, "final_sigmas_type"],
    ["euler-a", { use_karras_sigmas: true }, "use_karras_sigmas"],
    ["ddim", { use_karras_sigmas: true }, "use_karras_sigmas"],
    ["ddim", { thresholding: true }, "thresholding"],
    ["lcm", { thresholding: true }, "thresholding"],
  ];
  it.each(cases)("%s with %j: one sentence naming the key", (name, config, key) => {
    let error: unknown;
    try {
      createScheduler(name, { ...sd, ...config }).setTimesteps(4);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineInputError);
    const message = (error as Error).message;
    expect(message).toContain(key);
    expect(message.split(/[.!?](\s|$)/).filter((s) => s.trim()).length).toBe(1);
  });

  it("accepts those keys at their defaults, and keys that do not change the math (sigma_min only bounds a Karras ramp)", () => {
    const defaults = { use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false, interpolation_type: "linear", timestep_type: "discrete", final_sigmas_type: "zero", thresholding: false, sigma_max: null, rescale_betas_zero_snr: false, skip_prk_steps: true, sigma_min: 0.5, _diffusers_version: "0.27.2" };
    for (const name of ["euler", "euler-a", "ddim", "lcm"] as const) expect(() => createScheduler(name, { ...sd, ...defaults }).setTimesteps(4)).not.toThrow();
  });
});
