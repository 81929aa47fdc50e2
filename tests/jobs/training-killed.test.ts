import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { exited, hasExited, spawnWorkerChild } from "../support/cli.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type FakeMessage } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

let fake: FakeDiscord;
let bot: App;
let env: Record<string, string>;
const children: ChildProcess[] = [];

async function spawnWorker(): Promise<ChildProcess> {
  const child = await spawnWorkerChild(env);
  children.push(child);
  return child;
}

beforeAll(async () => {
  fake = await FakeDiscord.start();
  env = {
    DATABASE_URL: await createTestDatabase("trainkill"),
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    GENLAB_DATA_DIR: tempDir("genlab-trainkill-"),
    GENLAB_JOB_HEARTBEAT_SECONDS: "10",
    GENLAB_JOB_MONITOR_SECONDS: "1",
    GENLAB_JOB_RETRY_DELAY_SECONDS: "1",
    LOG_LEVEL: "warn",
  };
  bot = await startApp({ config: testConfig(env), log: createLogger("silent"), bot: true, worker: false });
});

afterAll(async () => {
  for (const c of children) {
    if (!hasExited(c)) c.kill("SIGKILL");
    await exited(c);
  }
  await bot?.stop();
  await fake?.stop();
});

// Small epochs, enough of them that the kill lands mid-run.
const EPOCHS = 8;
const ALL = Array.from({ length: EPOCHS }, (_, i) => i + 1);

it("a training worker killed with SIGKILL: another resumes from the checkpoint, losing and repeating no epoch", async () => {
  const doomed = await spawnWorker();
  const cb = await fake
    .interact({ name: "train", permissions: "32", options: [{ type: 1, name: "start", options: [{ name: "dataset", type: 3, value: "fashion-mnist" }, { name: "arch", type: 3, value: "mlp" }, { name: "epochs", type: 4, value: EPOCHS }, { name: "limit", type: 4, value: 2048 }] }] })
    .callback();
  const name = /Queued \*\*([\w-]+)\*\*/.exec(cb.data.content)![1]!;
  const isEpoch = (m: FakeMessage) => m.embeds.some((e) => new RegExp(`^${name} · epoch \\d/${EPOCHS}$`).test(e.title ?? ""));
  await fake.waitForMessage(isEpoch, 120_000);
  doomed.kill("SIGKILL");
  await exited(doomed);
  const before = (await bot.db.prisma.trainingRun.findFirst({ where: { modelName: name } }))!.epochsDone;
  expect(before).toBeLessThan(EPOCHS);

  await spawnWorker();
  const run = await waitUntil(() => bot.db.prisma.trainingRun.findFirst({ where: { modelName: name, status: "succeeded" }, include: { epochs: { orderBy: { epoch: "asc" } } } }), "the run to be resumed and finish", 200_000);
  expect(run.epochs.map((e) => e.epoch)).toEqual(ALL);
  const posts = fake.channelMessages(fake.channelId).filter(isEpoch).map((m) => m.embeds[0].title);
  expect(posts).toEqual(ALL.map((k) => `${name} · epoch ${k}/${EPOCHS}`));
  expect(fake.channelMessages(fake.channelId).filter((m) => m.embeds.some((e) => e.title === `Training ${name}`))).toHaveLength(1);
});
