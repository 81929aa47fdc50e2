import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";
import { EngineInputError } from "../../errors.ts";
import { isAbsent, modelName, number, parseParams, seed, shown, wholeNumber } from "../../params.ts";
import type { Engine, GenerateContext, GenerationResult, ValidateContext } from "../../types.ts";
import type { DiffusionEngine } from "../engine.ts";
import { MAX_GUIDANCE, MAX_SEED, MAX_STEPS } from "../params.ts";
import { checkPrompt, promptPolicyOf } from "../prompt-policy.ts";
import { buildDataset, humanBytes } from "./build.ts";
import { MAX_DISCORD_IMAGES, MAX_DISCORD_PROMPTS, MAX_PER_PROMPT } from "./limits.ts";
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
  /** Provenance: GenLab's default word list did not apply (see DiffusionParams). */
  defaultWordsLifted?: true;
}

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

  validate(raw: Record<string, unknown>, ctx?: ValidateContext): DatasetParams {
    const preset = isAbsent(raw.preset) ? null : String(raw.preset);
    let prompts: string[];
    if (Array.isArray(raw.prompts) && raw.prompts.length) prompts = raw.prompts.map(String);
    else if (typeof raw.prompts === "string" && raw.prompts.trim()) prompts = raw.prompts.split(/[;\n]/).map((p) => p.trim()).filter(Boolean);
    else if (preset) {
      const set = presets[preset];
      if (!set) throw new EngineInputError(`There is no prompt preset "${shown(preset)}": use ${presetNames.join(" or ")}.`);
      prompts = set.prompts;
    } else throw new EngineInputError("Give a preset (lab1 or xray) or your own prompts separated by semicolons.");
    if (prompts.length > MAX_DISCORD_PROMPTS) throw new EngineInputError(`That is ${prompts.length} prompts; Discord datasets take at most ${MAX_DISCORD_PROMPTS}: use \`genlab dataset\` for bigger ones.`);
    const policy = promptPolicyOf(raw, ctx);
    for (const p of prompts) checkPrompt(p, policy);
    const most = Math.min(MAX_PER_PROMPT, Math.floor(MAX_DISCORD_IMAGES / prompts.length));
    const fields = parseParams(
      z.object({
        perPrompt: wholeNumber("per_prompt", 1, most, { default: 2, note: `for ${prompts.length} prompts` }),
        seed: seed(MAX_SEED),
        steps: wholeNumber("steps", 1, MAX_STEPS),
        guidance: number("guidance", { min: 0, max: MAX_GUIDANCE }),
        model: modelName(),
      }),
      raw,
    );
    // The worker re-validates the stored prompt list: a preset's list keeps its preset (and its note).
    const p: DatasetParams = {
      preset: typeof raw.prompts === "string" && raw.prompts.trim() ? null : preset,
      prompts,
      perPrompt: fields.perPrompt,
      seed: fields.seed,
      steps: fields.steps ?? null,
      guidance: fields.guidance ?? null,
      model: fields.model ?? null,
      ...(policy.defaultWords ? {} : { defaultWordsLifted: true as const }),
    };
    this.diffusion.validate({ ...this.imageParams(p), prompt: prompts[0], seed: p.seed }, { promptPolicy: policy }); // the model, before queueing
    return p;
  }

  async generate(p: DatasetParams, ctx: GenerateContext): Promise<GenerationResult> {
    const note = p.preset ? presets[p.preset]?.note : undefined;
    const dir = join(this.datasetsDir, `${p.preset ?? "prompts"}-seed${p.seed}-${p.prompts.length}x${p.perPrompt}`);
    const ds = await buildDataset(this.diffusion, {
      prompts: p.prompts, perPrompt: p.perPrompt, outDir: dir, seed: p.seed, params: this.imageParams(p), note, zip: true, signal: ctx.signal, onImage: (d, t) => ctx.onProgress?.(d / t),
      // Checked when validated; the images are drawn under the same lists.
      promptPolicy: promptPolicyOf(p, { queued: true }),
    });
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
