import { rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";
import { writeModel } from "../support/onnx-model.ts";
import { writeTinySd } from "../support/tiny-sd.ts";

/** What `genlab imagine` prints for a broken local model folder: one line, exit 1, no stack trace. */
const broken: [string, (dir: string) => void, RegExp][] = [
  ["a missing unet/model.onnx_data", (dir) => rmSync(join(dir, "unet/model.onnx_data")), /^genlab: Stable Diffusion is not set up here: The Stable Diffusion model in .* lacks unet\/model\.onnx_data: export it again/],
  ["a cut-short unet/model.onnx", (dir) => truncateSync(join(dir, "unet/model.onnx"), Math.floor(statSync(join(dir, "unet/model.onnx")).size / 2)), /^genlab: Stable Diffusion is not set up here: The Stable Diffusion model's unet\/model\.onnx in .* is not a whole ONNX model \([\d,]+ bytes; it is cut short\)/],
  ["no unet/config.json", (dir) => rmSync(join(dir, "unet/config.json")), /^genlab: Stable Diffusion is not set up here: The Stable Diffusion model in .* lacks unet\/config\.json/],
  [
    "a graph onnxruntime refuses",
    (dir) =>
      writeModel(join(dir, "unet/model.onnx"), {
        inputs: [{ name: "sample", type: "float32", dims: ["batch", 4, "height", "width"] }],
        outputs: [{ name: "out_sample", type: "float32", dims: ["batch", 4, "height", "width"] }],
        nodes: [{ op: "GenlabNoSuchOperator", inputs: ["sample"], outputs: ["out_sample"] }],
      }),
    /^genlab: onnxruntime could not load unet\/model\.onnx of the Stable Diffusion model in .*GenlabNoSuchOperator.*: export it again with scripts\/export-sd\.sh\.$/,
  ],
];

describe("genlab imagine on a broken local Stable Diffusion folder", () => {
  it.each(broken)("%s: one sentence, exit code 1", async (_what, breakIt, message) => {
    const dir = writeTinySd(join(tempDir("genlab-cli-sd-broken-"), "tiny-sd"), { hidden: 64, externalData: true });
    breakIt(dir);
    const out = join(tempDir("genlab-cli-sd-broken-out-"), "never.png");
    const r = await runGenlab(["imagine", "a city", "--steps", "2", "--out", out], { SD_MODEL_DIR: dir, GENLAB_ONNX_PROVIDER: "cpu" });
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.code).toBe(1);
  });
});
