import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { liveEngineThreads } from "../../src/engines/threaded/index.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

// The bot and its worker in one process, as `genlab start` runs them: judging a generator
// (classifying thousands of samples, inverting it by gradient descent) must not hold the
// event loop that the gateway, the router and every acknowledgement need.
let fake: FakeDiscord;
let app: App;
let stopped = false;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const config = testConfig({ DATABASE_URL: await createTestDatabase("jobs_responsive"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_DATA_DIR: tempDir("genlab-jobs-responsive-") });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  if (!stopped) await app?.stop();
  await fake?.stop();
});

it("commands are acknowledged within Discord's 3 s while /evaluate and /denoise jobs run", async () => {
  await fake.interact({ name: "queue" }).callback(); // a first command's cold start is not what this is about
  // 3,000 samples through the classifier and its reference statistics, and an inversion: seconds
  // of arithmetic each on two cores.
  const jobs = [
    fake.interact({ name: "evaluate", userId: "600000000000000201", options: [{ name: "model", type: 3, value: "mnist-mlp" }, { name: "n", type: 4, value: 3000 }, { name: "seed", type: 4, value: 1 }] }),
    fake.interact({ name: "denoise", userId: "600000000000000202", options: [{ name: "model", type: 3, value: "mnist-mlp" }, { name: "n", type: 4, value: 2 }, { name: "seed", type: 4, value: 1 }] }),
  ];
  const queueing: { type: number | undefined; during: string }[] = [];
  for (const h of jobs) queueing.push({ type: await fake.acknowledged(h, fake.lateCallbacks), during: "queueing" });
  await waitUntil(async () => (await app.db.prisma.generation.count()) === 2, "both jobs to be queued");

  // One /queue after another for as long as the jobs last.
  const sent = [
    ...queueing,
    ...(await fake.queueWhile(async () => {
      const gens = await app.db.prisma.generation.findMany({ select: { status: true } });
      const during = gens.some((g) => g.status === "running") ? "running" : gens.map((g) => g.status).join(",");
      return { during, ended: gens.every((g) => ["succeeded", "failed", "cancelled"].includes(g.status)) };
    })),
  ];
  const gens = await app.db.prisma.generation.findMany({ select: { command: true, status: true, error: true } });
  expect(gens.map((g) => [g.command, g.status, g.error]).sort()).toEqual([
    ["denoise", "succeeded", null],
    ["evaluate", "succeeded", null],
  ]);
  // The commands overlapped the jobs, and every one was answered in time.
  expect(sent.filter((s) => s.during === "running").length).toBeGreaterThan(0);
  expect(sent.filter((s) => s.type === undefined)).toEqual([]);
  expect(fake.lateCallbacks).toBe(0);
});

it("stopping the app ends the engine threads its jobs ran in, and waits for them", async () => {
  expect(liveEngineThreads()).toBeGreaterThan(0); // the eval engine's, idle and kept after the jobs above
  stopped = true;
  await app.stop();
  expect(liveEngineThreads()).toBe(0);
});
