import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gridPng, toPng, type RawImage } from "../../../images/encode.ts";
import { addPngText } from "../../../images/png-text.ts";
import type { PromptPolicy } from "../../types.ts";
import type { DiffusionEngine } from "../engine.ts";
import { slug } from "./presets.ts";
import { writeZip, type ZipEntry } from "./zip.ts";

/**
 * A synthetic image dataset: one folder per prompt (slugged), N images each, metadata.csv and
 * metadata.jsonl (file, prompt, seed, model, params, sha256), a contact sheet (one row per
 * prompt), and optionally a zip of it all. Image j of prompt i uses seed + i·N + j, so any one
 * image can be drawn again from its metadata row.
 */
export interface DatasetRequest {
  prompts: string[];
  perPrompt: number;
  outDir: string;
  seed: number;
  /** Passed to the engine for every image: steps, guidance, aspect, model, negative … */
  params?: Record<string, unknown>;
  /** Which word lists the prompts are checked against (default: GenLab's list alone). */
  promptPolicy?: PromptPolicy;
  /** Written in every metadata row and PNG (the X-ray set's "synthetic, not for diagnosis"). */
  note?: string;
  zip?: boolean;
  signal?: AbortSignal;
  onImage?: (done: number, total: number) => void;
}

export interface DatasetRow {
  file: string;
  prompt: string;
  seed: number;
  model: string;
  model_sha256: string;
  params: Record<string, unknown>;
  sha256: string;
  note?: string;
}

export interface Dataset {
  dir: string;
  rows: DatasetRow[];
  contactSheet: string;
  /** Every image, prompt by prompt (the contact sheet's cells). */
  sheet: RawImage[];
  zip?: { path: string; bytes: number };
}

export const MAX_DATASET_IMAGES = 500;

export async function buildDataset(engine: DiffusionEngine, req: DatasetRequest): Promise<Dataset> {
  const total = req.prompts.length * req.perPrompt;
  mkdirSync(req.outDir, { recursive: true });
  const folders = uniqueSlugs(req.prompts);
  const rows: DatasetRow[] = [];
  const sheet: RawImage[] = [];
  const signal = req.signal ?? new AbortController().signal;
  for (const [i, prompt] of req.prompts.entries()) {
    mkdirSync(join(req.outDir, folders[i]!), { recursive: true });
    for (let j = 0; j < req.perPrompt; j++) {
      const seed = req.seed + i * req.perPrompt + j;
      const params = engine.validate({ ...req.params, prompt, n: 1, seed }, { promptPolicy: req.promptPolicy });
      const result = await engine.generate(params, { signal });
      const image = result.images[0]!;
      const file = `${folders[i]}/${String(j).padStart(3, "0")}.png`;
      const text: Record<string, string> = {
        "genlab:engine": engine.name,
        "genlab:model": result.model.name,
        "genlab:model-sha256": result.model.sha256 ?? "",
        "genlab:params": JSON.stringify(result.params),
        "genlab:seed": String(seed),
        ...(req.note ? { "genlab:note": req.note, Disclaimer: req.note } : {}),
        Software: "GenLab",
      };
      const png = addPngText(await toPng(image), text);
      writeFileSync(join(req.outDir, file), png);
      const { n: _n, seeds: _s, ...used } = result.params;
      rows.push({ file, prompt, seed, model: result.model.name, model_sha256: result.model.sha256 ?? "", params: used, sha256: sha256(png), ...(req.note ? { note: req.note } : {}) });
      sheet.push(image);
      req.onImage?.(rows.length, total);
    }
  }
  writeFileSync(join(req.outDir, "metadata.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  writeFileSync(join(req.outDir, "metadata.csv"), toCsv(rows));
  const contactSheet = join(req.outDir, "contact-sheet.png");
  writeFileSync(contactSheet, await gridPng(sheet, { columns: req.perPrompt }));
  const dataset: Dataset = { dir: req.outDir, rows, contactSheet, sheet };
  if (req.zip) {
    const path = join(req.outDir, "dataset.zip");
    const entries: ZipEntry[] = [...rows.map((r) => r.file), "metadata.csv", "metadata.jsonl", "contact-sheet.png"].map((name) => ({ name, path: join(req.outDir, name) }));
    dataset.zip = { path, bytes: await writeZip(path, entries, req.signal) };
  }
  return dataset;
}

/** Folder names, with "-2", "-3" … when two prompts slug alike. */
function uniqueSlugs(prompts: string[]): string[] {
  const used = new Map<string, number>();
  return prompts.map((p) => {
    const s = slug(p);
    const k = (used.get(s) ?? 0) + 1;
    used.set(s, k);
    return k === 1 ? s : `${s}-${k}`;
  });
}

const columns = ["file", "prompt", "seed", "model", "model_sha256", "params", "sha256", "note"] as const;

function toCsv(rows: DatasetRow[]): string {
  const cell = (v: unknown) => {
    const s = typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** "3.4 MB" */
export function humanBytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
