import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createScheduler, DdimScheduler, EulerAncestralScheduler, EulerScheduler, LcmScheduler, schedulerForClass, type NoiseSource } from "../../../src/engines/diffusion/schedulers/index.ts";
import { spacedTimesteps, resolveConfig, roundHalfEven } from "../../../src/engines/diffusion/schedulers/config.ts";

/** Numbers computed by reference_schedulers.py from diffusers' equations (numpy, float64). */
type Ref = { timesteps: number[]; sigmas?: number[]; init_noise_sigma?: number; scaled?: number[]; prev: number[]; c_skip?: number; c_out?: number };
const ref = JSON.parse(readFileSync(new URL("./scheduler-reference.json", import.meta.url), "utf8")) as Record<string, Ref>;

// Stable Diffusion 1.5's scheduler_config.json (PNDM in the original; its noise schedule).
const sd15 = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: "scaled_linear", steps_offset: 1, set_alpha_to_one: false, clip_sample: false } as const;
const x = Float32Array.from([0.5, -1.2, 2.0, 0.1]);
const eps = Float32Array.from([0.3, 0.1, -0.7, 1.0]);
const z = [0.05, -0.4, 1.1, -2.0];
const noise = (): NoiseSource => {
  let i = 0;
  return { normal: () => z[i++ % z.length]! };
};
const scaled = (a: Float32Array, k: number) => a.map((v) => v * k);

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 4) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]!, `element ${i}`).toBeCloseTo(e, digits));
}

describe("Euler (σ parameterisation)", () => {
  it("linspace: timesteps, σ table and init noise σ of SD 1.5 (σ_max ≈ 14.6146)", () => {
    const s = new EulerScheduler(sd15);
    s.setTimesteps(10);
    const r = ref.euler_linspace_10_i0!;
    expectClose(s.timesteps, r.timesteps, 9);
    expectClose(s.sigmas, r.sigmas!, 6);
    expect(s.initNoiseSigma).toBeCloseTo(r.init_noise_sigma!, 6);
  });

  it.each(["euler_linspace_10_i0", "euler_linspace_10_i9"])("%s: scale_model_input and one step", (key) => {
    const r = ref[key]!;
    const s = new EulerScheduler(sd15);
    s.setTimesteps(10);
    const index = key.endsWith("i0") ? 0 : 9;
    const sample = index === 0 ? scaled(x, 14.6) : x;
    expectClose(s.scaleModelInput(sample, index), r.scaled!);
    expectClose(s.step(eps, index, sample), r.prev, 3);
  });

  it("leading spacing adds steps_offset and widens the initial noise to √(σ²+1)", () => {
    const s = new EulerScheduler({ ...sd15, timestep_spacing: "leading" });
    s.setTimesteps(10);
    const r = ref.euler_leading_10!;
    expect(s.timesteps).toEqual(r.timesteps);
    expectClose(s.sigmas, r.sigmas!, 6);
    expect(s.initNoiseSigma).toBeCloseTo(r.init_noise_sigma!, 6);
    expectClose(s.step(eps, 3, x), r.prev, 4);
  });

  it("trailing spacing: SD-Turbo's one step from t=999 lands on x̂₀ (σ_next = 0)", () => {
    const s = new EulerScheduler({ ...sd15, timestep_spacing: "trailing" });
    s.setTimesteps(1);
    const r = ref.euler_trailing_1!;
    expect(s.timesteps).toEqual([999]);
    const sample = scaled(x, 14.6);
    expectClose(s.step(eps, 0, sample), r.prev, 3);
    const x0 = sample.map((v, i) => v - s.sigmas[0]! * eps[i]!);
    expectClose(s.step(eps, 0, sample), Array.from(x0), 3);
    const four = new EulerScheduler({ ...sd15, timestep_spacing: "trailing" });
    four.setTimesteps(4);
    expect(four.timesteps).toEqual(ref.euler_trailing_4!.timesteps);
    expectClose(four.step(eps, 1, x), ref.euler_trailing_4!.prev, 4);
  });

  it("v-prediction", () => {
    const s = new EulerScheduler({ ...sd15, prediction_type: "v_prediction" });
    s.setTimesteps(10);
    expectClose(s.step(eps, 2, x), ref.euler_v_linspace_10_i2!.prev, 4);
  });
});

describe("Euler ancestral", () => {
  it("steps to σ_down and adds σ_up of the given noise", () => {
    const s = new EulerAncestralScheduler(sd15);
    s.setTimesteps(10);
    const r = ref.euler_a_linspace_10_i4!;
    expectClose(s.scaleModelInput(x, 4), r.scaled!);
    expectClose(s.step(eps, 4, x, noise()), r.prev, 4);
    // Different noise, different result: the noise is really used.
    expect(s.step(eps, 4, x, { normal: () => 0 })[0]).not.toBeCloseTo(r.prev[0]!, 3);
  });
});

describe("DDIM (η = 0)", () => {
  it("leading timesteps with steps_offset 1, a middle step and the last (ᾱ_prev = ᾱ_0 when set_alpha_to_one is false)", () => {
    const s = new DdimScheduler(sd15);
    s.setTimesteps(50);
    expect(s.timesteps).toEqual(ref.ddim_leading_50_i0!.timesteps);
    expect(s.initNoiseSigma).toBe(1);
    expect(s.scaleModelInput(x)).toBe(x);
    expectClose(s.step(eps, 0, x), ref.ddim_leading_50_i0!.prev, 5);
    expectClose(s.step(eps, 49, x), ref.ddim_leading_50_i49!.prev, 5);
  });
});

describe("LCM", () => {
  it("timesteps from the 50-step distillation schedule, boundary scalings, a re-noised step and a final step", () => {
    const s = new LcmScheduler({ beta_start: 0.00085, beta_end: 0.012, beta_schedule: "scaled_linear" });
    s.setTimesteps(4);
    expect(s.timesteps).toEqual(ref.lcm_4_i1!.timesteps);
    const sc = s.scalings(s.timesteps[1]!);
    expect(sc.cSkip).toBeCloseTo(ref.lcm_4_i1!.c_skip!, 12);
    expect(sc.cOut).toBeCloseTo(ref.lcm_4_i1!.c_out!, 9);
    expectClose(s.step(eps, 1, x, noise()), ref.lcm_4_i1!.prev, 4);
    expectClose(s.step(eps, 3, x, noise()), ref.lcm_4_i3!.prev, 4);
  });
});

describe("scheduler plumbing", () => {
  it("trailing spacing matches numpy.arange for step counts that do not divide 1000", () => {
    const c = resolveConfig({ timestep_spacing: "trailing" }, {});
    expect(spacedTimesteps(c, 3, true)).toEqual([999, 666, 332]);
    expect(spacedTimesteps(c, 7, true).slice(-3)).toEqual([428, 285, 142]);
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
  });

  it("picks the model's scheduler by class and falls back to Euler for classes it lacks", () => {
    expect(schedulerForClass("EulerAncestralDiscreteScheduler")).toBe("euler-a");
    expect(schedulerForClass("PNDMScheduler")).toBe("euler");
    expect(createScheduler("ddim", sd15).name).toBe("ddim");
    expect(() => new EulerScheduler(sd15).step(eps, 0, x)).toThrow(/call setTimesteps first/);
  });
});
