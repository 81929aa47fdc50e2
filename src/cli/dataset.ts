import { existsSync, readFileSync } from "node:fs";
import { randomInt } from "node:crypto";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { buildDataset, humanBytes, MAX_DATASET_IMAGES, parsePromptFile, presetNames, presets } from "../engines/diffusion/index.ts";
import { diffusionEngine, diffusionFlags } from "./imagine.ts";
import { ProgressBar } from "./progress.ts";

/** `genlab dataset --prompts FILE | --preset lab1|xray --per-prompt N --out DIR [--zip]` — the lab's synthetic-data exercise in one command. */
export async function datasetCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...diffusionFlags, prompts: { type: "string" }, preset: { type: "string" }, "per-prompt": { type: "string", default: "4" }, out: { type: "string" }, zip: { type: "boolean", default: false } },
  });
  if (!values.out || (!values.prompts && !values.preset)) throw new UserFacingError("genlab dataset needs --prompts FILE or --preset lab1|xray, and --out DIR.");
  let prompts: string[];
  let note: string | undefined;
  if (values.preset) {
    const preset = presets[values.preset];
    if (!preset) throw new UserFacingError(`There is no prompt preset "${values.preset}": use ${presetNames.join(" or ")}.`);
    ({ prompts, note } = preset);
  } else {
    const file = resolve(values.prompts!);
    if (!existsSync(file)) throw new UserFacingError(`The prompts file ${file} does not exist: give a text file with one prompt per line.`);
    prompts = parsePromptFile(readFileSync(file, "utf8"));
    if (!prompts.length) throw new UserFacingError(`The prompts file ${file} has no prompts: write one per line.`);
  }
  const perPrompt = Number(values["per-prompt"]);
  const maxPer = Math.floor(MAX_DATASET_IMAGES / prompts.length);
  if (!Number.isInteger(perPrompt) || perPrompt < 1 || perPrompt > maxPer) throw new UserFacingError(`--per-prompt must be a whole number from 1 to ${maxPer}, not ${values["per-prompt"]}.`);
  const engine = diffusionEngine(values);
  const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
  const params = { negative: values.negative, steps: values.steps, guidance: values.guidance, aspect: values.aspect, scheduler: values.scheduler, model: values.model };
  engine.validate({ ...params, prompt: prompts[0], seed }); // a bad flag or a missing model fails before any folder is made
  const out = resolve(values.out);
  const bar = new ProgressBar();
  const t0 = performance.now();
  const ds = await buildDataset(engine, { prompts, perPrompt, outDir: out, seed, params, note, zip: values.zip, onImage: (done, total) => bar.update("Generating", done, total) });
  bar.clear();
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  process.stderr.write(`Wrote ${ds.rows.length} images of ${prompts.length} prompts (${ds.rows[0]!.model}, seeds ${seed}–${seed + ds.rows.length - 1}) to ${out} in ${s} s: metadata.csv, metadata.jsonl, contact-sheet.png${ds.zip ? `, dataset.zip (${humanBytes(ds.zip.bytes)})` : ""}.\n`);
  if (note) process.stderr.write(`Note: ${note}\n`);
  return 0;
}
