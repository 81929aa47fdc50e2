import type { Worker } from "node:worker_threads";
import { redact } from "../../config/redact.ts";
import { EngineInputError, EngineUnavailableError } from "../errors.ts";
import { startThread } from "../runtime/threads.ts";
import type { AnyEngine, GenerateContext, GenerationResult } from "../types.ts";
import type { CrossingError, EngineSpec, FromThread, ThreadResult, ToThread } from "./protocol.ts";
import { StartBackoff } from "./start-backoff.ts";

/**
 * Below the bot's event loop, the gateway and Postgres whenever they want a core, as training
 * is: an acknowledgement waits for nobody's images.
 */
const ENGINE_NICE = 10;

/** Every engine thread of this process that has not exited yet (shutdown waits for none to be left). */
const live = new Set<Worker>();

/** How many engine threads are running now: 0 once the app has stopped. */
export function liveEngineThreads(): number {
  return live.size;
}

export interface EngineThreadOptions {
  /** Told when onnxruntime in the thread falls back from CUDA to the CPU. */
  onFallback?: (reason: string) => void;
  /** Where a thread that fails to start is reported, once. */
  log?: { error(fields: object, message: string): void };
  /** The clock the start-up backoff reads (tests step it by hand). */
  now?: () => number;
}

interface Pending {
  resolve: (r: GenerationResult) => void;
  reject: (e: Error) => void;
  onProgress?: GenerateContext["onProgress"];
}

/**
 * One engine's generate() in a long-lived worker thread (engine-thread.ts), started at the
 * first request and kept, so its sessions stay loaded between jobs. Requests run there
 * concurrently; progress comes back, the job's signal cancels. A thread that crashes fails
 * the requests in it and the next request starts a fresh one; one that fails before its
 * engine is built is not started again until a backoff has passed (StartBackoff). The thread
 * never keeps the process alive while it has nothing to do.
 */
export class EngineThread {
  private thread: Worker | undefined;
  /** This engine's threads that have not exited: the current one, and any still dying. */
  private readonly threads = new Set<Worker>();
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private readonly backoff: StartBackoff;
  /** The start-up failure last logged, so that the same one is not logged again and again. */
  private logged: string | undefined;
  /** Threads started so far (tests count them). */
  starts = 0;

  constructor(
    private readonly spec: EngineSpec,
    private readonly options: EngineThreadOptions = {},
  ) {
    this.backoff = new StartBackoff(options.now);
  }

  generate(params: Record<string, unknown>, ctx: Partial<GenerateContext> = {}): Promise<GenerationResult> {
    ctx.signal?.throwIfAborted();
    const refused = this.backoff.blocked();
    if (refused) return Promise.reject(refused);
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

  /** Ends the thread and waits until it has exited (tests, shutdown): requests in it fail. */
  async close(): Promise<void> {
    this.thread = undefined;
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }

  private start(): Worker {
    if (this.thread) return this.thread;
    const thread = startThread(new URL("./engine-thread.ts", import.meta.url), this.spec, { name: `genlab-${this.spec.kind}`, nice: ENGINE_NICE });
    this.starts++;
    live.add(thread);
    this.threads.add(thread);
    thread.once("exit", () => {
      live.delete(thread);
      this.threads.delete(thread);
    });
    thread.unref();
    let ready = false;
    thread.on("message", (m: FromThread) => {
      if (m.type === "ready") {
        ready = true;
        return this.started();
      }
      if (m.type === "fallback") return this.options.onFallback?.(m.reason);
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === "progress") p.onProgress?.(m.fraction, m.note);
      else if (m.type === "result") p.resolve(fromThread(m.result));
      else p.reject(errorFromThread(m.error));
    });
    let over = false;
    const fail = (cause: Error) => {
      if (over) return; // 'error' is followed by 'exit'
      over = true;
      const closed = this.thread !== thread;
      if (!closed) this.thread = undefined;
      const error = ready || closed ? cause : this.failedToStart(cause);
      for (const p of [...this.pending.values()]) p.reject(error);
    };
    thread.on("error", (e) => fail(e));
    thread.on("exit", (code) => fail(new Error(`the ${this.spec.kind} engine's thread exited with code ${code}`)));
    this.thread = thread;
    return thread;
  }

  private started(): void {
    this.backoff.succeeded();
    this.logged = undefined;
  }

  /**
   * The thread died before its engine was built: a native module that does not load, an
   * engine that throws as it is constructed. The error is EngineUnavailableError, which the
   * queue does not retry: the cause is this installation (a library, the configuration, a
   * model's files), which the queue's retries seconds to minutes later would meet again, each
   * holding the student's job for nothing; the operator fixes it and the first job after the
   * backoff starts a thread again. The user gets one sentence, the log the reason, once.
   */
  private failedToStart(cause: Error): Error {
    const { kind } = this.spec;
    const error = new EngineUnavailableError(`The ${kind} engine could not start on this GenLab worker: ask the teacher to look at GenLab's log.`, { cause });
    const wait = this.backoff.failed(error);
    const reason = redact(cause.message.split("\n")[0] ?? "").slice(0, 300);
    if (reason !== this.logged) {
      this.logged = reason;
      this.options.log?.error({ engine: kind, retryAfterSeconds: wait / 1000 }, `The ${kind} engine's thread failed to start (${reason}): its jobs fail until it starts, tried again by the first job after ${wait / 1000} s.`);
    }
    return error;
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
  engine.close = () => thread.close();
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
