import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LRUCache } from "lru-cache";
import { EngineInputError, printable, someOf } from "../errors.ts";
import { loadModel, readManifest, type LoadedModel, type ModelManifest } from "./model-files.ts";

/** Generators shipped with GenLab, trained by `genlab train` (see assets/gan/README.md). */
export const shippedModelsDir = fileURLToPath(new URL("../../../assets/gan", import.meta.url));

/** Where generators trained by /train land (under GENLAB_DATA_DIR). */
export function trainedModelsDir(dataDir: string): string {
  return join(dataDir, "gan-models");
}

/** What a model name may look like: a folder name, never a path. */
const MODEL_NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

/** Loaded generators kept in memory; a server with more models loads the rest again on use. */
const CACHED_MODELS = 16;

export interface GanCatalogOptions {
  /**
   * Folders whose models belong to someone (the /train output): listed by `names()` only when
   * asked for, so whoever serves many owners can filter them (src/guilds/models.ts).
   */
  privateDirs?: string[];
  /** Accept a path to a model folder as well as a name: the CLI's `--model ./run`, never Discord's. */
  allowPaths?: boolean;
}

/**
 * The models `/gan sample` can use, by name: every folder with a model.json under the
 * shipped directory and any extra directories (GENLAB_GAN_MODELS_DIR, training outputs).
 */
export class GanCatalog {
  // Keyed by the resolved folder, so spellings of one model share one entry, and bounded.
  private readonly cache = new LRUCache<string, LoadedModel>({ max: CACHED_MODELS });
  private readonly manifests = new LRUCache<string, ModelManifest>({ max: 256 });
  private readonly privateDirs: string[];

  constructor(
    private readonly dirs: string[] = [shippedModelsDir],
    private readonly options: GanCatalogOptions = {},
  ) {
    this.privateDirs = options.privateDirs ?? [];
  }

  /** Names of the models everyone may use, then (when asked) those in private folders. */
  names(opts: { includePrivate?: boolean } = {}): string[] {
    const names = new Set<string>();
    for (const dir of this.dirs) {
      if (!existsSync(dir) || (!opts.includePrivate && this.privateDirs.includes(dir))) continue;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && MODEL_NAME.test(entry.name) && existsSync(join(dir, entry.name, "model.json"))) names.add(entry.name);
      }
    }
    return [...names].sort();
  }

  /**
   * The model used when none is named: the one whose manifest says it is the default (the
   * shipped generator that draws best), else the first by name; never one that belongs to someone.
   */
  defaultName(): string | undefined {
    const names = this.names();
    return names.find((n) => this.markedDefault(n)) ?? names[0];
  }

  private markedDefault(name: string): boolean {
    try {
      return this.manifest(name).default === true;
    } catch {
      return false; // a broken folder is reported when it is used, not here
    }
  }

  /** Whether `name` resolves to a model in a private folder (someone's /train output). */
  isPrivate(name: string): boolean {
    const dir = this.locate(name);
    return dir !== undefined && this.privateDirs.some((p) => dir.startsWith(resolve(p) + "/"));
  }

  /** A model by name (or, where paths are allowed, by path to a model folder). Loaded once, hash-checked. */
  get(nameOrDir: string): LoadedModel {
    const dir = this.resolve(nameOrDir);
    const hit = this.cache.get(dir);
    if (hit) return hit;
    const model = loadModel(dir);
    this.cache.set(dir, model);
    return model;
  }

  /**
   * A model's manifest (what it draws, its classes) without its weights: cheap enough for the
   * checks that run before Discord's 3 s acknowledgement. The weights load when it draws.
   */
  manifest(nameOrDir: string): ModelManifest {
    const dir = this.resolve(nameOrDir);
    const loaded = this.cache.get(dir);
    if (loaded) return loaded.manifest;
    let m = this.manifests.get(dir);
    if (!m) this.manifests.set(dir, (m = readManifest(dir)));
    return m;
  }

  /** The folder a model name or path stands for; throws the "no model named" sentence. */
  resolve(nameOrDir: string): string {
    if (this.options.allowPaths && nameOrDir.includes("/")) {
      // A `genlab train --out` folder holds the model in model/.
      const trained = join(nameOrDir, "model");
      return resolve(!existsSync(join(nameOrDir, "model.json")) && existsSync(join(trained, "model.json")) ? trained : nameOrDir);
    }
    const dir = this.locate(nameOrDir);
    if (dir) return dir;
    throw new EngineInputError(`There is no GAN model named "${printable(nameOrDir)}": choose one of ${someOf(this.names(), "(none installed)")}.`);
  }

  private locate(name: string): string | undefined {
    if (!MODEL_NAME.test(name)) return undefined;
    for (const dir of this.dirs) {
      const candidate = join(dir, name);
      if (existsSync(join(candidate, "model.json"))) return resolve(candidate);
    }
    return undefined;
  }
}
