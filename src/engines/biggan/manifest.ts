import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join, normalize } from "node:path";
import { z } from "zod";
import { EngineUnavailableError } from "../errors.ts";

/**
 * A BigGAN model folder: `manifest.json` beside the ONNX file(s) and their external data.
 * scripts/export-biggan.py writes it. Truncation is either a graph input, or frozen into the
 * graph at export (torch.onnx.export often folds it): then the folder may hold one export per
 * truncation value and a request snaps to the nearest one.
 */
export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "genlab-biggan/1";

const fileName = z
  .string()
  .min(1)
  .refine((f) => !isAbsolute(f) && !normalize(f).startsWith(".."), "must be a file inside the model folder");

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().min(1).max(100),
  resolution: z.number().int().min(1).max(1024),
  zDim: z.number().int().min(1).max(1024).default(128),
  numClasses: z.number().int().min(1).max(100000).default(1000),
  inputs: z.object({ z: z.string().min(1).default("z"), classVector: z.string().min(1).default("class_vector") }).default({ z: "z", classVector: "class_vector" }),
  output: z.object({ name: z.string().min(1).optional(), layout: z.enum(["NCHW", "NHWC"]).default("NCHW") }).default({ layout: "NCHW" }),
  truncation: z.union([
    // Row + weights of the batch-norm statistics as inputs (scripts/export-biggan.py since the float64 fix).
    z.object({ statistics: z.object({ row: z.string().min(1), weights: z.string().min(1) }), model: fileName, step: z.number().positive().max(1) }),
    // Older exports: a float32 truncation the graph divides itself.
    z.object({ input: z.string().min(1), model: fileName, step: z.number().positive().max(1).optional() }),
    z.object({ baked: z.array(z.object({ value: z.number().gt(0).max(1), model: fileName })).min(1) }),
  ]),
  /** sha256 of every file the model needs (ONNX graphs and their external data). */
  files: z.record(fileName, z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256")),
  source: z.string().optional(),
});

export type BigGanManifest = z.infer<typeof manifestSchema>;

/** One ONNX graph of the model and the truncation it runs at (null: truncation is an input). */
export interface BigGanVariant {
  path: string;
  bakedTruncation: number | null;
}

export interface BigGanModelDir {
  dir: string;
  manifest: BigGanManifest;
  variants: BigGanVariant[];
  /** sha256 over the manifest's file hashes: one id for the whole model, stored in provenance. */
  sha256: string;
}

/** Reads and checks the manifest (cheap; no hashing). Every problem is one sentence. */
export function readModelDir(dir: string): BigGanModelDir {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EngineUnavailableError(`The BigGAN model folder ${dir} does not exist: set BIGGAN_MODEL_DIR (or --model-dir) to a folder made by scripts/export-biggan.py.`);
  }
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new EngineUnavailableError(`${dir} has no ${MANIFEST_FILE}: it is not a BigGAN model folder made by scripts/export-biggan.py.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new EngineUnavailableError(`${file} is not valid JSON: export the model again with scripts/export-biggan.py.`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EngineUnavailableError(`${file}: ${issue.path.join(".") || "the manifest"} ${issue.message.replace(/^Invalid input: /, "")} — see docs in scripts/export-biggan.py for the format.`);
  }
  const manifest = parsed.data;
  const t = manifest.truncation;
  const variants: BigGanVariant[] = "baked" in t ? t.baked.map((b) => ({ path: b.model, bakedTruncation: b.value })) : [{ path: t.model, bakedTruncation: null }];
  for (const v of variants) {
    if (!manifest.files[v.path]) throw new EngineUnavailableError(`${file} names ${v.path} as a model but gives no sha256 for it in "files".`);
  }
  for (const name of Object.keys(manifest.files)) {
    if (!existsSync(join(dir, name))) throw new EngineUnavailableError(`The BigGAN model file ${name} is missing from ${dir}: copy the whole exported folder.`);
  }
  const sha256 = createHash("sha256")
    .update(Object.entries(manifest.files).sort(([a], [b]) => a.localeCompare(b)).map(([n, h]) => `${basename(n)}:${h}`).join("\n"))
    .digest("hex");
  return { dir, manifest, variants: variants.map((v) => ({ ...v, path: join(dir, v.path) })), sha256 };
}

/** Hashes every listed file and refuses the model on any mismatch (a truncated copy, a swapped file). */
export async function verifyModelFiles(model: BigGanModelDir): Promise<void> {
  for (const [name, expected] of Object.entries(model.manifest.files)) {
    const actual = await sha256File(join(model.dir, name));
    if (actual !== expected) {
      throw new EngineUnavailableError(`The BigGAN model file ${name} in ${model.dir} does not match the sha256 in ${MANIFEST_FILE} (expected ${expected.slice(0, 12)}…, found ${actual.slice(0, 12)}…): copy or export the model again.`);
    }
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/**
 * The truncation a request actually runs at: the nearest baked export, or the asked value
 * rounded to the model's step (BigGAN interpolates its batch-norm statistics between steps).
 */
export function effectiveTruncation(model: BigGanModelDir, asked: number): { value: number; variant: BigGanVariant } {
  const t = model.manifest.truncation;
  if (!("baked" in t)) {
    const step = t.step;
    const value = step ? Math.min(1, Math.max(step, Math.round(asked / step) * step)) : asked;
    return { value: Number(value.toFixed(6)), variant: model.variants[0]! };
  }
  let best = model.variants[0]!;
  for (const v of model.variants) if (Math.abs(v.bakedTruncation! - asked) < Math.abs(best.bakedTruncation! - asked)) best = v;
  return { value: best.bakedTruncation!, variant: best };
}
