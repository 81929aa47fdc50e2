import { expect, it } from "vitest";
import { registerSecrets } from "../../../src/config/redact.ts";
import { EngineUnavailableError, isPermanent } from "../../../src/engines/errors.ts";
import { GanEngine } from "../../../src/engines/gan/engine.ts";
import { GanCatalog, shippedModelsDir } from "../../../src/engines/gan/catalog.ts";
import { EngineRegistry } from "../../../src/engines/registry.ts";
import { EngineThread, generateInThread, liveEngineThreads } from "../../../src/engines/threaded/index.ts";
import { StartBackoff } from "../../../src/engines/threaded/start-backoff.ts";

it("an engine that throws as its thread builds it is started once per backoff window, logged once, and refused in one sentence meanwhile", async () => {
  // The catalog's options are read as the engine is constructed in the thread: null throws there
  // ("Cannot read properties of null (reading 'privateDirs')"), before the engine is ready.
  registerSecrets(["privateDirs"]); // stands for a secret in the failure's message: it must not reach the log
  let now = 0;
  const lines: string[] = [];
  const thread = new EngineThread({ kind: "gan", dirs: [shippedModelsDir], catalog: null as never }, { now: () => now, log: { error: (_fields, message) => lines.push(message) } });
  const attempt = () => thread.generate({ model: "mnist-mlp", n: 1, seed: 1 }).then(
    () => expect.unreachable("the thread cannot start"),
    (e: unknown) => e as Error,
  );

  const first = await attempt();
  expect(first).toBeInstanceOf(EngineUnavailableError);
  expect(isPermanent(first)).toBe(true);
  expect(first.message).toBe("The gan engine could not start on this GenLab worker: ask the teacher to look at GenLab's log.");
  expect(thread.starts).toBe(1);

  // Within the first second, jobs get the same sentence and no thread is started for them.
  now = 999;
  expect((await attempt()).message).toBe(first.message);
  expect((await attempt()).message).toBe(first.message);
  expect(thread.starts).toBe(1);

  // Then one try, which fails again: the window doubles to 2 s.
  now = 1_000;
  expect((await attempt()).message).toBe(first.message);
  expect(thread.starts).toBe(2);
  now = 2_999;
  await attempt();
  expect(thread.starts).toBe(2);
  now = 3_000;
  await attempt();
  expect(thread.starts).toBe(3);

  // One line for the operator, with the reason and without the secret, however many jobs failed.
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^The gan engine's thread failed to start \(Cannot read properties of null \(reading '\[redacted\]'\)\)/);
  expect(lines[0]).not.toMatch(/\n/);
  await thread.close();
  expect(liveEngineThreads()).toBe(0); // the failed threads have exited too

});

it("the wait after failed starts doubles from 1 s to at most 60 s, and a start that works ends it", () => {
  let now = 0;
  const backoff = new StartBackoff(() => now);
  const error = new Error("no");
  const waits = Array.from({ length: 9 }, () => backoff.failed(error));
  expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  now = 59_999;
  expect(backoff.blocked()).toBe(error);
  backoff.succeeded();
  expect(backoff.blocked()).toBeUndefined();
  expect(backoff.failed(error)).toBe(1_000);
  now = 60_000;
  expect(backoff.blocked()).toBe(error);
  now = 61_000;
  expect(backoff.blocked()).toBeUndefined();
});

it("closing the registry ends every engine thread and waits until they have exited", async () => {
  const thread = new EngineThread({ kind: "gan", dirs: [shippedModelsDir], catalog: {} });
  const registry = new EngineRegistry([generateInThread(new GanEngine(new GanCatalog([shippedModelsDir])), thread)]);
  const engine = registry.get("gan");
  await engine.generate(engine.validate({ model: "mnist-mlp", n: 1, seed: 1 }), { signal: new AbortController().signal, onProgress: () => {} });
  expect(liveEngineThreads()).toBe(1); // idle after its job, and kept
  await registry.close();
  expect(liveEngineThreads()).toBe(0);
  expect(thread.starts).toBe(1);
});
