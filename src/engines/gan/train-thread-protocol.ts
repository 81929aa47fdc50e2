import type { Arch } from "./spec.ts";
import type { TrainEvent } from "./train.ts";

/** What a training thread is started with: trainGan's options, with the dataset by name. */
export interface ThreadTrainOptions {
  /** A dataset spec as loadDataset takes it ("fashion-mnist", "idx:…"), loaded in the thread. */
  dataset: string;
  limit?: number;
  arch: Arch;
  conditional: boolean;
  auxClassifier?: boolean;
  epochs: number;
  batch: number;
  sampleEvery: number;
  seed: number;
  outDir: string;
  resume: boolean;
  lr?: number;
  emaDecay?: number;
  allowSlowBackend?: boolean;
  name?: string;
}

export interface TrainResult {
  modelDir: string;
  epochsDone: number;
  stopped: boolean;
}

/** An error as it crosses the thread boundary (classes do not survive structured cloning). */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  /** isPermanent() in the thread: a retry cannot fix it. */
  permanent: boolean;
}

/** Thread → parent. `seq` is set on events the thread waits for (see ParentMessage "ack"). */
export type ThreadMessage =
  | { type: "event"; event: TrainEvent; seq?: number }
  | { type: "result"; result: TrainResult }
  | { type: "error"; error: ThreadError };

/** Parent → thread: "ack" once the parent's listener has handled event `seq`; "stop" is the Stop button. */
export type ParentMessage = { type: "ack"; seq: number } | { type: "stop" };
