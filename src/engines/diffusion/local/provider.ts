import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { RawImage } from "../../../images/encode.ts";
import type { OnnxProviderChoice } from "../../runtime/onnx.ts";
import type { ModelInfo } from "../../types.ts";
import type { ModelDefaults } from "../params.ts";
import type { DiffusionProvider, ImageRequest, ProviderContext } from "../provider.ts";
import type { SchedulerName } from "../schedulers/index.ts";
import { readModelFolder, type SdModelFolder } from "./model-dir.ts";
import { StableDiffusionPipeline, type PipelineProfile } from "./pipeline.ts";

export interface LocalProviderOptions {
  modelDir: string;
  onnxProvider?: OnnxProviderChoice;
  threads?: number;
  /** The scheduler to use when a request names none: a name, or "auto" for the model's own. */
  scheduler?: SchedulerName | "auto";
  /** Told when CUDA was wanted but the sessions run on the CPU (the caller logs it). */
  onFallback?: (reason: string) => void;
}

/** Stable Diffusion from an exported ONNX folder (SD_MODEL_DIR), on CUDA when available, else CPU. */
export class LocalDiffusionProvider implements DiffusionProvider {
  readonly id = "local";
  readonly canVary = true;
  readonly folder: SdModelFolder;
  private pipeline?: Promise<StableDiffusionPipeline>;
  private digest?: Promise<string>;
  /** Why CUDA was not used, once a session fell back to CPU. */
  private fallback?: string;

  constructor(private readonly options: LocalProviderOptions) {
    this.folder = readModelFolder(options.modelDir); // throws the one sentence naming what is missing
  }

  describe(): string {
    const where = this.fallback ? "CPU (CUDA unavailable)" : this.options.onnxProvider === "cpu" ? "CPU" : "CUDA when installed, else CPU";
    return `local ONNX model ${this.folder.name} from ${this.folder.dir} on ${where}, ${this.schedulerFor(null)} scheduler.`;
  }

  defaults(): ModelDefaults {
    const size = this.folder.imageSize;
    if (this.folder.kind === "turbo") return { steps: 1, guidance: 0, size };
    if (this.folder.kind === "lcm") return { steps: 4, guidance: 1, size };
    return { steps: 25, guidance: 7.5, size };
  }

  schedulerFor(requested: SchedulerName | null): SchedulerName {
    if (requested) return requested;
    const configured = this.options.scheduler;
    return configured && configured !== "auto" ? configured : this.folder.defaultScheduler;
  }

  async model(): Promise<ModelInfo> {
    this.digest ??= folderDigest(this.folder.dir);
    return { name: this.folder.name, sha256: await this.digest };
  }

  async generate(req: ImageRequest, ctx: ProviderContext, profile?: PipelineProfile): Promise<RawImage> {
    const pipeline = await this.load();
    return pipeline.generate(
      { ...req, scheduler: this.schedulerFor(req.scheduler) },
      { signal: ctx.signal, onStep: (done, total) => ctx.onProgress?.(done / total), profile },
    );
  }

  load(): Promise<StableDiffusionPipeline> {
    this.pipeline ??= StableDiffusionPipeline.load(this.folder.dir, {
      provider: this.options.onnxProvider ?? "auto",
      threads: this.options.threads,
      onFallback: (reason) => {
        if (this.fallback === undefined) this.options.onFallback?.(reason);
        this.fallback = reason;
      },
    }).catch((e: unknown) => {
      this.pipeline = undefined; // a later request may succeed (a file being copied)
      throw e;
    });
    return this.pipeline;
  }
}

/**
 * The model's identity for provenance: the sha256 of its manifest when the export script wrote
 * one (genlab-manifest.json lists every file's sha256), else of every file's path and bytes.
 */
async function folderDigest(dir: string): Promise<string> {
  const manifest = join(dir, "genlab-manifest.json");
  if (existsSync(manifest)) return createHash("sha256").update(readFileSync(manifest)).digest("hex");
  const hash = createHash("sha256");
  for (const file of listFiles(dir)) {
    hash.update(`${relative(dir, file)}\0${statSync(file).size}\0`);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}
