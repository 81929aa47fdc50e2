import type { TrainEvent, TrainOptions } from "./train.ts";

/**
 * What a training thread is started with: trainGan's options, with the dataset by name (it is
 * loaded in the thread) and without what cannot cross a thread (the signal, the listener).
 */
export type ThreadTrainOptions = Omit<TrainOptions, "dataset" | "signal" | "onEvent"> & {
  /** A dataset spec as loadDataset takes it ("fashion-mnist", "idx:…"). */
  dataset: string;
  limit?: number;
};

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
