/**
 * A long-lived worker thread that runs one engine's generate() (started by EngineThread): GAN
 * samplers, classifiers, reference statistics and onnxruntime sessions stay cached here between jobs,
 * and none of their work runs on the bot's event loop. Requests are independent; each can be
 * cancelled.
 */
import { parentPort, workerData } from "node:worker_threads";
import { BigGanEngine } from "../biggan/engine.ts";
import { DiffusionEngine } from "../diffusion/engine.ts";
import { isPermanent } from "../errors.ts";
import { EvalEngine } from "../eval/engine.ts";
import { GanCatalog } from "../gan/catalog.ts";
import { GanEngine } from "../gan/engine.ts";
import type { AnyEngine, GenerationResult } from "../types.ts";
import type { CrossingError, EngineSpec, FromThread, ThreadResult, ToThread } from "./protocol.ts";

const port = parentPort!;
const spec = (workerData as { data: EngineSpec }).data;
// onnxruntime falling back from CUDA to the CPU is the parent's to log.
const onFallback = (reason: string) => send({ type: "fallback", reason });
const engine: AnyEngine = build(spec);

function build(s: EngineSpec): AnyEngine {
  switch (s.kind) {
    case "gan":
      return new GanEngine(new GanCatalog(s.dirs, s.catalog));
    case "eval":
      return new EvalEngine(new GanCatalog(s.dirs, s.catalog), { cacheDir: s.cacheDir });
    case "biggan":
      return new BigGanEngine({ ...s.options, onFallback });
    case "diffusion":
      return new DiffusionEngine({ ...s.options, onFallback });
  }
}
const running = new Map<number, AbortController>();

port.on("message", (m: ToThread) => {
  if (m.type === "cancel") return running.get(m.id)?.abort();
  const stop = new AbortController();
  running.set(m.id, stop);
  void run(m.id, m.params, stop.signal).finally(() => running.delete(m.id));
});
send({ type: "ready" });

async function run(id: number, raw: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  try {
    // Validated by the parent (engine.validate) before the job was queued and again before it ran.
    const result = await engine.generate(raw, { signal, onProgress: (fraction, note) => send({ type: "progress", id, fraction, note }) });
    const { message, transfer } = crossing(result);
    send({ type: "result", id, result: message }, transfer);
  } catch (e) {
    send({ type: "error", id, error: crossingError(e) });
  }
}

function send(m: FromThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/** Pixels and attachments are moved, not copied; each gets a buffer of its own first (Node pools small Buffers). */
function crossing(r: GenerationResult): { message: ThreadResult; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const own = (data: Uint8Array) => {
    const copy = new Uint8Array(data);
    transfer.push(copy.buffer);
    return copy;
  };
  const images = r.images.map((im) => ({ ...im, data: own(im.data) }));
  const attachments = r.presentation?.attachments?.map((a) => ({ name: a.name, data: own(a.data) }));
  const presentation = r.presentation && { ...r.presentation, ...(attachments ? { attachments } : {}) };
  return { message: { images, presentation, model: r.model, params: r.params, seed: r.seed }, transfer };
}

function crossingError(e: unknown): CrossingError {
  const error = e instanceof Error ? e : new Error(String(e));
  const fs = error as { code?: unknown; path?: unknown; syscall?: unknown };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    permanent: isPermanent(e),
    ...(typeof fs.code === "string" ? { code: fs.code } : {}),
    ...(typeof fs.path === "string" ? { path: fs.path } : {}),
    ...(typeof fs.syscall === "string" ? { syscall: fs.syscall } : {}),
  };
}
