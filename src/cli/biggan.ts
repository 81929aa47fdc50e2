import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import { BigGanEngine } from "../engines/biggan/index.ts";
import type { GenerationResult } from "../engines/types.ts";
import { animatedGif, gridPng, toPng } from "../images/encode.ts";
import { withProvenance } from "./provenance.ts";

const common = {
  truncation: { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
  "model-dir": { type: "string" },
  json: { type: "boolean" },
} as const;

/** `genlab biggan --class 207 --n 4 [--truncation 0.4] [--seed S] --out FILE.png [--model-dir DIR] [--json]` */
export async function bigganCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...common, class: { type: "string" }, n: { type: "string" } } });
  const out = requireOut(values.out, "biggan");
  const engine = engineFor(values["model-dir"]);
  const p = engine.validate({ class: values.class, n: values.n ?? 4, truncation: values.truncation, seed: values.seed });
  const { result, ms } = await timed(() => engine.generate(p, { signal: AbortSignal.timeout(10 * 60_000) }));
  // The grid, then each image alone with its own seed in the name (image i is drawn from seed + i).
  const seeds = result.params.imageSeeds as number[];
  const files = [out];
  writeFileSync(out, withProvenance(await gridPng(result.images), "biggan", result, { "genlab:index": "grid" }));
  for (const [i, img] of result.images.entries()) {
    const file = siblingName(out, `${p.class.replace(/[:,]/g, "_")}-seed${seeds[i]}`, ".png");
    writeFileSync(file, withProvenance(await toPng(img), "biggan", result, { "genlab:index": String(i), "genlab:image-seed": String(seeds[i]) }));
    files.push(file);
  }
  report(values.json, result, files, ms, `${p.n} ${result.params.className} image${p.n > 1 ? "s" : ""} (seed ${p.seed}, truncation ${result.params.truncation})`);
  return 0;
}

/** `genlab biggan-interpolate --from 207 --to 208 [--steps 8] [--seed S] [--to-seed T] [--truncation 0.4] --out FILE.png [--gif FILE.gif]` */
export async function bigganInterpolateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...common, from: { type: "string" }, to: { type: "string" }, steps: { type: "string" }, "to-seed": { type: "string" }, gif: { type: "string" } } });
  const out = requireOut(values.out, "biggan-interpolate");
  const engine = engineFor(values["model-dir"]);
  const p = engine.validate({ mode: "interpolate", class: values.from, to: values.to ?? values.from, steps: values.steps, truncation: values.truncation, seed: values.seed, toSeed: values["to-seed"] });
  const { result, ms } = await timed(() => engine.generate(p, { signal: AbortSignal.timeout(10 * 60_000) }));
  const gif = values.gif ?? siblingName(out, "", ".gif");
  writeFileSync(out, withProvenance(await gridPng(result.images, { columns: result.presentation?.columns }), "biggan", result, { "genlab:index": "strip" }));
  writeFileSync(gif, await animatedGif(result.images, result.presentation?.animationFrameMs ?? 150));
  report(values.json, result, [out, gif], ms, `${p.steps} frames from ${result.params.className} to ${result.params.toClassName}`);
  return 0;
}

function engineFor(modelDir: string | undefined): BigGanEngine {
  const config = loadConfig();
  const dir = modelDir ?? config.BIGGAN_MODEL_DIR;
  if (!dir) throw new UserFacingError("BigGAN needs a model folder: pass --model-dir DIR or set BIGGAN_MODEL_DIR (export one with scripts/export-biggan.py).");
  return new BigGanEngine({
    modelDir: dir,
    provider: config.GENLAB_ONNX_PROVIDER,
    threads: config.GENLAB_ONNX_THREADS,
    onFallback: () => process.stderr.write("CUDA is not available to onnxruntime here: running on the CPU.\n"),
  });
}

function requireOut(out: string | undefined, command: string): string {
  if (!out) throw new UserFacingError(`genlab ${command} needs --out FILE.png.`);
  if (extname(out).toLowerCase() !== ".png") throw new UserFacingError(`--out must name a .png file, not ${out}.`);
  mkdirSync(dirname(out), { recursive: true });
  return out;
}

/** out.png → out-<suffix><ext>, beside it. */
function siblingName(out: string, suffix: string, ext: string): string {
  return join(dirname(out), `${basename(out, extname(out))}${suffix ? `-${suffix}` : ""}${ext}`);
}

async function timed(run: () => Promise<GenerationResult>): Promise<{ result: GenerationResult; ms: number }> {
  const t0 = performance.now();
  const result = await run();
  return { result, ms: performance.now() - t0 };
}

function report(json: boolean | undefined, result: GenerationResult, files: string[], ms: number, what: string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ model: result.model, params: result.params, seed: result.seed, files, ms: Math.round(ms) })}\n`);
    return;
  }
  process.stderr.write(`Wrote ${what} from ${result.model.name} on ${String(result.params.provider).toUpperCase()} in ${ms.toFixed(0)} ms:\n${files.map((f) => `  ${f}`).join("\n")}\n`);
}
