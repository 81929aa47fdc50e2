import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EngineInputError } from "../../../src/engines/errors.ts";
import { loadDataset } from "../../../src/engines/gan/datasets/index.ts";
import { GanCatalog, GanEngine, trainGan } from "../../../src/engines/gan/index.ts";
import { tempDir } from "../../support/config.ts";

let engine: GanEngine;
const ctx = { signal: new AbortController().signal };

beforeAll(async () => {
  const dataset = await loadDataset("fashion-mnist", { limit: 640 });
  const models = tempDir("genlab-models-");
  for (const conditional of [false, true]) {
    const out = tempDir("genlab-train-");
    await trainGan({ dataset, arch: "mlp", conditional, epochs: 1, batch: 64, sampleEvery: 1, seed: 1, outDir: out, resume: false });
    cpSync(join(out, "model"), join(models, conditional ? "fashion-cond" : "fashion"), { recursive: true });
  }
  engine = new GanEngine(new GanCatalog([models]));
});

describe("GAN engine (/gan sample)", () => {
  it("lists its models and says it is ready", () => {
    expect(engine.catalog.names()).toEqual(["fashion", "fashion-cond"]);
    expect(engine.status()).toMatchObject({ ready: true, detail: expect.stringMatching(/^2 trained generators: fashion, fashion-cond\. MLPs train on (the native trainer \(OpenBLAS [\d.]+\), DCGANs on (the CPU|the GPU \(.+\))|TensorFlow\.js \(native trainer .+\))\.$/) });
  });

  it("uses the model marked default when none is named, else the first by name", () => {
    const catalog = engine.catalog;
    expect(catalog.defaultName()).toBe("fashion");
    const dir = catalog.resolve("fashion-cond");
    const manifestPath = join(dir, "model.json");
    const original = readFileSync(manifestPath, "utf8");
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(original), default: true }));
    try {
      // A fresh catalog: manifests are cached per catalog.
      expect(new GanCatalog([dirname(dir)]).defaultName()).toBe("fashion-cond");
      expect(new GanEngine(new GanCatalog([dirname(dir)])).validate({ n: 1, seed: 1 })).toMatchObject({ model: "fashion-cond" });
    } finally {
      writeFileSync(manifestPath, original);
    }
  });

  it("is deterministic for a seed, and records the model's sha256 and every parameter", async () => {
    const p = engine.validate({ model: "fashion", n: 4, seed: 99 });
    const a = await engine.generate(p, ctx);
    const b = await engine.generate(engine.validate({ model: "fashion", n: 4, seed: 99 }), ctx);
    const c = await engine.generate(engine.validate({ model: "fashion", n: 4, seed: 100 }), ctx);
    expect(a.images).toHaveLength(4);
    expect(a.images[0]).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(Buffer.from(a.images[2]!.data).equals(Buffer.from(b.images[2]!.data))).toBe(true);
    expect(Buffer.from(a.images[2]!.data).equals(Buffer.from(c.images[2]!.data))).toBe(false);
    expect(a.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.params).toMatchObject({ model: "fashion", n: 4, seed: 99, label: null });
    expect(a.seed).toBe(99);
  });

  it("draws a chosen class by number or name from a conditional model", async () => {
    const byName = engine.validate({ model: "fashion-cond", n: 2, seed: 1, label: "sneaker" });
    expect(byName.label).toBe(7);
    const r = await engine.generate(byName, ctx);
    expect(r.params).toMatchObject({ label: 7, class: "Sneaker" });
    expect(engine.validate({ model: "fashion-cond", label: "3" }).label).toBe(3);
  });

  it.each([
    [{ model: "fashion", n: 0 }, /^n must be a whole number from 1 to 64, not 0\.$/],
    [{ model: "fashion", n: 65 }, /^n must be a whole number from 1 to 64/],
    [{ model: "fashion", label: "3" }, /^fashion is not class-conditional, so it cannot draw a chosen class/],
    [{ model: "fashion-cond", label: "giraffe" }, /^label must be one of 0 \(T-shirt\/top\), 1 \(Trouser\)/],
    [{ model: "stylegan" }, /^There is no GAN model named "stylegan": choose one of fashion, fashion-cond\.$/],
    [{ model: "fashion", seed: -1 }, /^seed must be a whole number from 0 to 4294967295/],
  ])("refuses %o with one sentence", (params, message) => {
    expect(() => engine.validate(params)).toThrow(EngineInputError);
    expect(() => engine.validate(params)).toThrow(message);
  });

  it("picks a random seed when none is given, and records it", () => {
    const p = engine.validate({ model: "fashion" });
    expect(Number.isInteger(p.seed)).toBe(true);
    expect(p.n).toBe(16);
  });
});
