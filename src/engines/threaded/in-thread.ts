import type { Worker } from "node:worker_threads";
import { EngineInputError, EngineUnavailableError } from "../errors.ts";
import { startThread } from "../runtime/threads.ts";
import type { AnyEngine, GenerateContext, GenerationResult } from "../types.ts";
import type { CrossingError, EngineSpec, FromThread, ThreadResult, ToThread } from "./protocol.ts";

/**
 * Below the bot's event loop, the gateway and Postgres whenever they want a core, as training
 * is: an acknowledgement waits for nobody's images.
 */
const ENGINE_NICE = 10;

interface Pending {
  resolve: (r: GenerationResult) => void;
  reject: (e: Error) => void;
  onProgress?: GenerateContext["onProgress"];
}

/**
 * One engine's generate() in a long-lived worker thread (engine-thread.ts), started at the
 * first request and kept, so its sessions stay loaded between jobs. Requests run there
 * concurrently; progress comes back, the job's signal cancels. A thread that crashes fails
 * the requests in it and the next request starts a fresh one. The thread never keeps the
 * process alive while it has nothing to do.
 */
export class EngineThread {
  private thread: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  constructor(
    private readonly spec: EngineSpec,
    /** Told when onnxruntime in the thread falls back from CUDA to the CPU. */
    private readonly onFallback?: (reason: string) => void,
  ) {}

  generate(params: Record<string, unknown>, ctx: Partial<GenerateContext> = {}): Promise<GenerationResult> {
    ctx.signal?.throwIfAborted();
    const thread = this.start();
    const id = ++this.next;
    return new Promise<GenerationResult>((resolve, reject) => {
      const onAbort = () => this.send({ type: "cancel", id });
      ctx.signal?.addEventListener("abort", onAbort, { once: true });
      const settle = () => {
        ctx.signal?.removeEventListener("abort", onAbort);
        this.pending.delete(id);
        if (this.pending.size === 0) this.thread?.unref();
      };
      this.pending.set(id, {
        resolve: (r) => (settle(), resolve(r)),
        reject: (e) => (settle(), reject(e)),
        onProgress: ctx.onProgress,
      });
      thread.ref();
      this.send({ type: "generate", id, params });
    });
  }

  /** Ends the thread (tests, shutdown): requests in it fail. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }

  private start(): Worker {
    if (this.thread) return this.thread;
    const thread = startThread(new URL("./engine-thread.ts", import.meta.url), this.spec, { name: `genlab-${this.spec.kind}`, nice: ENGINE_NICE });
    thread.unref();
    thread.on("message", (m: FromThread) => {
      if (m.type === "fallback") return this.onFallback?.(m.reason);
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === "progress") p.onProgress?.(m.fraction, m.note);
      else if (m.type === "result") p.resolve(fromThread(m.result));
      else p.reject(errorFromThread(m.error));
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = undefined;
      for (const p of [...this.pending.values()]) p.reject(error);
    };
    thread.on("error", (e) => fail(e));
    thread.on("exit", (code) => fail(new Error(`the ${this.spec.kind} engine's thread exited with code ${code}`)));
    this.thread = thread;
    return thread;
  }

  private send(m: ToThread): void {
    this.thread?.postMessage(m);
  }
}

/**
 * Makes `engine.generate` run in `thread`; everything else (status, validate, the catalog the
 * commands read) stays on this instance, which answers without heavy work.
 */
export function generateInThread<E extends AnyEngine>(engine: E, thread: EngineThread): E {
  engine.generate = (params: Record<string, unknown>, ctx?: GenerateContext) => thread.generate(params, ctx);
  return engine;
}

function fromThread(r: ThreadResult): GenerationResult {
  if (!r.presentation) return { ...r, presentation: undefined };
  const { attachments, ...rest } = r.presentation;
  const presentation = attachments ? { ...rest, attachments: attachments.map((a) => ({ name: a.name, data: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength) })) } : rest;
  return { ...r, presentation };
}

/** The thread's error as a class the job's retry rule (isPermanent, isUnfixableFsError) recognises. */
function errorFromThread(e: CrossingError): Error {
  const error = e.permanent
    ? e.name === "EngineUnavailableError"
      ? new EngineUnavailableError(e.message)
      : new EngineInputError(e.message)
    : Object.assign(new Error(e.message), { name: e.name });
  if (e.code !== undefined) Object.assign(error, { code: e.code, path: e.path, syscall: e.syscall });
  if (e.stack) error.stack = e.stack;
  return error;
}
