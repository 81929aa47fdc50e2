import { describe, expect, it } from "vitest";
import { acknowledgement, acknowledgementsSent } from "../../src/commands/support/ack-first.ts";

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("acknowledgements before bookkeeping", () => {
  it("work after an acknowledgement waits for those under way, not for later ones, and not forever for a failed one", async () => {
    const events: string[] = [];
    const a = deferred();
    const b = deferred();
    const c = deferred();
    // Three requests acknowledge; A's bookkeeping must wait for B's and C's acknowledgements.
    const first = acknowledgement(() => a.promise).then(async () => {
      await acknowledgementsSent();
      events.push("A bookkeeping");
    });
    const second = acknowledgement(() => b.promise).then(() => events.push("B acked"));
    const third = acknowledgement(() => c.promise).catch(() => events.push("C failed"));
    a.resolve();
    await tick();
    expect(events).toEqual([]);
    b.resolve();
    await tick();
    expect(events).toEqual(["B acked"]);
    // A request arriving now does not hold A back; a failed acknowledgement counts as done.
    const late = deferred();
    const fourth = acknowledgement(() => late.promise);
    c.reject(new Error("refused"));
    await first;
    expect(events).toEqual(["B acked", "C failed", "A bookkeeping"]);
    late.resolve();
    await Promise.all([second, third, fourth]);
    // Nothing under way: at once.
    await acknowledgementsSent();
  });

  it("returns the acknowledgement's value and passes its error on", async () => {
    await expect(acknowledgement(async () => 42)).resolves.toBe(42);
    await expect(acknowledgement(async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
  });
});
