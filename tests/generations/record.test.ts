// A time zone far from UTC, set before any date is made: timestamps must still be stored and
// read as UTC, as Prisma stores them (node-postgres alone would use local time).
process.env.TZ = "Pacific/Chatham";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/config/errors.ts";
import { openDatabase, type Database } from "../../src/db/index.ts";
import { sql } from "../../src/db/client.ts";
import { checkLimits, type RequestLimits } from "../../src/generations/limits.ts";
import { queuePosition } from "../../src/generations/queue-position.ts";
import { INTERACTION_TOKEN_LIFETIME_MS, recordGeneration, type GenerationRequest } from "../../src/generations/record.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";

let db: Database;

const GUILD = "300000000000000001";
let next = 0;
function request(user: string, over: Partial<GenerationRequest> = {}): GenerationRequest {
  next++;
  return {
    command: "pattern",
    engine: "pattern",
    params: { n: 1, seed: next, tags: ["a", "b"] },
    requester: { id: user, username: `student-${user.slice(-3)}` },
    guild: { id: GUILD, name: "Lab" },
    channelId: "400000000000000001",
    interaction: { id: `5000000000000${String(next).padStart(5, "0")}`, token: `token-${next}`, applicationId: "700000000000000001", createdAt: new Date(Date.now() - 2_000) },
    ...over,
  };
}

const roomy: RequestLimits = { maxJobsPerUser: 100, userPerMinute: 600, guildPerMinute: 6000 };

beforeAll(async () => {
  db = await openDatabase(testConfig({ DATABASE_URL: await createTestDatabase("record") }), createLogger("silent"));
});

afterAll(async () => {
  await db?.close();
});

describe("recording a generation (one statement)", () => {
  it("runs in a time zone other than UTC", () => {
    expect(new Date(2026, 0, 1).getTimezoneOffset()).not.toBe(0);
  });

  it("writes the row, the person and the server as Prisma reads them back, timestamps in UTC", async () => {
    const before = Date.now();
    const req = request("200000000000000001");
    const g = await recordGeneration(db.prisma, req, roomy);
    const row = await db.prisma.generation.findUniqueOrThrow({ where: { id: g.id } });
    expect(row).toMatchObject({
      status: "queued",
      command: "pattern",
      engine: "pattern",
      params: req.params,
      requesterId: "200000000000000001",
      guildId: GUILD,
      channelId: "400000000000000001",
      interactionId: req.interaction!.id,
      interactionToken: req.interaction!.token,
      applicationId: "700000000000000001",
      jobId: g.jobId,
      attempts: 0,
      model: null,
      seed: null,
    });
    expect(row.queuedAt.getTime()).toBe(g.queuedAt.getTime());
    expect(row.queuedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row.queuedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    expect(row.createdAt.getTime()).toBe(row.queuedAt.getTime());
    expect(row.tokenExpiresAt!.getTime()).toBe(req.interaction!.createdAt.getTime() + INTERACTION_TOKEN_LIFETIME_MS);
    // And as the statements that read them compare them: queued a moment ago, not hours off.
    const [age] = await sql<{ ms: number }>(db.prisma, `SELECT (extract(epoch FROM ($2::timestamp - "queuedAt")) * 1000)::float8 AS ms FROM "Generation" WHERE id = $1::uuid`, [g.id, new Date()]);
    expect(age!.ms).toBeGreaterThanOrEqual(0);
    expect(age!.ms).toBeLessThan(60_000);
    const [back] = await sql<{ queuedAt: Date }>(db.prisma, `SELECT "queuedAt" FROM "Generation" WHERE id = $1::uuid`, [g.id]);
    expect(back!.queuedAt.getTime()).toBe(row.queuedAt.getTime());

    expect(await db.prisma.user.findUnique({ where: { id: "200000000000000001" } })).toMatchObject({ username: "student-001" });
    expect(await db.prisma.guild.findUnique({ where: { id: GUILD } })).toMatchObject({ name: "Lab", settings: {} });
  });

  it("updates a known person's name, keeps a server's name it was not told, and records a DM without a server", async () => {
    await recordGeneration(db.prisma, request("200000000000000002", { requester: { id: "200000000000000002", username: "old" } }), roomy);
    await recordGeneration(db.prisma, request("200000000000000002", { requester: { id: "200000000000000002", username: "new" }, guild: { id: GUILD } }), roomy);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: "200000000000000002" } })).username).toBe("new");
    expect((await db.prisma.guild.findUniqueOrThrow({ where: { id: GUILD } })).name).toBe("Lab");
    await recordGeneration(db.prisma, request("200000000000000002", { requester: { id: "200000000000000002" } }), roomy);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: "200000000000000002" } })).username).toBe("new");

    const dm = await recordGeneration(db.prisma, request("200000000000000003", { guild: null }), roomy);
    expect(await db.prisma.generation.findUniqueOrThrow({ where: { id: dm.id } })).toMatchObject({ guildId: null, requesterId: "200000000000000003" });
  });

  it("refuses a request over a limit with checkLimits's very sentence, writing nothing", async () => {
    const user = "200000000000000010";
    const limits: RequestLimits = { maxJobsPerUser: 2, userPerMinute: 600, guildPerMinute: 6000 };
    await recordGeneration(db.prisma, request(user), limits);
    await recordGeneration(db.prisma, request(user), limits);
    const refused = await recordGeneration(db.prisma, request(user), limits).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserFacingError);
    const config = { GENLAB_MAX_JOBS_PER_USER: 2, GENLAB_USER_PER_MINUTE: 600, GENLAB_GUILD_PER_MINUTE: 6000 };
    const sentence = await checkLimits(db.prisma, config, user, GUILD, {}).catch((e: Error) => e.message);
    expect((refused as Error).message).toBe(sentence);
    expect((refused as Error).message).toBe("You already have 2 requests waiting or being drawn (the limit is 2): wait for them, or cancel one with /cancel.");
    expect(await db.prisma.generation.count({ where: { requesterId: user } })).toBe(2);

    // Per minute, for the person and for the server; a refused newcomer is not even a User row.
    const perMinute = await recordGeneration(db.prisma, request(user), { ...limits, maxJobsPerUser: 10, userPerMinute: 2 }).catch((e: Error) => e.message);
    expect(perMinute).toBe("You have made 2 requests in the last minute (the limit is 2): try again in a minute.");
    const guildMinute = (await db.prisma.generation.count({ where: { guildId: GUILD } })) as number;
    const newcomer = "200000000000000011";
    const server = await recordGeneration(db.prisma, request(newcomer), { ...roomy, guildPerMinute: guildMinute }).catch((e: Error) => e.message);
    expect(server).toBe(`This server has made ${guildMinute} requests in the last minute (the limit is ${guildMinute}): try again in a minute.`);
    expect(await db.prisma.user.findUnique({ where: { id: newcomer } })).toBeNull();
    expect(await db.prisma.generation.count({ where: { requesterId: newcomer } })).toBe(0);
    // The server's limit does not apply in a DM.
    await expect(recordGeneration(db.prisma, request(newcomer, { guild: null }), { ...roomy, guildPerMinute: guildMinute })).resolves.toMatchObject({ requesterId: newcomer });
    // Without limits (the CLI, tests) nothing is counted against.
    await expect(recordGeneration(db.prisma, request(user), undefined)).resolves.toMatchObject({ requesterId: user });
  });

  it("gives the place in line, the ETA and the round-robin rank that /queue and the count give the row once written", async () => {
    const prisma = db.prisma;
    await prisma.generation.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
    // Measured times for the ETA: two with a total, one without.
    for (const totalMs of [400, 800, undefined]) {
      const g = await recordGeneration(prisma, request("200000000000000020"), roomy);
      await prisma.generation.update({ where: { id: g.id }, data: { status: "succeeded", finishedAt: new Date(), timings: totalMs === undefined ? { engineMs: 1 } : { totalMs } } });
    }
    const people = ["200000000000000021", "200000000000000022", "200000000000000023"];
    const recorded = [];
    for (let k = 0; k < 3; k++) for (const p of people.slice(0, 3 - k)) recorded.push(await recordGeneration(prisma, request(p), roomy));
    await prisma.generation.update({ where: { id: recorded[0]!.id }, data: { status: "running" } });
    for (const p of [people[0]!, people[2]!, "200000000000000024", people[0]!]) {
      const g = await recordGeneration(prisma, request(p), roomy);
      const row = await prisma.generation.findUniqueOrThrow({ where: { id: g.id } });
      const expected = await queuePosition(prisma, row);
      expect({ position: g.position, eta: g.etaSeconds }).toEqual({ position: expected.position, eta: expected.etaSeconds });
      expect(g.etaSeconds).toBeCloseTo(0.6 * (g.position + 1)); // one running
      const rank = await prisma.generation.count({ where: { requesterId: p, status: { in: ["queued", "running"] }, queuedAt: { lt: row.queuedAt }, id: { not: row.id } } });
      expect(g.rank).toBe(rank);
    }
    // people[0]: one running, two queued, then one more: its fourth is behind everyone's third.
    const last = await prisma.generation.findFirstOrThrow({ where: { requesterId: people[0] }, orderBy: { queuedAt: "desc" } });
    expect((await queuePosition(prisma, last)).position).toBeGreaterThan(1);
  });

  it("counts asked for at once (sent together) come out as one at a time, per person and per server", async () => {
    const config = { GENLAB_MAX_JOBS_PER_USER: 2, GENLAB_USER_PER_MINUTE: 600, GENLAB_GUILD_PER_MINUTE: 6000 };
    const other = "300000000000000002";
    const full = "200000000000000030";
    await recordGeneration(db.prisma, request(full), roomy);
    await recordGeneration(db.prisma, request(full, { guild: { id: other, name: "Other" } }), roomy);
    const asks: [string, string | null][] = [
      [full, GUILD],
      ["200000000000000031", GUILD],
      [full, null],
      ["200000000000000032", other],
      ["200000000000000031", null],
      [full, other],
    ];
    const one = async (user: string, guild: string | null, perGuild: number) =>
      checkLimits(db.prisma, { ...config, GENLAB_GUILD_PER_MINUTE: perGuild }, user, guild, {}).then(
        () => "ok",
        (e: Error) => e.message,
      );
    const inGuild = await db.prisma.generation.count({ where: { guildId: GUILD } });
    const inOther = await db.prisma.generation.count({ where: { guildId: other } });
    for (const perGuild of [6000, inOther + 1, inOther]) {
      const alone = [];
      for (const [u, g] of asks) alone.push(await one(u, g, perGuild));
      const together = await Promise.all(asks.map(([u, g]) => one(u, g, perGuild)));
      expect(together).toEqual(alone);
    }
    // What they say: the full person everywhere; a server over its minute's limit; a DM is no server's.
    const together = await Promise.all(asks.map(([u, g]) => one(u, g, inOther)));
    const fullSentence = "You already have 2 requests waiting or being drawn (the limit is 2): wait for them, or cancel one with /cancel.";
    expect(together).toEqual([
      fullSentence,
      inGuild >= inOther ? `This server has made ${inGuild} requests in the last minute (the limit is ${inOther}): try again in a minute.` : "ok",
      fullSentence,
      `This server has made ${inOther} requests in the last minute (the limit is ${inOther}): try again in a minute.`,
      "ok",
      fullSentence,
    ]);
  });
});
