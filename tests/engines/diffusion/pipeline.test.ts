import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { StableDiffusionPipeline, type TextToImageRequest } from "../../../src/engines/diffusion/local/pipeline.ts";
import { tempDir } from "../../support/config.ts";
import { writeTinySd } from "../../support/tiny-sd.ts";

const base: TextToImageRequest = { prompt: "a cyberpunk street", negativePrompt: "", width: 64, height: 64, steps: 4, guidance: 7.5, seed: 42, scheduler: "euler" };
let fp32: StableDiffusionPipeline;
let fp16: StableDiffusionPipeline;

beforeAll(async () => {
  const root = tempDir("genlab-tiny-sd-");
  fp32 = await StableDiffusionPipeline.load(writeTinySd(join(root, "fp32")), { provider: "cpu", threads: 1 });
  fp16 = await StableDiffusionPipeline.load(writeTinySd(join(root, "fp16"), { fp16: true, timestepType: "float16", inputIdsType: "int64" }), { provider: "cpu", threads: 1 });
});

const differs = (a: Uint8Array, b: Uint8Array) => a.some((v, i) => v !== b[i]);

describe("local Stable Diffusion pipeline on tiny ONNX models", () => {
  it("draws an RGB image of the asked size, the same for the same seed, different for another", async () => {
    const a = await fp32.generate(base);
    expect([a.width, a.height, a.channels, a.data.length]).toEqual([64, 64, 3, 64 * 64 * 3]);
    expect(new Set(a.data).size).toBeGreaterThan(20); // a picture, not a flat fill
    expect(Buffer.from((await fp32.generate(base)).data).equals(Buffer.from(a.data))).toBe(true);
    expect(differs((await fp32.generate({ ...base, seed: 43 })).data, a.data)).toBe(true);
    const wide = await fp32.generate({ ...base, width: 96, height: 64 });
    expect([wide.width, wide.height]).toEqual([96, 64]);
  });

  it("varies an image: latents slerped from its seed's towards another's stay closer to it than another seed's image", async () => {
    const a = await fp32.generate(base);
    const other = await fp32.generate({ ...base, seed: base.seed + 100 });
    const near = await fp32.generate({ ...base, variation: { seed: base.seed + 100, strength: 0.3 } });
    const full = await fp32.generate({ ...base, variation: { seed: base.seed + 100, strength: 1 } });
    const dist = (x: Uint8Array, y: Uint8Array) => x.reduce((m, v, i) => m + Math.abs(v - y[i]!), 0) / x.length;
    expect(dist(near.data, a.data)).toBeLessThan(dist(other.data, a.data));
    expect(dist(near.data, a.data)).toBeGreaterThan(0);
    // Strength 1 is the other seed's noise itself (up to float rounding in the slerp).
    expect(dist(full.data, other.data)).toBeLessThan(0.5);
  });

  it("uses the prompt, the negative prompt and the guidance scale", async () => {
    const a = await fp32.generate(base);
    expect(differs((await fp32.generate({ ...base, prompt: "a quiet village" })).data, a.data)).toBe(true);
    expect(differs((await fp32.generate({ ...base, negativePrompt: "blurry" })).data, a.data)).toBe(true);
    expect(differs((await fp32.generate({ ...base, guidance: 3 })).data, a.data)).toBe(true);
    // Without guidance the negative prompt cannot matter: the unconditional branch is not run.
    const plain = await fp32.generate({ ...base, guidance: 1 });
    expect(Buffer.from((await fp32.generate({ ...base, guidance: 1, negativePrompt: "blurry" })).data).equals(Buffer.from(plain.data))).toBe(true);
  });

  it("runs one UNet call per step with the cond/uncond pair batched, and reports progress", async () => {
    const steps: number[] = [];
    const profile = { textEncoderMs: 0, unetMs: 0, vaeMs: 0, totalMs: 0, unetRuns: 0 };
    await fp32.generate({ ...base, steps: 5 }, { onStep: (done, total) => steps.push(done / total), profile });
    expect(steps).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(profile.unetRuns).toBe(5);
    expect(profile.totalMs).toBeGreaterThan(profile.unetMs);
    // The batch is (uncond, cond): a scale just above 1 must land next to the conditional-only image.
    const condOnly = await fp32.generate({ ...base, guidance: 1 });
    const barely = await fp32.generate({ ...base, guidance: 1.0001 });
    const far = await fp32.generate({ ...base, guidance: 1.5 });
    const gap = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(gap(barely.data, condOnly.data)).toBeLessThanOrEqual(1);
    expect(gap(far.data, condOnly.data)).toBeGreaterThan(1);
  });

  it.each(["euler", "euler-a", "ddim", "lcm"] as const)("samples with %s, reproducibly", async (scheduler) => {
    const a = await fp32.generate({ ...base, scheduler });
    expect(Buffer.from((await fp32.generate({ ...base, scheduler })).data).equals(Buffer.from(a.data))).toBe(true);
  });

  it("runs an fp16 export (Uint16Array tensors, int64 ids, float16 timestep) close to the fp32 one", async () => {
    const a = await fp16.generate(base);
    const b = await fp32.generate(base);
    expect([a.width, a.height]).toEqual([64, 64]);
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
    expect(worst).toBeLessThanOrEqual(12); // half precision rounding, not a different picture
    expect(differs(a.data, b.data)).toBe(true); // but really computed in half precision
  });

  it("stops when the signal is aborted", async () => {
    const abort = new AbortController();
    const run = fp32.generate({ ...base, steps: 20 }, { signal: abort.signal, onStep: (done) => done === 2 && abort.abort(new Error("cancelled by the user")) });
    await expect(run).rejects.toThrow("cancelled by the user");
  });
});
