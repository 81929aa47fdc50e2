import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/index.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { FakeDiscord, type InteractionHandle } from "../support/fake-discord.ts";
import { patternCommand } from "../support/pattern-command.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

/**
 * Faults while a class is using GenLab: the database restarts mid-run, and Discord answers
 * with 429s and 500s. Nothing may be lost and nothing doubled. This file runs its own
 * PostgreSQL, since it stops it.
 */
const log = createLogger("silent");
let dir: string;
let pg: EmbeddedDatabase;
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  dir = tempDir("genlab-faults-");
  pg = await startEmbeddedPostgres(dir, log);
  fake = await FakeDiscord.start();
  const config = testConfig({ DATABASE_URL: pg.url, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_MAX_JOBS_PER_USER: "10", GENLAB_JOB_HEARTBEAT_SECONDS: "10" });
  app = await startApp({ config, log, bot: true, worker: true, engines: [patternEngine({ name: "slow", delayMs: 400 })], commands: [patternCommand] });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
  await pg?.stop();
});

const ask = (i: number): InteractionHandle =>
  fake.interact({ name: "pattern", options: [{ name: "engine", type: 3, value: "slow" }, { name: "seed", type: 4, value: i }], userId: String(510000000000000000n + BigInt(i % 3)) });

describe("faults mid-run", () => {
  it("Discord's 429s and 500s on result posts: every result arrives once", async () => {
    fake.rateLimitNext(/\/messages\/@original$/, 0.3, 3);
    fake.failNext(/\/messages\/@original$/, 3, 500);
    const handles = Array.from({ length: 6 }, (_, i) => ask(i));
    for (const h of handles) expect((await h.callback()).type).toBe(5);
    const ids = handles.map((h) => h.id);
    await waitUntil(async () => ((await app.db.prisma.generation.count({ where: { interactionId: { in: ids }, status: "succeeded" } })) === 6 ? true : undefined), "six results");
    for (const h of handles) expect(h.original()?.attachments).toHaveLength(1);
    expect(fake.requests.filter((r) => r.status === 500).length).toBe(3);
    expect(fake.requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    expect(fake.channelMessages(fake.channelId).filter((m) => m.attachments.length > 0 && ids.some((_, i) => m.interactionToken === handles[i]!.token))).toHaveLength(6);
  });

  it("the gateway drops while jobs are queued: the session resumes, queued work is posted once, new commands are answered", async () => {
    const handles = Array.from({ length: 4 }, (_, i) => ask(200 + i));
    for (const h of handles) expect((await h.callback()).type).toBe(5);
    const resumed = new Promise((resolve) => app.bot!.client.once("shardResume", resolve));
    fake.dropConnections();
    await resumed;
    const after = ask(300);
    expect((await after.callback()).type).toBe(5);
    const all = [...handles, after];
    await waitUntil(async () => ((await app.db.prisma.generation.count({ where: { interactionId: { in: all.map((h) => h.id) }, status: "succeeded" } })) === 5 ? true : undefined), "five results");
    for (const h of all) expect(h.original()?.attachments).toHaveLength(1);
    expect(fake.connectedSessions()).toBe(1);
  });

  it("PostgreSQL restarts while jobs are queued and running: each ends with one result and one record", async () => {
    const handles = Array.from({ length: 6 }, (_, i) => ask(100 + i));
    for (const h of handles) expect((await h.callback()).type).toBe(5);
    const ids = handles.map((h) => h.id);
    await waitUntil(async () => ((await app.db.prisma.generation.count({ where: { interactionId: { in: ids } } })) === 6 ? true : undefined), "the six rows");
    // Mid-run: at least one job is being drawn.
    await waitUntil(async () => ((await app.db.prisma.generation.count({ where: { interactionId: { in: ids }, status: "running" } })) > 0 ? true : undefined), "a running job");
    const port = pg.port;
    await pg.stop();
    await new Promise((r) => setTimeout(r, 1500));
    pg = await startEmbeddedPostgres(dir, log, port);
    const done = await waitUntil(async () => {
      try {
        const rows = await app.db.prisma.generation.findMany({ where: { interactionId: { in: ids } }, include: { images: true } });
        return rows.every((g) => g.status === "succeeded") ? rows : undefined;
      } catch {
        return undefined; // the pool is still reconnecting
      }
    }, "every job to finish after the restart");
    expect(done.every((g) => g.images.length === 1 && g.messageId)).toBe(true);
    for (const h of handles) expect(h.original()?.attachments).toHaveLength(1);
    const posted = fake.channelMessages(fake.channelId).filter((m) => handles.some((h) => h.token === m.interactionToken) && m.attachments.length > 0);
    expect(posted).toHaveLength(6);
  });
});
