import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { EngineInputError } from "../../errors.ts";
import type { Engine, GenerateContext, GenerationResult } from "../../types.ts";
import type { DiffusionEngine } from "../engine.ts";
import { checkPrompt } from "../prompt-policy.ts";
import { buildDataset, humanBytes } from "./build.ts";
import { presetNames, presets } from "./presets.ts";

/** Leaves room under Discord's 10 MiB per message for the contact sheet and originals. */
const ZIP_ATTACH_LIMIT = 6 * 1024 * 1024;

export interface DatasetParams extends Record<string, unknown> {
  preset: string | null;
  prompts: string[];
  perPrompt: number;
  seed: number;
  steps: number | null;
  guidance: number | null;
  model: string | null;
}

/** Discord-sized datasets: bigger ones are for `genlab dataset` on the GPU host. */
export const MAX_DISCORD_PROMPTS = 10;
export const MAX_PER_PROMPT = 8;
export const MAX_DISCORD_IMAGES = 40;

/**
 * `/dataset`: the synthetic-data exercise as a job. The dataset (folders, metadata, contact
 * sheet, zip) is written under GENLAB_DATA_DIR/datasets/; the result shows every image as the
 * contact sheet (one row per prompt) and says where the files and the zip are.
 */
export class DatasetEngine implements Engine<DatasetParams> {
  readonly name = "dataset";
  readonly title = "Synthetic dataset";

  constructor(
    private readonly diffusion: DiffusionEngine,
    private readonly datasetsDir: string,
  ) {}

  status() {
    const s = this.diffusion.status();
    return s.ready ? { ready: true, detail: `presets ${presetNames.join(", ")} or your own prompts, written to ${this.datasetsDir}.` } : { ready: false, detail: `needs Stable Diffusion: ${s.detail}` };
  }

  validate(raw: Record<string, unknown>): DatasetParams {
    const preset = raw.preset === undefined || raw.preset === null || raw.preset === "" ? null : String(raw.preset);
    let prompts: string[];
    if (Array.isArray(raw.prompts) && raw.prompts.length) prompts = raw.prompts.map(String);
    else if (typeof raw.prompts === "string" && raw.prompts.trim()) prompts = raw.prompts.split(/[;\n]/).map((p) => p.trim()).filter(Boolean);
    else if (preset) {
      const set = presets[preset];
      if (!set) throw new EngineInputError(`There is no prompt preset "${preset}": use ${presetNames.join(" or ")}.`);
      prompts = set.prompts;
    } else throw new EngineInputError("Give a preset (lab1 or xray) or your own prompts separated by semicolons.");
    if (prompts.length > MAX_DISCORD_PROMPTS) throw new EngineInputError(`That is ${prompts.length} prompts; Discord datasets take at most ${MAX_DISCORD_PROMPTS}: use \`genlab dataset\` for bigger ones.`);
    for (const p of prompts) checkPrompt(p);
    const perPrompt = raw.perPrompt === undefined || raw.perPrompt === null ? 2 : Number(raw.perPrompt);
    const most = Math.min(MAX_PER_PROMPT, Math.floor(MAX_DISCORD_IMAGES / prompts.length));
    if (!Number.isInteger(perPrompt) || perPrompt < 1 || perPrompt > most) throw new EngineInputError(`per_prompt must be a whole number from 1 to ${most} for ${prompts.length} prompts, not ${String(raw.perPrompt)}.`);
    const seed = raw.seed === undefined || raw.seed === null ? randomInt(2 ** 31) : Number(raw.seed);
    // The worker re-validates the stored prompt list: a preset's list keeps its preset (and its note).
    const p: DatasetParams = { preset: typeof raw.prompts === "string" && raw.prompts.trim() ? null : preset, prompts, perPrompt, seed, steps: num(raw.steps), guidance: num(raw.guidance), model: raw.model ? String(raw.model) : null };
    this.diffusion.validate({ ...this.imageParams(p), prompt: prompts[0], seed }); // ranges and model, before queueing
    return p;
  }

  async generate(p: DatasetParams, ctx: GenerateContext): Promise<GenerationResult> {
    const note = p.preset ? presets[p.preset]?.note : undefined;
    const dir = join(this.datasetsDir, `${p.preset ?? "prompts"}-seed${p.seed}-${p.prompts.length}x${p.perPrompt}`);
    const ds = await buildDataset(this.diffusion, { prompts: p.prompts, perPrompt: p.perPrompt, outDir: dir, seed: p.seed, params: this.imageParams(p), note, zip: true, signal: ctx.signal, onImage: (d, t) => ctx.onProgress?.(d / t) });
    const first = ds.rows[0]!;
    // Discord takes 10 MiB a message (images included): a larger zip stays on the host.
    const attach = ds.zip!.bytes <= ZIP_ATTACH_LIMIT;
    return {
      images: ds.sheet, // prompt by prompt: the grid, perPrompt columns wide, is the contact sheet
      presentation: {
        columns: p.perPrompt,
        note: `${ds.rows.length} images, one folder per prompt, with metadata.csv and metadata.jsonl, saved on the GenLab host in ${dir}; ${attach ? `the zip (${humanBytes(ds.zip!.bytes)}) is attached` : `the zip is ${humanBytes(ds.zip!.bytes)}, too large to attach: it is at ${ds.zip!.path}`}.${note ? ` ${note}` : ""}`,
        attachments: attach ? [{ name: basename(ds.zip!.path), data: await readFile(ds.zip!.path) }] : undefined,
        fields: p.prompts.map((prompt, i) => ({ name: `Row ${i + 1}`, value: prompt })),
      },
      model: { name: first.model, sha256: first.model_sha256 || undefined },
      params: { ...p, dir, zip: ds.zip!.path, zipBytes: ds.zip!.bytes, imageParams: first.params },
      seed: p.seed,
    };
  }

  reproduce(p: Record<string, unknown>): string {
    return [p.preset ? `preset:${p.preset}` : `prompts:${(p.prompts as string[]).join("; ")}`, `per_prompt:${p.perPrompt}`, `seed:${p.seed}`, p.steps ? `steps:${p.steps}` : "", p.guidance !== null && p.guidance !== undefined ? `guidance:${p.guidance}` : "", p.model ? `model:${p.model}` : ""].filter(Boolean).join(" ");
  }

  private imageParams(p: DatasetParams): Record<string, unknown> {
    return { steps: p.steps, guidance: p.guidance, model: p.model };
  }
}

function num(v: unknown): number | null {
  return v === undefined || v === null || v === "" ? null : Number(v);
}
