import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { presets, slug } from "../../src/engines/diffusion/index.ts";
import { readPngText } from "../../src/images/index.ts";
import { runGenlab } from "../support/cli.ts";
import { readZip } from "../support/read-zip.ts";
import { tempDir } from "../support/config.ts";
import { writeTinySd } from "../support/tiny-sd.ts";

let model: string;
beforeAll(() => {
  model = writeTinySd(join(tempDir("genlab-cli-sd-"), "tiny-sd"));
});

describe("genlab imagine / genlab dataset on a tiny local Stable Diffusion", () => {
  it("imagine writes a 2×2 grid with its provenance in the PNG", async () => {
    const out = join(tempDir("genlab-cli-imagine-"), "street.png");
    const r = await runGenlab(["imagine", "a cyberpunk street", "--n", "4", "--steps", "2", "--seed", "9", "--out", out], { SD_MODEL_DIR: model, GENLAB_ONNX_PROVIDER: "cpu" });
    expect(r.stderr).toMatch(/^Wrote 4 images of "a cyberpunk street" \(genlab\/tiny-sd, seed 9, 64×64, 2 steps\) to .*street\.png in [\d.]+ s\.$/m);
    expect(r.code).toBe(0);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([258, 258]);
    expect(JSON.parse(readPngText(readFileSync(out))["genlab:params"]!)).toMatchObject({ prompt: "a cyberpunk street", seeds: [9, 10, 11, 12], scheduler: "euler" });
  });

  it("dataset --preset lab1 --per-prompt 2 writes a folder per prompt, metadata.csv/jsonl, a contact sheet and a zip", async () => {
    const out = join(tempDir("genlab-cli-dataset-"), "lab1");
    const r = await runGenlab(["dataset", "--preset", "lab1", "--per-prompt", "2", "--steps", "2", "--seed", "40", "--out", out, "--zip"], { SD_MODEL_DIR: model, GENLAB_ONNX_PROVIDER: "cpu" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Wrote 10 images of 5 prompts \(genlab\/tiny-sd, seeds 40–49\) to .*lab1 in [\d.]+ s: metadata\.csv, metadata\.jsonl, contact-sheet\.png, dataset\.zip \(\d+ KB\)\./);
    const folders = presets.lab1!.prompts.map(slug);
    expect(folders).toContain("a-cyberpunk-street-at-night-with-neon-signs-and-rain");
    expect(readdirSync(out).sort()).toEqual([...folders, "contact-sheet.png", "dataset.zip", "metadata.csv", "metadata.jsonl"].sort());
    for (const f of folders) expect(readdirSync(join(out, f))).toEqual(["000.png", "001.png"]);

    const rows = readFileSync(join(out, "metadata.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(10);
    expect(rows[3]).toMatchObject({ file: `${folders[1]}/001.png`, prompt: presets.lab1!.prompts[1], seed: 43, model: "genlab/tiny-sd", params: { steps: 2, width: 64, height: 64 } });
    const { createHash } = await import("node:crypto");
    expect(rows[3]!.sha256).toBe(createHash("sha256").update(readFileSync(join(out, rows[3]!.file as string))).digest("hex"));
    const csv = readFileSync(join(out, "metadata.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("file,prompt,seed,model,model_sha256,params,sha256,note");
    expect(csv).toHaveLength(11);
    const sheet = await sharp(join(out, "contact-sheet.png")).metadata();
    expect([sheet.width, sheet.height]).toEqual([2 * 128 + 2, 5 * 128 + 4 * 2]);
    // The zip, read by Python's zipfile: every image under its folder, then the metadata and the
    // contact sheet, each byte for byte the file on disk (images: the sha256 in their row).
    const zip = await readZip(join(out, "dataset.zip"));
    expect(zip.bad).toBeNull();
    const names = [...rows.map((row) => row.file as string), "metadata.csv", "metadata.jsonl", "contact-sheet.png"];
    expect(zip.entries.map((e) => e.name)).toEqual(names);
    for (const [i, e] of zip.entries.entries()) {
      const onDisk = readFileSync(join(out, e.name));
      expect(e).toEqual({ name: names[i], size: onDisk.length, method: e.name.endsWith(".png") ? 0 : 8, sha256: createHash("sha256").update(onDisk).digest("hex") });
      if (i < rows.length) expect(e.sha256).toBe(rows[i]!.sha256);
    }
  });

  it.each([
    [["imagine", "a city", "--out", "/tmp/genlab-never.png"], {}, /^genlab: Stable Diffusion is not set up here: no model — set SD_MODEL_DIR to an exported ONNX model, or HF_TOKEN for Hugging Face Inference/],
    [["imagine", "a city", "--out", "/tmp/genlab-never.png"], { SD_MODEL_DIR: "/nonexistent/sd" }, /^genlab: Stable Diffusion is not set up here: SD_MODEL_DIR points to \/nonexistent\/sd, which does not exist/],
    [["dataset", "--preset", "faces", "--out", "/tmp/genlab-never"], {}, /^genlab: There is no prompt preset "faces": use lab1 or xray\.$/],
  ])("%j fails with one sentence naming what to set", async (args, env, message) => {
    const r = await runGenlab(args, env as Record<string, string>);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(existsSync("/tmp/genlab-never")).toBe(false);
  });
});
