/**
 * A training run in a worker thread (started by trainGanInThread): loads the dataset and runs
 * trainGan here, so neither blocks the event loop of the process that started it. Events go
 * to the parent; the start and each epoch wait for the parent's "ack", as trainGan awaits its
 * listener (an epoch is recorded before its checkpoint is written).
 */
import { parentPort, workerData } from "node:worker_threads";
import { isPermanent } from "../errors.ts";
import { loadDataset } from "./datasets/index.ts";
import { loadNative } from "./native.ts";
import type { ParentMessage, ThreadMessage, ThreadTrainOptions } from "./train-thread-protocol.ts";
import { trainGan, type TrainEvent } from "./train.ts";

// Training takes only the cores nothing else wants: with bench/bot.ts, training at nice 10 added
// 40–120 ms to a burst's p99 acknowledgement, at SCHED_IDLE nothing beyond the run-to-run spread.
// The compute pool is started by this thread, so it inherits it. Without the addon: nice only.
loadNative()?.idleScheduling?.();

const port = parentPort!;
const options = (workerData as { data: ThreadTrainOptions }).data;
const stop = new AbortController();
const acks = new Map<number, () => void>();
let seq = 0;

port.on("message", (m: ParentMessage) => {
  if (m.type === "stop") stop.abort();
  else acks.get(m.seq)?.();
});

const send = (m: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** Progress goes out without waiting; the start and each epoch wait for the parent's listener. */
async function onEvent(event: TrainEvent): Promise<void> {
  if (event.type === "progress") return send({ type: "event", event });
  const n = ++seq;
  const handled = new Promise<void>((resolve) => acks.set(n, resolve));
  if (event.type === "epoch" && event.sample) {
    // A copy of its own, so the transfer detaches nothing that Node's buffer pool shares.
    const sample = new Uint8Array(event.sample);
    send({ type: "event", event: { ...event, sample }, seq: n }, [sample.buffer]);
  } else {
    send({ type: "event", event, seq: n });
  }
  await handled;
  acks.delete(n);
}

try {
  const { dataset, limit, ...rest } = options;
  const result = await trainGan({ ...rest, dataset: loadDataset(dataset, { limit }), signal: stop.signal, onEvent });
  send({ type: "result", result });
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  send({ type: "error", error: { name: error.name, message: error.message, stack: error.stack, permanent: isPermanent(e) } });
}
// The parent ends the thread once it has the result; nothing here may keep it alive.
port.unref();
