import { UserFacingError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import { sql, type PrismaClient } from "../db/client.ts";
import type { GuildSettings } from "../guilds/settings.ts";

type Limits = Pick<Config, "GENLAB_MAX_JOBS_PER_USER" | "GENLAB_USER_PER_MINUTE" | "GENLAB_GUILD_PER_MINUTE">;

/** The person's and the server's limits (waiting requests, requests per minute). */
export async function checkLimits(prisma: PrismaClient, c: Limits, userId: string, guildId: string | null, settings: GuildSettings): Promise<void> {
  const refusal = limitRefusal(await requestCounts(prisma, userId, guildId), limitsFor(c, settings), guildId);
  if (refusal) throw new UserFacingError(refusal);
}

/** A person's waiting requests and the last minute's requests of the person and of the server. */
export interface RequestCounts {
  active: number;
  userMinute: number;
  guildMinute: number;
}

/** The limits in force: the server's settings, else the environment's. */
export interface RequestLimits {
  maxJobsPerUser: number;
  userPerMinute: number;
  guildPerMinute: number;
}

export function limitsFor(c: Limits, settings: GuildSettings): RequestLimits {
  return {
    maxJobsPerUser: settings.maxJobsPerUser ?? c.GENLAB_MAX_JOBS_PER_USER,
    userPerMinute: settings.userPerMinute ?? c.GENLAB_USER_PER_MINUTE,
    guildPerMinute: settings.guildPerMinute ?? c.GENLAB_GUILD_PER_MINUTE,
  };
}

/** The sentence a request over a limit gets, the first limit it is over; undefined when within all. */
export function limitRefusal(n: RequestCounts, l: RequestLimits, guildId: string | null): string | undefined {
  const limit = l.maxJobsPerUser;
  if (n.active >= limit) {
    return `You already have ${n.active} request${n.active > 1 ? "s" : ""} waiting or being drawn (the limit is ${limit}): wait for ${n.active > 1 ? "them" : "it"}, or cancel one with /cancel.`;
  }
  const perUser = l.userPerMinute;
  if (n.userMinute >= perUser) return `You have made ${n.userMinute} requests in the last minute (the limit is ${perUser}): try again in a minute.`;
  const perGuild = l.guildPerMinute;
  if (guildId && n.guildMinute >= perGuild) return `This server has made ${n.guildMinute} requests in the last minute (the limit is ${perGuild}): try again in a minute.`;
  return undefined;
}

/**
 * The counting query's clauses, shared with the statement that records a request
 * (src/generations/record.ts): $1 the person, $2 the server (null in a DM), $3 a minute ago.
 */
export const REQUEST_COUNTS_SQL = `
    SELECT count(*) FILTER (WHERE "requesterId" = $1 AND status IN ('queued', 'running'))::int AS active,
           count(*) FILTER (WHERE "requesterId" = $1 AND "createdAt" >= $3::timestamp)::int AS user_minute,
           count(*) FILTER (WHERE "guildId" = $2 AND "createdAt" >= $3::timestamp)::int AS guild_minute
    FROM "Generation"
    WHERE ("requesterId" = $1 AND (status IN ('queued', 'running') OR "createdAt" >= $3::timestamp))
       OR ("guildId" = $2 AND "createdAt" >= $3::timestamp)`;

/**
 * A person's waiting requests and the last minute's requests of the person and the server.
 * Counts asked for while a count is on its way to the database are sent together, in one
 * statement, when it returns: a class-wide burst asks 200 times at once, and 200 statements
 * would queue for the pool's connections (the acknowledgement waited there) and each count the
 * server's last minute again. Alone, a count goes at once.
 */
function requestCounts(prisma: PrismaClient, userId: string, guildId: string | null): Promise<RequestCounts> {
  let batcher = batchers.get(prisma);
  if (!batcher) batchers.set(prisma, (batcher = new CountBatcher(prisma)));
  return batcher.count(userId, guildId);
}

const batchers = new WeakMap<PrismaClient, CountBatcher>();

/** The most counts one statement carries. */
const MAX_BATCH = 500;

class CountBatcher {
  private pending: { userId: string; guildId: string | null; resolve: (n: RequestCounts) => void; reject: (e: unknown) => void }[] = [];
  private busy = false;

  constructor(private readonly prisma: PrismaClient) {}

  count(userId: string, guildId: string | null): Promise<RequestCounts> {
    return new Promise((resolve, reject) => {
      this.pending.push({ userId, guildId, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // Everything that arrived in this turn of the event loop goes in the same statement.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    try {
      const users = [...new Set(batch.map((b) => b.userId))];
      const guilds = [...new Set(batch.flatMap((b) => (b.guildId ? [b.guildId] : [])))];
      const since = new Date(Date.now() - 60_000);
      const rows = await sql<{ kind: "user" | "guild"; id: string; active: number; minute: number }>(this.prisma, BATCH_COUNTS_SQL, [users, guilds, since]);
      const user = new Map(rows.filter((r) => r.kind === "user").map((r) => [r.id, r]));
      const guild = new Map(rows.filter((r) => r.kind === "guild").map((r) => [r.id, r.minute]));
      for (const b of batch) {
        const u = user.get(b.userId);
        b.resolve({ active: u?.active ?? 0, userMinute: u?.minute ?? 0, guildMinute: b.guildId ? (guild.get(b.guildId) ?? 0) : 0 });
      }
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      if (this.pending.length) setImmediate(() => void this.flush());
      else this.busy = false;
    }
  }
}

/** REQUEST_COUNTS_SQL for many people and servers at once: $1 the people, $2 the servers, $3 a minute ago. */
const BATCH_COUNTS_SQL = `
  SELECT 'user' AS kind, "requesterId" AS id,
         count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS active,
         count(*) FILTER (WHERE "createdAt" >= $3::timestamp)::int AS minute
  FROM "Generation"
  WHERE "requesterId" = ANY($1::text[]) AND (status IN ('queued', 'running') OR "createdAt" >= $3::timestamp)
  GROUP BY "requesterId"
  UNION ALL
  SELECT 'guild', "guildId", 0, count(*)::int
  FROM "Generation"
  WHERE "guildId" = ANY($2::text[]) AND "createdAt" >= $3::timestamp
  GROUP BY "guildId"`;

/** Runs tasks with the same key one after another (a promise chain per key, dropped when idle). */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * One person's requests are counted and recorded one at a time, so a burst cannot slip past
 * the limits between a count and the row that would have made it count.
 */
export const oneAtATimePerPerson = new KeyedQueue();

/**
 * Runs the queries the checks before an acknowledgement make, once, at start: the first of each
 * kind pays for Prisma's query planning and a pooled connection (≈ 1.2 s here on a busy
 * machine, against 50 ms warm), which the first student after a restart must not pay inside
 * Discord's 3 s.
 */
export async function warmAckPath(prisma: PrismaClient): Promise<void> {
  const nobody = "0";
  await Promise.all([
    prisma.guild.findUnique({ where: { id: nobody }, select: { settings: true } }),
    prisma.modelArtifact.findMany({ where: { guildId: nobody }, select: { name: true } }),
    prisma.generation.findFirst({ where: { id: "00000000-0000-4000-8000-000000000000", guildId: nobody } }),
    requestCounts(prisma, nobody, nobody),
  ]);
}
