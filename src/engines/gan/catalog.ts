import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineInputError } from "../errors.ts";
import { loadModel, type LoadedModel } from "./model-files.ts";

/** Generators shipped with GenLab, trained by `genlab train` (see assets/gan/README.md). */
export const shippedModelsDir = fileURLToPath(new URL("../../../assets/gan", import.meta.url));

/** Where generators trained by /train land (under GENLAB_DATA_DIR). */
export function trainedModelsDir(dataDir: string): string {
  return join(dataDir, "gan-models");
}

/**
 * The models `/gan sample` can use, by name: every folder with a model.json under the
 * shipped directory and any extra directories (GENLAB_GAN_MODELS_DIR, training outputs).
 */
export class GanCatalog {
  private readonly cache = new Map<string, LoadedModel>();

  constructor(private readonly dirs: string[] = [shippedModelsDir]) {}

  names(): string[] {
    const names = new Set<string>();
    for (const dir of this.dirs) {
      if (!existsSync(dir)) continue;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(dir, entry.name, "model.json"))) names.add(entry.name);
      }
    }
    return [...names].sort();
  }

  /** A model by name, or by path to a model folder. Loaded once, hash-checked. */
  get(nameOrDir: string): LoadedModel {
    const hit = this.cache.get(nameOrDir);
    if (hit) return hit;
    const dir = this.resolve(nameOrDir);
    const model = loadModel(dir);
    this.cache.set(nameOrDir, model);
    return model;
  }

  private resolve(nameOrDir: string): string {
    if (nameOrDir.includes("/")) {
      // A `genlab train --out` folder holds the model in model/.
      const trained = join(nameOrDir, "model");
      return !existsSync(join(nameOrDir, "model.json")) && existsSync(join(trained, "model.json")) ? trained : nameOrDir;
    }
    for (const dir of this.dirs) {
      const candidate = join(dir, nameOrDir);
      if (existsSync(join(candidate, "model.json"))) return candidate;
    }
    const known = this.names();
    throw new EngineInputError(`There is no GAN model named "${nameOrDir}": choose one of ${known.length ? known.join(", ") : "(none installed)"}.`);
  }
}
