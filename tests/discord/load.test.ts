import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.ts";
import { burst, startBurstRig, type BurstResult } from "../support/burst.ts";
import { createTestDatabase } from "../support/db.ts";
import type { FakeDiscord } from "../support/fake-discord.ts";

let rig: Awaited<ReturnType<typeof startBurstRig>>;
let fake: FakeDiscord;
let app: App;
let result: BurstResult;
// Enough students and requests each to show fairness and exactly-once delivery; bench/bot.ts
// times the full 50 × 4 class.
const STUDENTS = 12;
const EACH = 3;
const TOTAL = STUDENTS * EACH;

beforeAll(async () => {
  rig = await startBurstRig({ DATABASE_URL: await createTestDatabase("load") });
  ({ fake, app } = rig);
  result = await burst(fake, app, STUDENTS, EACH);
});

afterAll(async () => {
  await rig?.stop();
});

describe(`a burst of ${TOTAL} interactions from ${STUDENTS} students`, () => {
  it("every interaction is acknowledged in Discord's 3 s (the fake refuses later ones, as Discord does)", () => {
    expect(result.callbackTypes).toEqual(new Array(TOTAL).fill(5));
    expect(fake.lateCallbacks).toBe(0);
  });

  it("every request ends with exactly one result message and one provenance row", async () => {
    const gens = await app.db.prisma.generation.findMany({ where: { interactionId: { in: result.interactionIds } }, include: { images: true } });
    expect(gens).toHaveLength(TOTAL);
    expect(gens.every((g) => g.status === "succeeded" && g.images.length === 1 && g.messageId)).toBe(true);
    expect(new Set(gens.map((g) => g.messageId)).size).toBe(TOTAL);
    const withImages = fake.channelMessages(fake.channelId).filter((m) => m.attachments.length > 0);
    expect(withImages).toHaveLength(TOTAL);
  });

  it("the queue is fair: each student's k-th request runs after (nearly) everyone's (k−1)-th", async () => {
    const gens = await app.db.prisma.generation.findMany({ where: { interactionId: { in: result.interactionIds } }, orderBy: { startedAt: "asc" }, select: { requesterId: true, queuedAt: true } });
    // The rank of each job among its student's own requests, in the order they started.
    const seen = new Map<string, number>();
    const ranks = gens.map((g) => {
      const r = seen.get(g.requesterId) ?? 0;
      seen.set(g.requesterId, r + 1);
      return r;
    });
    // Round robin: the started order goes rank 0 for everyone, then rank 1 … A few jobs the
    // worker took while the burst was still arriving may run early; no student may be
    // served a second time before more than a handful of others were served once.
    let inversions = 0;
    for (let i = 0; i < ranks.length; i++) for (let j = i + 1; j < ranks.length; j++) if (ranks[j]! < ranks[i]!) inversions++;
    const fifo = (STUDENTS * EACH * (EACH - 1) * STUDENTS) / 4; // about what arrival order (all of student 0's first) would give
    expect(inversions).toBeLessThan(fifo / 10);
    const firstRound = ranks.slice(0, STUDENTS);
    expect(firstRound.filter((r) => r === 0).length).toBeGreaterThanOrEqual(0.8 * STUDENTS);
  });
});
