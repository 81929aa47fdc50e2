import { EngineInputError } from "../errors.ts";
import { startThread } from "../runtime/threads.ts";
import type { ParentMessage, ThreadError, ThreadMessage, ThreadTrainOptions, TrainResult } from "./train-thread-protocol.ts";
import type { TrainEvent } from "./train.ts";

export type { ThreadTrainOptions, TrainResult } from "./train-thread-protocol.ts";

export interface InThreadOptions extends ThreadTrainOptions {
  /** Stop after the current step, as trainGan's signal: the run ends cleanly with its model. */
  signal?: AbortSignal;
  /** End the thread at once (the process is shutting down): the promise rejects, the checkpoint stays. */
  terminate?: AbortSignal;
  /** Called in the order the thread sends events, each awaited before the next, as trainGan's. */
  onEvent?: (event: TrainEvent) => void | Promise<void>;
}

/**
 * The training thread's nice: on a busy machine the bot's event loop, Postgres and the gateway
 * go first, and training takes every cycle they leave.
 */
const TRAINING_NICE = 10;

/**
 * trainGan in a worker thread (train-thread.ts): the dataset is loaded and every step runs
 * there, so the caller's event loop — a bot's gateway, router and acknowledgements — stays free.
 * Checkpoints and files are written by the thread; events come back here. A listener that
 * throws, a thread that throws or crashes, or `terminate` ends the thread and rejects.
 */
export function trainGanInThread(o: InThreadOptions): Promise<TrainResult> {
  const { signal, terminate, onEvent, ...options } = o;
  const thread = startThread(new URL("./train-thread.ts", import.meta.url), options, { name: "genlab-train", nice: TRAINING_NICE });
  const send = (m: ParentMessage) => thread.postMessage(m);
  return new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    const onStop = () => send({ type: "stop" });
    const onTerminate = () => fail(new Error("training was interrupted: GenLab is shutting down (the run resumes from its checkpoint)"));
    const done = () => {
      settled = true;
      signal?.removeEventListener("abort", onStop);
      terminate?.removeEventListener("abort", onTerminate);
      void thread.terminate();
    };
    function fail(error: Error) {
      if (settled) return;
      done();
      reject(error);
    }
    if (signal?.aborted) onStop();
    else signal?.addEventListener("abort", onStop, { once: true });
    if (terminate?.aborted) return onTerminate();
    terminate?.addEventListener("abort", onTerminate, { once: true });

    let listeners = Promise.resolve();
    thread.on("message", (m: ThreadMessage) => {
      if (settled) return;
      if (m.type === "event") {
        listeners = listeners
          .then(() => onEvent?.(m.event))
          .then(() => {
            if (m.seq !== undefined && !settled) send({ type: "ack", seq: m.seq });
          })
          .catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
      } else if (m.type === "result") {
        // After the listeners for every event before it, as trainGan returns after its last event.
        void listeners.then(() => {
          if (settled) return;
          done();
          resolve(m.result);
        });
      } else {
        fail(fromThread(m.error));
      }
    });
    thread.on("error", (e) => fail(e));
    thread.on("exit", (code) => {
      // A result still waiting for listeners is not a crash.
      if (!settled && code !== 0) fail(new Error(`the training thread exited with code ${code}`));
    });
  });
}

/** The thread's error as a class isPermanent() recognises, so the job decides on retries as before. */
function fromThread(e: ThreadError): Error {
  const error = e.permanent ? new EngineInputError(e.message) : Object.assign(new Error(e.message), { name: e.name });
  if (e.stack) error.stack = e.stack;
  return error;
}
