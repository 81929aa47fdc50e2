import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import { DiffusionEngine, diffusionOptions, type DiffusionEngineOptions } from "../engines/diffusion/index.ts";
import { gridPng, toPng } from "../images/encode.ts";
import { addPngText } from "../images/png-text.ts";
import { ProgressBar } from "./progress.ts";

/** Flags both diffusion commands take, on top of the config (SD_MODEL_DIR, HF_TOKEN …). */
export const diffusionFlags = {
  negative: { type: "string" },
  steps: { type: "string" },
  guidance: { type: "string" },
  seed: { type: "string" },
  aspect: { type: "string" },
  scheduler: { type: "string" },
  model: { type: "string" },
  "model-dir": { type: "string" },
  "hf-model": { type: "string" },
  "hf-endpoint": { type: "string" },
} as const;

/** The engine from GenLab's config, with --model-dir / --hf-model / --hf-endpoint taking precedence. */
export function diffusionEngine(values: { "model-dir"?: string; "hf-model"?: string; "hf-endpoint"?: string }): DiffusionEngine {
  const options: DiffusionEngineOptions = diffusionOptions(loadConfig(), (reason) => process.stderr.write(`CUDA is not available to onnxruntime here, running on the CPU (${reason.split("\n")[0]}).\n`));
  if (values["model-dir"]) options.modelDir = values["model-dir"];
  if (values["hf-model"]) options.hfModel = values["hf-model"];
  if (values["hf-endpoint"]) options.hfEndpointUrl = values["hf-endpoint"];
  return new DiffusionEngine(options);
}

/** `genlab imagine "a cyberpunk street" --out FILE.png [--n 4] [--steps S] [--guidance G] [--seed S] …` */
export async function imagineCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...diffusionFlags, n: { type: "string", default: "1" }, out: { type: "string" } } });
  const prompt = positionals.join(" ");
  if (!values.out) throw new UserFacingError('genlab imagine needs a prompt and --out FILE.png, e.g. genlab imagine "a cyberpunk street" --out street.png.');
  const engine = diffusionEngine(values);
  const p = engine.validate({ prompt, negative: values.negative, n: values.n, steps: values.steps, guidance: values.guidance, seed: values.seed, aspect: values.aspect, scheduler: values.scheduler, model: values.model });
  const bar = new ProgressBar();
  const t0 = performance.now();
  const result = await engine.generate(p, { signal: new AbortController().signal, onProgress: (f) => bar.update("Drawing", Math.round(f * 100), 100, "%") });
  bar.clear();
  const ms = performance.now() - t0;
  const png = result.images.length > 1 ? await gridPng(result.images) : await toPng(result.images[0]!);
  writeFileSync(
    values.out,
    addPngText(png, { "genlab:engine": "diffusion", "genlab:model": result.model.name, "genlab:model-sha256": result.model.sha256 ?? "", "genlab:params": JSON.stringify(result.params), "genlab:seed": String(result.seed), Software: "GenLab" }),
  );
  process.stderr.write(`Wrote ${p.n} image${p.n > 1 ? "s" : ""} of "${p.prompt}" (${result.model.name}, seed ${p.seed}, ${p.width}×${p.height}, ${p.steps} steps) to ${values.out} in ${(ms / 1000).toFixed(1)} s.\n`);
  return 0;
}
