import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import type { PrismaClient } from "../../src/db/client.ts";
import { DiscordPublisher } from "../../src/discord/publisher.ts";
import { EngineRegistry } from "../../src/engines/index.ts";
import { runGenerateJob } from "../../src/generations/worker.ts";
import { createLogger } from "../../src/log.ts";
import { exited, hasExited, spawnWorkerChild } from "../support/cli.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord } from "../support/fake-discord.ts";
import { patternCommand } from "../support/pattern-command.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

let fake: FakeDiscord;
let bot: App;
let env: Record<string, string>;
const children: ChildProcess[] = [];

/** A separate `genlab worker` process (with the test engine) on the same database. */
async function spawnWorker(extra: Record<string, string>): Promise<ChildProcess> {
  const child = await spawnWorkerChild({ ...env, ...extra });
  children.push(child);
  return child;
}

beforeAll(async () => {
  fake = await FakeDiscord.start();
  env = {
    DATABASE_URL: await createTestDatabase("kill"),
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    GENLAB_DATA_DIR: tempDir("genlab-kill-"),
    GENLAB_JOB_HEARTBEAT_SECONDS: "10",
    GENLAB_JOB_MONITOR_SECONDS: "1",
    GENLAB_JOB_RETRY_DELAY_SECONDS: "1",
    LOG_LEVEL: "warn",
  };
  // The bot alone: every job runs in a child worker.
  bot = await startApp({ config: testConfig(env), log: createLogger("silent"), bot: true, worker: false, engines: [patternEngine()], commands: [patternCommand] });
});

afterAll(async () => {
  await killWorkers();
  await bot?.stop();
  await fake?.stop();
});

async function killWorkers() {
  for (const c of children) {
    if (!hasExited(c)) c.kill("SIGKILL");
    await exited(c);
  }
}

it("a worker killed with SIGKILL mid-job: the job is retried elsewhere, with one provenance record and one message", async () => {
  const marker = join(tempDir("genlab-marker-"), "started");
  const doomed = await spawnWorker({ PATTERN_DELAY_MS: "600000", PATTERN_STARTED_MARKER: marker });

  const h = fake.interact({ name: "pattern", options: [{ name: "n", type: 4, value: 3 }, { name: "seed", type: 4, value: 99 }] });
  expect((await h.callback()).type).toBe(5);
  await waitUntil(async () => existsSync(marker), "the first worker to start the job");
  doomed.kill("SIGKILL");
  await exited(doomed);

  await spawnWorker({ PATTERN_DELAY_MS: "0" });
  const gen = await waitUntil(
    () => bot.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" }, include: { images: true } }),
    "the job to be retried and succeed",
  );
  expect(gen.attempts).toBe(2);
  expect(gen.images).toHaveLength(3);
  expect(await bot.db.prisma.generation.count({ where: { interactionId: h.id } })).toBe(1);
  expect(await bot.db.prisma.image.count({ where: { generationId: gen.id } })).toBe(3);

  const withImages = fake.channelMessages(fake.channelId).filter((m) => m.attachments.length > 0 && m.interactionToken === h.token);
  expect(withImages).toHaveLength(1);
  expect(withImages[0]!.id).toBe(gen.messageId);
  expect(fake.channelMessages(fake.channelId).filter((m) => m.interactionToken === h.token)).toHaveLength(1);
});

it("a worker that dies after posting but before recording: the retry edits the same message and records once", async () => {
  await killWorkers(); // this test runs the job by hand
  const h = fake.interact({ name: "pattern", options: [{ name: "n", type: 4, value: 2 }] });
  await h.callback();
  const gen = await waitUntil(() => bot.db.prisma.generation.findFirst({ where: { interactionId: h.id, jobId: { not: null } } }), "the generation to be queued");

  // The first attempt "dies" at the provenance record (the statement that moves the row to
  // succeeded and writes its images), after the images were posted. A client that is not the
  // one createPrismaClient made sends GenLab's own statements through $queryRawUnsafe.
  let crashed = false;
  const dyingPrisma = new Proxy(bot.db.prisma, {
    get(target, key) {
      if (key === "$transaction" || key === "$queryRawUnsafe") {
        const real = Reflect.get(target, key) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const records = key === "$transaction" || (typeof args[0] === "string" && args[0].includes('INSERT INTO "Image"'));
          if (records && !crashed) {
            crashed = true;
            return Promise.reject(new Error("worker killed"));
          }
          return real.apply(target, args);
        };
      }
      return Reflect.get(target, key);
    },
  }) as PrismaClient;
  const deps = { engines: new EngineRegistry([patternEngine()]), publisher: DiscordPublisher.fromToken(fake.token, fake.apiUrl), dataDir: env.GENLAB_DATA_DIR!, log: createLogger("silent") };
  const job = (retryCount: number) => ({ id: "j", name: "generate", data: { generationId: gen.id }, retryCount, retryLimit: 3, signal: new AbortController().signal }) as never;

  await expect(runGenerateJob({ ...deps, prisma: dyingPrisma }, job(0))).rejects.toThrow("worker killed");
  expect(crashed).toBe(true);
  expect(await bot.db.prisma.generation.findUniqueOrThrow({ where: { id: gen.id }, include: { images: true } })).toMatchObject({ status: "queued", attempts: 1, images: [] }); // to be retried
  expect(h.original()?.attachments).toHaveLength(3); // already posted: grid + 2

  await runGenerateJob({ ...deps, prisma: bot.db.prisma }, job(1));
  const done = await bot.db.prisma.generation.findUniqueOrThrow({ where: { id: gen.id }, include: { images: true } });
  expect(done.status).toBe("succeeded");
  expect(done.attempts).toBe(2);
  expect(done.images).toHaveLength(2);
  expect(done.messageId).toBe(h.original()!.id);
  expect(fake.channelMessages(fake.channelId).filter((m) => m.interactionToken === h.token)).toHaveLength(1);

  // A stray duplicate delivery of the finished job changes nothing.
  await runGenerateJob({ ...deps, prisma: bot.db.prisma }, job(2));
  expect((await bot.db.prisma.generation.findUniqueOrThrow({ where: { id: gen.id } })).attempts).toBe(2);
});
