import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database, type PrismaClient } from "../../src/db/index.ts";
import { GuildSettingsStore } from "../../src/guilds/settings.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase, withDelegate } from "../support/db.ts";

const GUILD = "300000000000000001";
const TEACHER = "200000000000000001";
let db: Database;

beforeAll(async () => {
  db = await openDatabase(testConfig({ DATABASE_URL: await createTestDatabase("settings") }), createLogger("silent"));
  await new GuildSettingsStore(db.prisma).update(GUILD, "Lab", TEACHER, { maxJobsPerUser: 7 });
});

afterAll(async () => {
  await db?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

/**
 * The real client, with its settings reads counted; `hold` keeps the next reads' results (read
 * from the database already) until `release`.
 */
function countedPrisma() {
  let reads = 0;
  let found = 0;
  let held: Promise<void> | undefined;
  let release = () => {};
  let failNext = false;
  const guild = {
    findUnique: async (args: Parameters<PrismaClient["guild"]["findUnique"]>[0]) => {
      reads++;
      if (failNext) {
        failNext = false;
        throw new Error("connection lost");
      }
      const row = await db.prisma.guild.findUnique(args);
      found++;
      await held;
      return row;
    },
  };
  return {
    prisma: withDelegate(db.prisma, "guild", guild),
    reads: () => reads,
    /** Reads that have their row from the database (held or not). */
    found: () => found,
    hold() {
      held = new Promise((r) => (release = r));
    },
    release: () => release(),
    failNext: () => void (failNext = true),
  };
}

describe("a server's settings, cached", () => {
  it("many requests at once, the cache cold or expired, read the settings once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const counted = countedPrisma();
    const store = new GuildSettingsStore(counted.prisma);
    const burst = () => Promise.all(Array.from({ length: 50 }, () => store.get(GUILD)));

    expect((await burst()).map((s) => s.maxJobsPerUser)).toEqual(Array(50).fill(7));
    expect(counted.reads()).toBe(1);
    await burst();
    expect(counted.reads()).toBe(1); // cached

    vi.setSystemTime(Date.now() + 16_000); // past the 15 s another process's change may take
    expect((await burst()).every((s) => s.maxJobsPerUser === 7)).toBe(true);
    expect(counted.reads()).toBe(2);
  });

  it("a change made here while a read is on its way is not overwritten by what the read found", async () => {
    const counted = countedPrisma();
    const store = new GuildSettingsStore(counted.prisma);
    counted.hold();
    const reading = store.get(GUILD);
    await vi.waitFor(() => expect(counted.found()).toBe(1)); // it has read 7
    await store.update(GUILD, "Lab", TEACHER, { maxJobsPerUser: 9 });
    counted.release();
    await reading;
    expect((await store.get(GUILD)).maxJobsPerUser).toBe(9);
    expect(counted.reads()).toBe(1);
    await store.update(GUILD, "Lab", TEACHER, { maxJobsPerUser: 7 });
  });

  it("a failed read fails the requests waiting on it, and the next request reads again", async () => {
    const counted = countedPrisma();
    const store = new GuildSettingsStore(counted.prisma);
    counted.failNext();
    const results = await Promise.allSettled([store.get(GUILD), store.get(GUILD), store.get(GUILD)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(counted.reads()).toBe(1);
    expect((await store.get(GUILD)).maxJobsPerUser).toBe(7);
    expect(counted.reads()).toBe(2);
  });
});
