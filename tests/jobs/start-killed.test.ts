import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { exited, hasExited, startGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";
import { FakeDiscord, type FakeMessage, type InteractionHandle } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

/**
 * The whole of `genlab start` — bot, worker, training thread, engine threads, embedded
 * PostgreSQL — killed with SIGKILL mid-work and started again, as a crashed machine or an OOM
 * kill leaves it. Real processes, real PostgreSQL; Discord is the fake in this process, so it
 * outlives both GenLabs and sees every message.
 */
let fake: FakeDiscord;
const children: ChildProcess[] = [];
const prismas: PrismaClient[] = [];
let dir = "";

afterAll(async () => {
  for (const p of prismas) await p.$disconnect();
  for (const c of children) {
    if (!hasExited(c)) c.kill("SIGKILL");
    await exited(c);
  }
  try {
    process.kill(postmaster(dir).pid, "SIGINT"); // what a failed test left behind
  } catch {
    // none left
  }
  await fake?.stop();
});

function postmaster(dataDir: string): { pid: number; port: number } {
  const lines = readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/** Alive and not a zombie (an orphan's new parent may be slow to reap it). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** A connection of the test's own to the GenLab's embedded database. */
function database(dataDir: string): PrismaClient {
  const password = readFileSync(join(dataDir, "postgres.secret"), "utf8").trim();
  const prisma = createPrismaClient(`postgresql://genlab:${encodeURIComponent(password)}@127.0.0.1:${postmaster(dataDir).port}/genlab`, 2);
  prismas.push(prisma);
  return prisma;
}

async function start(env: Record<string, string>) {
  const started = await startGenlab(["start"], env, /GenLab is running/);
  children.push(started.child);
  return started;
}

// Small epochs, enough of them that the kill lands mid-run (as tests/jobs/training-killed.test.ts).
const EPOCHS = 8;
const ALL = Array.from({ length: EPOCHS }, (_, i) => i + 1);

it("genlab start SIGKILLed with a training run and three /gan sample jobs in flight, started again: no orphaned postmaster, the run resumes from its checkpoint, each job ends with one message and one record", async () => {
  fake = await FakeDiscord.start();
  dir = tempDir("genlab-startkill-");
  const env = {
    GENLAB_DATA_DIR: dir,
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    GENLAB_JOB_HEARTBEAT_SECONDS: "10",
    GENLAB_JOB_MONITOR_SECONDS: "1",
    GENLAB_JOB_RETRY_DELAY_SECONDS: "1",
    GENLAB_USER_PER_MINUTE: "600",
    LOG_LEVEL: "info",
  };
  const first = await start(env);
  const orphan = postmaster(dir).pid;

  const train = await fake
    .interact({ name: "train", permissions: "32", options: [{ type: 1, name: "start", options: [{ name: "dataset", type: 3, value: "fashion-mnist" }, { name: "arch", type: 3, value: "mlp" }, { name: "epochs", type: 4, value: EPOCHS }, { name: "limit", type: 4, value: 2048 }] }] })
    .callback();
  const name = /Queued \*\*([\w-]+)\*\*/.exec(train.data.content)![1]!;
  const isEpoch = (m: FakeMessage) => m.embeds.some((e) => new RegExp(`^${name} · epoch \\d/${EPOCHS}$`).test(e.title ?? ""));
  await fake.waitForMessage(isEpoch, 120_000);

  // Three students ask for samples; GenLab dies the moment all three are queued.
  const samples: InteractionHandle[] = [1, 2, 3].map((i) =>
    fake.interact({ name: "gan", userId: String(610000000000000000n + BigInt(i)), options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "mnist-mlp" }, { name: "n", type: 4, value: 64 }, { name: "seed", type: 4, value: i }] }] }),
  );
  for (const h of samples) expect((await h.callback()).type).toBe(5);
  const before = database(dir);
  await waitUntil(async () => (await before.generation.count({ where: { jobId: { not: null } } })) === 3, "the three jobs to be queued");
  first.child.kill("SIGKILL");
  await exited(first.child);
  await before.$disconnect();
  const results = (h: InteractionHandle) => fake.channelMessages(fake.channelId).filter((m) => m.interactionToken === h.token && m.attachments.length > 0);
  // The kill landed mid-work: the run had epochs left, and samples were still to be posted.
  expect(fake.channelMessages(fake.channelId).filter(isEpoch).length).toBeLessThan(EPOCHS);
  expect(samples.filter((h) => results(h).length > 0).length).toBeLessThan(3);
  expect(running(orphan)).toBe(true); // nothing but the next start can stop it

  const second = await start(env);
  // The orphan was stopped, and said so once.
  expect(second.output().split("\n").filter((l) => /left running by a GenLab that is gone/.test(l))).toHaveLength(1);
  expect(running(orphan)).toBe(false);
  const db = database(dir);

  const run = await waitUntil(() => db.trainingRun.findFirst({ where: { modelName: name, status: "succeeded" }, include: { epochs: { orderBy: { epoch: "asc" } } } }), "the run to be resumed and finish", 300_000);
  expect(run.epochs.map((e) => e.epoch)).toEqual(ALL);
  expect(fake.channelMessages(fake.channelId).filter(isEpoch).map((m) => m.embeds[0].title)).toEqual(ALL.map((k) => `${name} · epoch ${k}/${EPOCHS}`));

  const ids = samples.map((h) => h.id);
  const gens = await waitUntil(async () => {
    const rows = await db.generation.findMany({ where: { interactionId: { in: ids } }, include: { images: true } });
    return rows.length === 3 && rows.every((g) => g.status === "succeeded") ? rows : undefined;
  }, "the three samples to be posted", 120_000);
  for (const h of samples) {
    const posted = results(h);
    expect(posted).toHaveLength(1);
    const gen = gens.find((g) => g.interactionId === h.id)!;
    expect(gen.messageId).toBe(posted[0]!.id);
    expect(gen.images).toHaveLength(64);
  }
  expect(await db.generation.count()).toBe(3);

  // And a clean stop leaves nothing running.
  await db.$disconnect();
  const pm = postmaster(dir).pid;
  second.child.kill("SIGTERM");
  expect(await exited(second.child)).toBe(0);
  expect(running(pm)).toBe(false);
});
