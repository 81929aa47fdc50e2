import { rmSync, truncateSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineUnavailableError } from "../../../src/engines/errors.ts";
import { readModelFolder } from "../../../src/engines/diffusion/local/model-dir.ts";
import { StableDiffusionPipeline } from "../../../src/engines/diffusion/local/pipeline.ts";
import { onnxExternalDataFiles } from "../../../src/engines/runtime/onnx-files.ts";
import { tempDir } from "../../support/config.ts";
import { writeModel } from "../../support/onnx-model.ts";
import { writeTinySd } from "../../support/tiny-sd.ts";

/**
 * A broken local model folder is refused with one sentence that names the file, before onnxruntime
 * gets to print a stack trace: missing external data, a cut-short graph, no unet/config.json.
 */
const folder = (name: string, options: Parameters<typeof writeTinySd>[1] = {}) => writeTinySd(join(tempDir("genlab-sd-folder-"), name), options);

/** The one sentence readModelFolder throws, or a failure saying what came instead. */
function refusal(dir: string): string {
  try {
    readModelFolder(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineUnavailableError);
    return (error as Error).message;
  }
  throw new Error(`readModelFolder accepted ${dir}`);
}

describe("a local Stable Diffusion folder that cannot work is refused in one sentence", () => {
  it("reads the external data files a graph names, and runs such a model", async () => {
    const dir = folder("external", { hidden: 64, externalData: true });
    expect(onnxExternalDataFiles(join(dir, "unet/model.onnx"))).toEqual(["model.onnx_data"]);
    expect(onnxExternalDataFiles(join(dir, "vae_decoder/model.onnx"))).toEqual([]);
    const pipeline = await StableDiffusionPipeline.load(dir, { provider: "cpu", threads: 1 });
    const image = await pipeline.generate({ prompt: "a city", negativePrompt: "", width: 64, height: 64, steps: 2, guidance: 7.5, seed: 1, scheduler: "euler" });
    expect([image.width, image.height]).toEqual([64, 64]);
  });

  it("names a missing unet/model.onnx_data", () => {
    const dir = folder("no-data", { hidden: 64, externalData: true });
    rmSync(join(dir, "unet/model.onnx_data"));
    const message = refusal(dir);
    expect(message).toBe(`The Stable Diffusion model in ${dir} lacks unet/model.onnx_data: export it again with scripts/export-sd.sh (diffusers ONNX layout).`);
  });

  it("names a cut-short unet/model.onnx with its size", () => {
    const dir = folder("truncated");
    const graph = join(dir, "unet/model.onnx");
    truncateSync(graph, Math.floor(statSync(graph).size / 2));
    const message = refusal(dir);
    expect(message).toMatch(/^The Stable Diffusion model's unet\/model\.onnx in .* is not a whole ONNX model \([\d,]+ bytes; it is cut short\): copy it again or export it again with scripts\/export-sd\.sh\.$/);
  });

  it("names a file that is not ONNX at all (a Git LFS pointer, say)", () => {
    const dir = folder("lfs-pointer");
    writeFileSync(join(dir, "text_encoder/model.onnx"), "version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 492265168\n");
    expect(refusal(dir)).toMatch(/^The Stable Diffusion model's text_encoder\/model\.onnx in .* is not a whole ONNX model \(\d+ bytes; it is not a protobuf message\)/);
  });

  it("refuses a folder without unet/config.json instead of guessing 512×512, as diffusers cannot load such a UNet either", () => {
    const dir = folder("no-config");
    rmSync(join(dir, "unet/config.json"));
    expect(refusal(dir)).toBe(`The Stable Diffusion model in ${dir} lacks unet/config.json: export it again with scripts/export-sd.sh (diffusers ONNX layout).`);
    writeFileSync(join(dir, "unet/config.json"), JSON.stringify({ _class_name: "UNet2DConditionModel", in_channels: 4 }));
    expect(refusal(dir)).toBe(`The Stable Diffusion model in ${dir} has no sample_size in unet/config.json, so its image size is unknown: copy that file from the model's unet folder or export it again with scripts/export-sd.sh.`);
    writeFileSync(join(dir, "unet/config.json"), "{ not json");
    expect(refusal(dir)).toMatch(/unet\/config\.json is not valid JSON \(.*\): copy it again or export the model again with scripts\/export-sd\.sh\.$/);
  });

  it("turns what onnxruntime still refuses into one sentence naming the graph", async () => {
    const dir = folder("unknown-op");
    writeModel(join(dir, "unet/model.onnx"), {
      inputs: [{ name: "sample", type: "float32", dims: ["batch", 4, "height", "width"] }],
      outputs: [{ name: "out_sample", type: "float32", dims: ["batch", 4, "height", "width"] }],
      nodes: [{ op: "GenlabNoSuchOperator", inputs: ["sample"], outputs: ["out_sample"] }],
    });
    expect(readModelFolder(dir).imageSize).toBe(64); // the files are whole; the runtime is what refuses
    const load = StableDiffusionPipeline.load(dir, { provider: "cpu", threads: 1 });
    await expect(load).rejects.toBeInstanceOf(EngineUnavailableError);
    const message = await load.catch((e: Error) => e.message);
    expect(message).toMatch(/^onnxruntime could not load unet\/model\.onnx of the Stable Diffusion model in .* \(.*GenlabNoSuchOperator.*\): export it again with scripts\/export-sd\.sh\.$/);
    expect(message).not.toContain("\n");
  });
});
