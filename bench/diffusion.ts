/**
 * Pipeline overhead of GenLab's local Stable Diffusion, outside the model runs: tokenizing,
 * scheduler steps, guidance, tensor conversion, latent scaling, VAE output → RGB, and PNG
 * encoding — everything GenLab adds around onnxruntime. Measured on the tiny test models (whose
 * runs take almost nothing) at the real image size, so the numbers are GenLab's own cost per
 * image; on a real SD 1.5 the UNet alone takes ~1.4 s on an H100 and minutes on a CPU.
 *
 *   npx tsx bench/diffusion.ts [--size 512] [--steps 25] [--images 5] [--scheduler euler] [--fp16]
 *
 * Prints a table, then one JSON line.
 */
import { join } from "node:path";
import { StableDiffusionPipeline, type PipelineProfile } from "../src/engines/diffusion/index.ts";
import type { SchedulerName } from "../src/engines/diffusion/schedulers/index.ts";
import { toPng } from "../src/images/encode.ts";
import { tempDir } from "../tests/support/config.ts";
import { writeTinySd } from "../tests/support/tiny-sd.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const size = Number(arg("size", "512"));
const steps = Number(arg("steps", "25"));
const images = Number(arg("images", "5"));
const scheduler = arg("scheduler", "euler") as SchedulerName;
const fp16 = process.argv.includes("--fp16");

const dir = writeTinySd(join(tempDir("genlab-bench-sd-"), "tiny-sd"), { fp16, sampleSize: size / 8 });
const pipeline = await StableDiffusionPipeline.load(dir, { provider: "cpu", threads: 1 });
const request = { prompt: "a cyberpunk street at night with neon signs and rain", negativePrompt: "blurry, low quality", width: size, height: size, steps, guidance: 7.5, seed: 1, scheduler };
await pipeline.generate(request); // warm-up: session arenas, JIT

const zero = (): PipelineProfile => ({ textEncoderMs: 0, unetMs: 0, vaeMs: 0, totalMs: 0, unetRuns: 0 });
const profile = zero();
let pngMs = 0;
let tokenizeMs = 0;
for (let i = 0; i < images; i++) {
  const t = performance.now();
  pipeline.tokenizer.encode(request.prompt + ` ${i}`); // an uncached prompt, as a new request is
  pipeline.tokenizer.encode(request.negativePrompt + ` ${i}`);
  tokenizeMs += performance.now() - t;
  const image = await pipeline.generate({ ...request, seed: i }, { profile });
  const p = performance.now();
  await toPng(image);
  pngMs += performance.now() - p;
}

const per = (ms: number) => ms / images;
const modelMs = per(profile.textEncoderMs + profile.unetMs + profile.vaeMs);
const pipelineOverheadMs = per(profile.totalMs) - modelMs;
const overheadMs = pipelineOverheadMs + per(pngMs);
const totalMs = per(profile.totalMs + pngMs);
const row = (label: string, ms: number) => `${label.padEnd(46)} ${ms.toFixed(2).padStart(9)} ms  ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %`;
console.log(`Local SD pipeline on tiny ONNX models, ${size}×${size}, ${steps} ${scheduler} steps, CFG 7.5 (batch 2), ${fp16 ? "fp16" : "fp32"}, ${images} images, 1 thread`);
console.log(row("model runs (text encoder ×2, UNet, VAE)", modelMs));
console.log(row("  of which UNet", per(profile.unetMs)));
console.log(row("pipeline overhead (tokenize, scheduler, CFG,", pipelineOverheadMs));
console.log(row("  tensor conversion, latents, RGB)", 0).replace(/\s+0\.00 ms\s+0\.0 %$/, ""));
console.log(row("  of which tokenizing both prompts (uncached)", per(tokenizeMs)));
console.log(row("PNG encoding", per(pngMs)));
console.log(row("GenLab overhead outside the model runs", overheadMs));
console.log(row("total per image", totalMs));
console.log(JSON.stringify({ bench: "diffusion-overhead", size, steps, scheduler, fp16, images, perImageMs: { model: modelMs, unet: per(profile.unetMs), pipelineOverhead: pipelineOverheadMs, tokenize: per(tokenizeMs), png: per(pngMs), overhead: overheadMs, total: totalMs }, overheadShare: overheadMs / totalMs }));
