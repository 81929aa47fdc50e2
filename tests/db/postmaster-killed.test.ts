import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/index.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { FakeDiscord, type InteractionHandle } from "../support/fake-discord.ts";
import { patternCommand } from "../support/pattern-command.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

/** A logger whose lines the test reads, and can wait on. */
function capturingLog() {
  const lines: { level: number; msg: string }[] = [];
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const log = pino({ level: "debug", base: undefined }, {
    write(line: string) {
      const j = JSON.parse(line) as { level: number; msg: string };
      lines.push(j);
      for (const w of waiters.filter((w) => w.re.test(j.msg))) w.resolve();
    },
  });
  const seen = (re: RegExp, times = 1) =>
    new Promise<void>((resolve) => {
      const check = () => lines.filter((l) => re.test(l.msg)).length >= times && (resolve(), true);
      if (!check()) waiters.push({ re, resolve: () => void check() });
    });
  return { log, lines, seen };
}

let fake: FakeDiscord;
const apps: App[] = [];
let external: EmbeddedDatabase | undefined;
afterAll(async () => {
  for (const app of apps) await app.stop();
  await external?.stop();
  await fake?.stop();
});

const ask = (i: number): InteractionHandle =>
  fake.interact({ name: "pattern", options: [{ name: "engine", type: 3, value: "slow" }, { name: "seed", type: 4, value: i }], userId: String(520000000000000000n + BigInt(i)) });

async function allSucceeded(app: App, handles: InteractionHandle[]) {
  const ids = handles.map((h) => h.id);
  return waitUntil(async () => {
    try {
      const rows = await app.db.prisma.generation.findMany({ where: { interactionId: { in: ids } }, include: { images: true } });
      return rows.length === ids.length && rows.every((g) => g.status === "succeeded") ? rows : undefined;
    } catch {
      return undefined; // the pool is still reconnecting
    }
  }, "every job to succeed");
}

it("the embedded postmaster SIGKILLed under a running GenLab: restarted on its own, jobs in flight and after end with one message and one record each", async () => {
  fake = await FakeDiscord.start();
  const dir = tempDir("genlab-pmkill-");
  const { log, lines, seen } = capturingLog();
  const app = await startApp({
    config: testConfig({ GENLAB_DATA_DIR: dir, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_JOB_HEARTBEAT_SECONDS: "10" }),
    log,
    bot: true,
    worker: true,
    engines: [patternEngine({ name: "slow", delayMs: 1500 })],
    commands: [patternCommand],
  });
  apps.push(app);
  expect(app.db.embedded).toBeDefined();
  const before = [1, 2, 3].map(ask);
  for (const h of before) expect((await h.callback()).type).toBe(5);
  await waitUntil(async () => ((await app.db.prisma.generation.count({ where: { status: "running" } })) > 0 ? true : undefined), "a running job");

  const pid = Number(readFileSync(join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(pid, "SIGKILL");
  await seen(/embedded PostgreSQL restarted/);
  expect(lines.filter((l) => /stopped unexpectedly \(killed by SIGKILL\)/.test(l.msg))).toHaveLength(1);

  const after = ask(4);
  expect((await after.callback()).type).toBe(5);
  const all = [...before, after];
  const rows = await allSucceeded(app, all);
  expect(rows.every((g) => g.images.length === 1 && g.messageId)).toBe(true);
  for (const h of all) {
    const posted = fake.channelMessages(fake.channelId).filter((m) => m.interactionToken === h.token && m.attachments.length > 0);
    expect(posted).toHaveLength(1);
  }
  await app.stop(); // the next test's bot is the only one on this fake Discord
  apps.splice(apps.indexOf(app), 1);
});

it("an external DATABASE_URL that goes away: one line when it is lost and one when it is back, not one per poll", async () => {
  const dir = tempDir("genlab-outage-");
  external = await startEmbeddedPostgres(dir, pino({ level: "silent" }));
  const { log, lines, seen } = capturingLog();
  const app = await startApp({
    config: testConfig({ DATABASE_URL: external.url, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_JOB_MONITOR_SECONDS: "1" }),
    log,
    bot: true,
    worker: true,
    engines: [patternEngine({ name: "slow", delayMs: 10 })],
    commands: [patternCommand],
  });
  apps.push(app);
  const port = external.port;
  await external.stop();
  // pg-boss's pollers fail several times a second: wait until many failures were seen.
  await seen(/lost the connection to the database/);
  await seen(/database still unreachable/, 6);
  external = await startEmbeddedPostgres(dir, pino({ level: "silent" }), port);
  await seen(/the database is reachable again/);
  const loud = lines.filter((l) => l.level >= 40);
  expect(loud.map((l) => l.msg)).toEqual(["lost the connection to the database; jobs wait and GenLab retries until it is back"]);
  expect(lines.filter((l) => /reachable again/.test(l.msg))).toHaveLength(1);

  const h = ask(10);
  expect((await h.callback()).type).toBe(5);
  await allSucceeded(app, [h]);
});
