import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { readPngText } from "../../src/images/index.ts";
import { runGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";
import { writeTinyBigGan } from "../support/tiny-biggan.ts";

let modelDir: string;
beforeAll(() => {
  modelDir = writeTinyBigGan(join(tempDir("genlab-cli-biggan-"), "model"), { resolution: 16, externalData: true }).dir;
});

describe("genlab biggan", () => {
  it("--class 207 --n 4 writes a 2×2 grid and four PNGs named by their seed, each carrying its provenance", async () => {
    const out = join(tempDir("genlab-cli-biggan-out-"), "dogs.png");
    const r = await runGenlab(["biggan", "--class", "207", "--n", "4", "--seed", "10", "--out", out, "--model-dir", modelDir], { GENLAB_ONNX_PROVIDER: "cpu" });
    expect(r.stderr).toMatch(/^Wrote 4 golden retriever images \(seed 10, truncation 0\.4\) from tiny-biggan on CPU in \d+ ms:/);
    expect(r.code).toBe(0);
    const grid = await sharp(out).metadata();
    // 16-px images are upscaled ×8 to 128-px cells with a 2-px gutter.
    expect([grid.width, grid.height]).toEqual([2 * 128 + 2, 2 * 128 + 2]);
    for (const [i, seed] of [10, 11, 12, 13].entries()) {
      const file = join(out, "..", `dogs-207-seed${seed}.png`);
      const text = readPngText(readFileSync(file));
      expect(text).toMatchObject({ "genlab:engine": "biggan", "genlab:model": "tiny-biggan", "genlab:seed": "10", "genlab:image-seed": String(seed), "genlab:index": String(i) });
      expect(text["genlab:model-sha256"]).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(text["genlab:params"]!)).toMatchObject({ class: "207", className: "golden retriever", truncation: 0.4, n: 4 });
      expect((await sharp(file).metadata()).width).toBe(16);
    }
  });

  it("biggan-interpolate writes a strip and an animated GIF", async () => {
    const dir = tempDir("genlab-cli-biggan-int-");
    const r = await runGenlab(["biggan-interpolate", "--from", "golden retriever", "--to", "208", "--steps", "4", "--seed", "1", "--out", join(dir, "walk.png"), "--model-dir", modelDir, "--json"], { GENLAB_ONNX_PROVIDER: "cpu" });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; params: Record<string, unknown> };
    expect(report.files).toEqual([join(dir, "walk.png"), join(dir, "walk.gif")]);
    expect(report.params).toMatchObject({ mode: "interpolate", class: "207", to: "208", steps: 4, toSeed: 1 });
    expect((await sharp(join(dir, "walk.png")).metadata()).width).toBe(4 * 128 + 3 * 2);
    const gif = await sharp(join(dir, "walk.gif")).metadata();
    expect([gif.format, gif.pages, gif.loop]).toEqual(["gif", 4, 0]);
  });

  it("gives one sentence for a misspelt class, a bad truncation and a missing model folder", async () => {
    const out = join(tempDir("genlab-cli-biggan-bad-"), "x.png");
    const cases: [string[], Record<string, string>, string][] = [
      [["--class", "golden retriver", "--model-dir", modelDir], {}, `genlab: "golden retriver" is not an ImageNet class name: did you mean "golden retriever" (207)?\n`],
      [["--class", "1000", "--model-dir", modelDir], {}, "genlab: There is no ImageNet class 1000: use a number from 0 to 999, or a class name.\n"],
      [["--class", "207", "--truncation", "1.5", "--model-dir", modelDir], {}, "genlab: truncation must be a number above 0 and at most 1 (e.g. 0.4: lower is more typical, higher more varied), not 1.5.\n"],
      [["--class", "207"], {}, "genlab: BigGAN needs a model folder: pass --model-dir DIR or set BIGGAN_MODEL_DIR (export one with scripts/export-biggan.py).\n"],
      [["--class", "207"], { BIGGAN_MODEL_DIR: "/no/such/biggan" }, "genlab: The BigGAN model folder /no/such/biggan does not exist: set BIGGAN_MODEL_DIR (or --model-dir) to a folder made by scripts/export-biggan.py.\n"],
    ];
    for (const [args, env, message] of cases) {
      const r = await runGenlab(["biggan", ...args, "--out", out], env);
      expect(r.stderr).toBe(message);
      expect(r.code).toBe(1);
    }
  });
});
