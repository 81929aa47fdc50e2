import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPermanent } from "../../../src/engines/errors.ts";
import { loadNative } from "../../../src/engines/gan/native.ts";
import { trainGanInThread, type ThreadTrainOptions } from "../../../src/engines/gan/train-in-thread.ts";
import type { TrainEvent } from "../../../src/engines/gan/train.ts";
import { tempDir } from "../../support/config.ts";

// 64 real digits, one epoch: the least that runs the thread end to end.
/** Each thread of this process → its Linux scheduling policy (field 41 of its stat; 5 = SCHED_IDLE). */
function policies(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[38]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

const base = (): ThreadTrainOptions => ({ dataset: "mnist", limit: 64, arch: "mlp", conditional: false, epochs: 1, batch: 32, sampleEvery: 1, seed: 3, outDir: tempDir("genlab-thread-"), resume: false });

describe("trainGanInThread", () => {
  it("trains in a thread: the listener gets each event in order, the epoch's grid as PNG bytes, and the files are written", async () => {
    const o = base();
    const events: TrainEvent[] = [];
    const result = await trainGanInThread({ ...o, onEvent: (e) => void events.push(e) });
    expect(result).toEqual({ modelDir: join(o.outDir, "model"), epochsDone: 1, stopped: false });
    const kinds = events.map((e) => e.type).filter((t) => t !== "progress");
    expect(kinds).toEqual(["start", "epoch", "done"]);
    const epoch = events.find((e) => e.type === "epoch")!;
    expect(epoch.type === "epoch" && [...epoch.sample!.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    expect(existsSync(join(o.outDir, "checkpoint", "model.json"))).toBe(true);
    expect(existsSync(join(o.outDir, "final-grid.png"))).toBe(true);
  });

  it.skipIf(process.platform !== "linux" || !loadNative())("with the native trainer, the training thread runs at SCHED_IDLE and the caller's thread keeps its policy", async () => {
    let seen: Map<number, number> | undefined;
    // At "start" the thread waits for this listener, so it is alive and has made its trainer.
    await trainGanInThread({ ...base(), onEvent: (e) => void (e.type === "start" && (seen = policies())) });
    expect(seen!.get(process.pid)).toBe(0);
    expect([...seen!.values()].filter((p) => p === 5).length).toBeGreaterThan(0);
  });

  it("a request the engine refuses stays a permanent error across the thread boundary", async () => {
    const error = await trainGanInThread({ ...base(), batch: 0 }).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toBe("--batch must be a whole number from 1 to 1024, not 0.");
  });

  it("a listener that throws ends the run with its error, before the epoch's checkpoint", async () => {
    const o = base();
    const run = trainGanInThread({ ...o, onEvent: (e) => {
      if (e.type === "epoch") throw new Error("database gone");
    } });
    await expect(run).rejects.toThrow("database gone");
    expect(existsSync(join(o.outDir, "checkpoint", "model.json"))).toBe(false);
  });

  it("terminate ends the thread at once and rejects", async () => {
    const terminate = new AbortController();
    const run = trainGanInThread({ ...base(), terminate: terminate.signal, onEvent: (e) => void (e.type === "start" && terminate.abort()) });
    await expect(run).rejects.toThrow(/shutting down/);
  });
});
