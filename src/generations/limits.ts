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

/** A person's waiting requests and the last minute's requests of the person and the server, in one query. */
async function requestCounts(prisma: PrismaClient, userId: string, guildId: string | null): Promise<RequestCounts> {
  const since = new Date(Date.now() - 60_000);
  const [row] = await sql<{ active: number; user_minute: number; guild_minute: number }>(prisma, REQUEST_COUNTS_SQL, [userId, guildId, since]);
  return { active: row?.active ?? 0, userMinute: row?.user_minute ?? 0, guildMinute: row?.guild_minute ?? 0 };
}

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
