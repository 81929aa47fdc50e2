import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BigGanEngine, imageSeed, ImageNetClasses, slerp, truncatedNoise } from "../../../src/engines/biggan/index.ts";
import { EngineInputError, EngineUnavailableError } from "../../../src/engines/errors.ts";
import { tempDir } from "../../support/config.ts";
import { writeTinyBigGan, type TinyBigGan } from "../../support/tiny-biggan.ts";

const ctx = { signal: new AbortController().signal };
const classes = ImageNetClasses.load();

function engineFor(dir: string | undefined) {
  return new BigGanEngine({ modelDir: dir, provider: "cpu", threads: 1, classes });
}

/** Every pixel GenLab produced equals the hand-computed model output, to 8-bit rounding. */
function expectPixels(img: { data: Uint8Array }, want: Float32Array) {
  expect(img.data.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(img.data[i]! - (want[i]! + 1) * 127.5));
  expect(worst).toBeLessThanOrEqual(0.51 + 1e-3);
}

function oneHot(index: number, n = 1000) {
  const v = new Float32Array(n);
  v[index] = 1;
  return v;
}

describe("BigGAN engine on a real onnxruntime session", () => {
  let tiny: TinyBigGan;
  let engine: BigGanEngine;
  beforeAll(() => {
    tiny = writeTinyBigGan(join(tempDir("genlab-biggan-"), "tiny"), { externalData: true });
    engine = engineFor(tiny.dir);
  });

  it("says it is ready, with the model and how truncation is handled", () => {
    expect(engine.status()).toEqual({ ready: true, detail: "tiny-biggan, 8×8, truncation as an input (step 0.02); runs on CPU." });
  });

  it("draws n images of a class: image i is the model's output for truncated noise from seed + i", async () => {
    const p = engine.validate({ class: "golden retriever", n: 4, truncation: 0.5, seed: 7 });
    expect(p).toMatchObject({ mode: "sample", class: "207", n: 4, truncation: 0.5, seed: 7 });
    const r = await engine.generate(p, ctx);
    expect(r.images).toHaveLength(4);
    expect(r.params).toMatchObject({ className: "golden retriever", imageSeeds: [7, 8, 9, 10], provider: "cpu", truncation: 0.5 });
    expect(r.model.name).toBe("tiny-biggan");
    expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    r.images.forEach((img, i) => {
      expect(img).toMatchObject({ width: 8, height: 8, channels: 3 });
      expectPixels(img, tiny.expected(truncatedNoise(imageSeed(7, i), 128, 0.5), oneHot(207), 0.5));
    });
    expect(Buffer.from(r.images[0]!.data).equals(Buffer.from(r.images[1]!.data))).toBe(false);
  });

  it("is reproducible for a seed, and image i alone equals image i of a batch", async () => {
    const a = await engine.generate(engine.validate({ class: 207, n: 3, seed: 5 }), ctx);
    const b = await engine.generate(engine.validate({ class: 207, n: 1, seed: 6 }), ctx);
    expect(Buffer.from(b.images[0]!.data).equals(Buffer.from(a.images[1]!.data))).toBe(true);
  });

  it("mixes classes (weights normalised) and snaps truncation to the model's step", async () => {
    const p = engine.validate({ class: "207:1,208:3", n: 1, truncation: 0.333, seed: 1 });
    expect(p.class).toBe("207:0.25,208:0.75");
    const r = await engine.generate(p, ctx);
    expect(r.params).toMatchObject({ truncation: 0.34, truncationAsked: 0.333, className: "0.25 golden retriever + 0.75 Labrador retriever" });
    const mix = new Float32Array(1000);
    mix[207] = 0.25;
    mix[208] = 0.75;
    expectPixels(r.images[0]!, tiny.expected(truncatedNoise(1, 128, 0.34), mix, 0.34));
    expect(engine.reproduce(r.params)).toBe("class:207:0.25,208:0.75 n:1 truncation:0.333 seed:1");
  });

  it("interpolates: the ends are the plain samples, the noise is slerped and the classes lerped", async () => {
    const p = engine.validate({ mode: "interpolate", class: 207, to: "tabby", steps: 5, seed: 3, toSeed: 4, truncation: 0.4 });
    const r = await engine.generate(p, ctx);
    expect(r.images).toHaveLength(5);
    expect(r.presentation).toMatchObject({ columns: 5, animationFrameMs: 150 });
    const za = truncatedNoise(3, 128, 0.4);
    const zb = truncatedNoise(4, 128, 0.4);
    expectPixels(r.images[0]!, tiny.expected(za, oneHot(207), 0.4));
    expectPixels(r.images[4]!, tiny.expected(zb, oneHot(281), 0.4));
    const mid = new Float32Array(1000);
    mid[207] = 0.5;
    mid[281] = 0.5;
    expectPixels(r.images[2]!, tiny.expected(slerp(za, zb, 0.5), mid, 0.4));
  });

  it("varies an image: each new image's noise is slerped from that image's towards its own", async () => {
    const first = await engine.generate(engine.validate({ class: 207, n: 2, seed: 40, truncation: 0.5 }), ctx);
    const asked = engine.variations(first.params, 1)!;
    expect(asked).toEqual({ class: "207", n: 4, truncation: 0.5, variationOf: { seed: 41, strength: 0.3 } });
    const p = engine.validate({ ...asked, seed: 900 });
    const r = await engine.generate(p, ctx);
    const base = truncatedNoise(41, 128, 0.5);
    r.images.forEach((img, j) => expectPixels(img, tiny.expected(slerp(base, truncatedNoise(900 + j, 128, 0.5), 0.3), oneHot(207), 0.5)));
    expect(engine.variations({ ...first.params, mode: "interpolate" }, 0)).toBeUndefined();
  });

  it("refuses bad requests with one sentence each, before running anything", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ class: "golden retriver" }, /^"golden retriver" is not an ImageNet class name: did you mean "golden retriever" \(207\)\?$/],
      [{ class: 1000 }, /^There is no ImageNet class 1000: use a number from 0 to 999, or a class name\.$/],
      [{ class: -1 }, /^There is no ImageNet class -1/],
      [{ class: "crane" }, /^"crane" names 2 ImageNet classes: 134 \(the bird\) or 517 \(the machine\) — give the number\.$/],
      [{ class: 207, truncation: 0 }, /^truncation must be a number above 0 and at most 1 .*not 0\.$/],
      [{ class: 207, truncation: 1.5 }, /not 1\.5\.$/],
      [{ class: 207, n: 17 }, /^n must be a whole number from 1 to 16, not 17\.$/],
      [{ class: "207:0,208:1" }, /^The weight in "207:0" must be a positive number/],
      [{}, /^Give a class: a number from 0 to 999/],
    ];
    for (const [params, message] of bad) {
      const e = (() => {
        try {
          engine.validate(params);
        } catch (error) {
          return error;
        }
      })();
      expect(e, JSON.stringify(params)).toBeInstanceOf(EngineInputError);
      expect((e as Error).message).toMatch(message);
    }
  });
});

describe("BigGAN model folders", () => {
  it("handles NHWC output and truncation baked into several exports (snapping to the nearest)", async () => {
    const tiny = writeTinyBigGan(join(tempDir("genlab-biggan-"), "baked"), { layout: "NHWC", truncation: [0.4, 1], resolution: 4 });
    const engine = engineFor(tiny.dir);
    expect(engine.status().detail).toBe("tiny-biggan, 4×4, truncation baked at 0.4, 1; runs on CPU.");
    const r = await engine.generate(engine.validate({ class: 1, n: 2, truncation: 0.5, seed: 9 }), ctx);
    expect(r.params).toMatchObject({ truncation: 0.4, truncationAsked: 0.5 });
    expect(r.presentation?.note).toMatch(/truncation 0\.4 \(nearest the model has to 0\.5\)/);
    expectPixels(r.images[1]!, tiny.expected(truncatedNoise(10, 128, 0.4), oneHot(1), 0.4));
    const hi = await engine.generate(engine.validate({ class: 1, n: 1, truncation: 0.9, seed: 9 }), ctx);
    expectPixels(hi.images[0]!, tiny.expected(truncatedNoise(9, 128, 1), oneHot(1), 1));
  });

  it("still runs an older export that takes a float32 truncation input", async () => {
    const tiny = writeTinyBigGan(join(tempDir("genlab-biggan-"), "legacy"), { truncation: "float32-input", resolution: 4 });
    const engine = engineFor(tiny.dir);
    const r = await engine.generate(engine.validate({ class: 5, n: 1, truncation: 0.7, seed: 2 }), ctx);
    expectPixels(r.images[0]!, tiny.expected(truncatedNoise(2, 128, 0.7), oneHot(5), 0.7));
  });

  it("says what to set when there is no model, and why a folder is not one", () => {
    expect(engineFor(undefined).status()).toEqual({ ready: false, detail: "no model — set BIGGAN_MODEL_DIR to a folder made by scripts/export-biggan.py." });
    const missing = engineFor("/nonexistent/biggan");
    expect(missing.status().detail).toBe("The BigGAN model folder /nonexistent/biggan does not exist: set BIGGAN_MODEL_DIR (or --model-dir) to a folder made by scripts/export-biggan.py.");
    const empty = tempDir("genlab-biggan-empty-");
    expect(engineFor(empty).status().detail).toBe(`${empty} has no manifest.json: it is not a BigGAN model folder made by scripts/export-biggan.py.`);
  });

  it("rejects a manifest with a wrong field, naming it", () => {
    const tiny = writeTinyBigGan(join(tempDir("genlab-biggan-"), "m"));
    const file = join(tiny.dir, "manifest.json");
    const m = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...m, output: { layout: "CHW" } }));
    expect(engineFor(tiny.dir).status()).toMatchObject({ ready: false, detail: expect.stringMatching(/manifest\.json: output\.layout .*NCHW.*NHWC/) });
  });

  it("verifies every file's sha256 before the first run: a changed weights file is refused", async () => {
    const tiny = writeTinyBigGan(join(tempDir("genlab-biggan-"), "tampered"), { externalData: true });
    const data = join(tiny.dir, "model.onnx.data");
    const bytes = readFileSync(data);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(data, bytes);
    const engine = engineFor(tiny.dir);
    const run = engine.generate(engine.validate({ class: 207, n: 1, seed: 1 }), ctx);
    await expect(run).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(run).rejects.toThrow(/^The BigGAN model file model\.onnx\.data in .* does not match the sha256 in manifest\.json \(expected [0-9a-f]{12}…, found [0-9a-f]{12}…\): copy or export the model again\.$/);
  });

  it("refuses a graph whose input names differ from the manifest", async () => {
    const tiny = writeTinyBigGan(join(tempDir("genlab-biggan-"), "names"));
    const file = join(tiny.dir, "manifest.json");
    const m = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...m, inputs: { z: "noise", classVector: "class_vector" } }));
    const engine = engineFor(tiny.dir);
    await expect(engine.generate(engine.validate({ class: 3, n: 1, seed: 1 }), ctx)).rejects.toThrow(/has inputs z, class_vector, truncation_row, truncation_weights, not noise as manifest\.json says/);
  });
});

describe("truncated noise", () => {
  it("stays within ±2·truncation, is seeded, and is close to a standard normal truncated at 2", () => {
    const a = truncatedNoise(42, 20000, 0.5);
    expect(truncatedNoise(42, 20000, 0.5)).toEqual(a);
    expect(truncatedNoise(43, 8, 0.5)).not.toEqual(a.slice(0, 8));
    let sum = 0;
    let sq = 0;
    for (const x of a) {
      expect(Math.abs(x)).toBeLessThanOrEqual(1);
      sum += x / 0.5;
      sq += (x / 0.5) ** 2;
    }
    // A N(0,1) truncated to [-2, 2] has mean 0 and variance 1 − 4φ(2)/(Φ(2)−Φ(−2)) ≈ 0.7737.
    expect(sum / a.length).toBeCloseTo(0, 1);
    expect(sq / a.length).toBeGreaterThan(0.75);
    expect(sq / a.length).toBeLessThan(0.8);
  });
});
