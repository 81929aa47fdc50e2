import type { BigGanEngineOptions } from "../biggan/engine.ts";
import type { DiffusionEngineOptions } from "../diffusion/engine.ts";
import type { GanCatalogOptions } from "../gan/catalog.ts";
import type { Presentation, ModelInfo } from "../types.ts";
import type { RawImage } from "../../images/encode.ts";

/** What an engine thread builds its engine from: plain data, as it crosses the thread boundary. */
export type EngineSpec =
  | { kind: "gan"; dirs: string[]; catalog: GanCatalogOptions }
  | { kind: "eval"; dirs: string[]; catalog: GanCatalogOptions; cacheDir?: string }
  | { kind: "biggan"; options: Omit<BigGanEngineOptions, "onFallback" | "classes"> }
  | { kind: "diffusion"; options: Omit<DiffusionEngineOptions, "onFallback"> };

/** Parent → thread: draw one request, or cancel one in flight (the job's signal fired). */
export type ToThread = { type: "generate"; id: number; params: Record<string, unknown> } | { type: "cancel"; id: number };

/** An engine's result as it crosses: Buffers arrive as Uint8Arrays and become Buffers again. */
export interface ThreadResult {
  images: RawImage[];
  presentation?: Omit<Presentation, "attachments"> & { attachments?: { name: string; data: Uint8Array }[] };
  model: ModelInfo;
  params: Record<string, unknown>;
  seed: number;
}

/** An error as it crosses: classes do not survive structured cloning, so the name and the fields callers read do. */
export interface CrossingError {
  name: string;
  message: string;
  stack?: string;
  /** isPermanent() in the thread. */
  permanent: boolean;
  /** A file-system error's fields (isUnfixableFsError reads them). */
  code?: string;
  path?: string;
  syscall?: string;
}

/** Thread → parent; "ready" once the engine is built (a thread that dies before it failed to start). */
export type FromThread =
  | { type: "ready" }
  | { type: "fallback"; reason: string }
  | { type: "progress"; id: number; fraction: number; note?: string }
  | { type: "result"; id: number; result: ThreadResult }
  | { type: "error"; id: number; error: CrossingError };
