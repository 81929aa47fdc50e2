import type { GenerationResult } from "../engines/types.ts";
import { addPngText } from "../images/png-text.ts";

/**
 * The provenance text chunks the CLI writes into its PNGs — the same keys the bot writes
 * (src/generations/render.ts), minus the Discord-only ones — so any image says how it was made.
 */
export function withProvenance(png: Buffer, engine: string, result: GenerationResult, extra: Record<string, string> = {}): Buffer {
  return addPngText(png, {
    "genlab:engine": engine,
    "genlab:model": result.model.name,
    "genlab:model-sha256": result.model.sha256 ?? "",
    "genlab:params": JSON.stringify(result.params),
    "genlab:seed": String(result.seed),
    Software: "GenLab",
    ...extra,
  });
}
