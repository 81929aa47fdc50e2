import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readPngText } from "../../src/images/index.ts";
import { runGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";

describe("genlab eval / genlab denoise", () => {
  it("eval --json prints exactly one JSON object with the distribution, FD and classifier", async () => {
    const dir = tempDir("genlab-cli-eval-");
    const chart = join(dir, "chart.png");
    const r = await runGenlab(["eval", "--model", "fashion-mnist-mlp-cond", "--n", "200", "--seed", "4", "--json", "--chart", chart], { GENLAB_DATA_DIR: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as Record<string, any>;
    expect(out.n).toBe(200);
    expect(Object.keys(out.distribution)).toEqual(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
    expect(Object.values(out.distribution as Record<string, { count: number }>).reduce((s, c) => s + c.count, 0)).toBe(200);
    expect(out.fd.value).toBeGreaterThan(0);
    expect(out.fd.kind).toMatch(/not Inception FID/);
    expect(out.class_accuracy).toBeGreaterThan(0.5);
    expect(out.classifier).toMatchObject({ name: "fashion-mnist-cnn" });
    expect(out.classifier.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The real-set statistics were cached under the data dir, keyed by the classifier's sha256.
    expect(existsSync(join(dir, "eval-cache", `real-${out.classifier.sha256}.json`))).toBe(true);
    const meta = await sharp(chart).metadata();
    expect(meta.format).toBe("png");
    expect(readPngText(readFileSync(chart))["genlab:model"]).toBe("fashion-mnist-mlp-cond");
  });

  it("eval of an unconditional model reports class_accuracy null", async () => {
    const dir = tempDir("genlab-cli-eval-");
    const r = await runGenlab(["eval", "--model", "mnist-mlp", "--n", "100", "--seed", "1", "--json"], { GENLAB_DATA_DIR: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.class_accuracy).toBeNull();
    expect(out.classifier).toMatchObject({ name: "mnist-cnn" });
  });

  it("denoise draws three labelled rows and prints PSNR/SSIM as JSON", async () => {
    const dir = tempDir("genlab-cli-denoise-");
    const png = join(dir, "d.png");
    const r = await runGenlab(["denoise", "--model", "mnist-mlp", "--sigma", "0.5", "--n", "2", "--seed", "2", "--out", png, "--json"], { GENLAB_DATA_DIR: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { sigma: number; noisy: { psnr: number; per_image: unknown[] }; inverted: { psnr: number; ssim: number } };
    expect(out.sigma).toBe(0.5);
    expect(out.noisy.per_image).toHaveLength(2);
    expect(Number.isFinite(out.inverted.psnr)).toBe(true);
    const meta = await sharp(png).metadata();
    // Label column + 2 cells of 112 px; title + 3 rows of (112 + caption + gap) + footer.
    expect([meta.width, meta.height]).toEqual([170 + 2 * (112 + 6) + 6, 50 + 3 * (112 + 16 + 6) + 40]);
  });

  it.each([
    [["eval", "--model", "/no/such/model"], /^genlab: \/no\/such\/model is not a GenLab GAN \(no model\.json\): /],
    [["eval", "--model", "nope"], /^genlab: There is no GAN model named "nope": choose one of /],
    [["eval", "--model", "mnist-mlp", "--n", "0"], /^genlab: n must be a whole number from 10 to 10000, not 0\.$/],
    [["denoise", "--model", "mnist-mlp"], /^genlab: genlab denoise needs --out FILE\.png\.$/],
    [["denoise", "--model", "mnist-mlp", "--sigma", "-1", "--out", "/tmp/x.png"], /^genlab: genlab denoise cannot read its options \(Option '--sigma' argument is ambiguous\): /],
  ])("%j fails with one sentence", async (args, message) => {
    const r = await runGenlab(args, {});
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
