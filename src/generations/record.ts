import { randomUUID } from "node:crypto";
import { UserFacingError } from "../config/errors.ts";
import { Json, sql, type PrismaClient } from "../db/client.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { limitRefusal, REQUEST_COUNTS_SQL, type RequestLimits } from "./limits.ts";
import { etaSeconds } from "./queue-position.ts";

/** Interaction tokens are valid for 15 minutes after the interaction was created. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

export interface GenerationRequest {
  command: string;
  engine: string;
  params: Record<string, unknown>;
  requester: { id: string; username?: string };
  guild?: { id: string; name?: string } | null;
  channelId?: string | null;
  interaction?: { id: string; token: string; applicationId: string; createdAt: Date } | null;
}

export interface QueuedGeneration {
  id: string;
  engine: string;
  queuedAt: Date;
  requesterId: string;
  /** The id its job will have (chosen here, so the row names it before the job exists). */
  jobId: string;
  /** The person's requests waiting or being drawn that came before it: the job's priority is −rank. */
  rank: number;
  /** Its place in line (1 = next) and an ETA, when it was recorded (src/generations/queue-position.ts). */
  position: number;
  etaSeconds: number | undefined;
}

/**
 * A generation is queued in two halves: the row first, so a job can never exist without its
 * provenance row, then the job (a send that fails marks the row failed).
 *
 * The first half: the provenance row, status queued (no job yet), with the person and the
 * server upserted, and, given `limits`, only when the person and the server are within them
 * (else a UserFacingError with the sentence, and nothing is written). One statement, because a
 * class-wide burst sends 200 at once: it counts (src/generations/limits.ts), writes, and finds
 * the request's place in the round-robin order and the ETA (src/generations/queue-position.ts),
 * all from one snapshot, taken before the new row exists.
 */
export async function recordGeneration(prisma: PrismaClient, req: GenerationRequest, limits?: RequestLimits): Promise<QueuedGeneration> {
  const { requester, guild } = req;
  const guildId = guild?.id ?? null;
  const now = new Date();
  const id = randomUUID();
  const jobId = randomUUID();
  const [row] = await sql<{ active: number; user_minute: number; guild_minute: number; inserted: number; ahead: number; running: number; prior: number; mean_ms: number | null }>(
    prisma,
    RECORD_SQL,
    [
      requester.id, // $1
      guildId, // $2
      new Date(now.getTime() - 60_000), // $3
      !limits, // $4: unchecked
      limits?.maxJobsPerUser ?? 0, // $5
      limits?.userPerMinute ?? 0, // $6
      limits?.guildPerMinute ?? 0, // $7
      requester.username ?? null, // $8
      now, // $9
      guild?.name ?? null, // $10
      id, // $11
      req.command, // $12
      req.engine, // $13
      new Json(req.params), // $14
      req.channelId ?? null, // $15
      req.interaction?.id ?? null, // $16
      req.interaction?.token ?? null, // $17
      req.interaction?.applicationId ?? null, // $18
      req.interaction ? new Date(req.interaction.createdAt.getTime() + INTERACTION_TOKEN_LIFETIME_MS) : null, // $19
      jobId, // $20
    ],
  );
  if (!row) throw new Error("recording the generation returned no row");
  if (row.inserted !== 1) {
    const refusal = limits && limitRefusal({ active: row.active, userMinute: row.user_minute, guildMinute: row.guild_minute }, limits, guildId);
    throw refusal ? new UserFacingError(refusal) : new Error("the generation was not recorded");
  }
  return {
    id,
    engine: req.engine,
    queuedAt: now,
    requesterId: requester.id,
    jobId,
    rank: row.prior,
    position: row.ahead + 1,
    etaSeconds: etaSeconds(row.mean_ms, row.ahead, row.running),
  };
}

/**
 * The statement behind recordGeneration. Timestamps are this process's clock ($9), as Prisma
 * writes them; every read sees the table as it was before the new row (one snapshot).
 */
const RECORD_SQL = `
  WITH counts AS (${REQUEST_COUNTS_SQL}),
  allowed AS (
    SELECT 1 FROM counts
    WHERE $4::boolean OR (active < $5::int AND user_minute < $6::int AND ($2::text IS NULL OR guild_minute < $7::int))),
  u AS (
    INSERT INTO "User" (id, username, "createdAt", "updatedAt")
    SELECT $1, $8::text, $9::timestamp, $9::timestamp FROM allowed
    ON CONFLICT (id) DO UPDATE SET username = COALESCE(EXCLUDED.username, "User".username), "updatedAt" = EXCLUDED."updatedAt"),
  g AS (
    INSERT INTO "Guild" (id, name, "createdAt", "updatedAt")
    SELECT $2::text, $10::text, $9::timestamp, $9::timestamp FROM allowed WHERE $2::text IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET name = COALESCE(EXCLUDED.name, "Guild".name), "updatedAt" = EXCLUDED."updatedAt"),
  ins AS (
    INSERT INTO "Generation" (id, command, engine, params, "requesterId", "guildId", "channelId", "interactionId", "interactionToken", "applicationId", "tokenExpiresAt", "jobId", "queuedAt", "createdAt", "updatedAt")
    SELECT $11::uuid, $12, $13, $14::jsonb, $1, $2::text, $15, $16, $17, $18, $19::timestamp, $20, $9::timestamp, $9::timestamp, $9::timestamp FROM allowed
    RETURNING id),
  -- The round-robin order (as queuePosition counts it): each waiting request's rank among its
  -- person's, and the new request's, which comes after the person's earlier ones.
  a AS (
    SELECT "requesterId", status, "queuedAt", id, row_number() OVER (PARTITION BY "requesterId" ORDER BY "queuedAt", id) AS rank
    FROM "Generation" WHERE status IN ('queued', 'running')),
  m AS (
    SELECT count(*) FILTER (WHERE ("queuedAt", id) < ($9::timestamp, $11::uuid)) + 1 AS rank,
           count(*) FILTER (WHERE "queuedAt" < $9::timestamp)::int AS prior
    FROM a WHERE "requesterId" = $1),
  p AS (
    SELECT count(*) FILTER (WHERE a.status = 'queued' AND (a.rank < m.rank OR (a.rank = m.rank AND a."queuedAt" < $9::timestamp)))::int AS ahead,
           count(*) FILTER (WHERE a.status = 'running')::int AS running
    FROM a CROSS JOIN m),
  -- The ETA: this engine's last 20 generations' measured time.
  e AS (
    SELECT avg((r.timings->>'totalMs')::float8) FILTER (WHERE jsonb_typeof(r.timings->'totalMs') = 'number') AS mean_ms
    FROM (SELECT timings FROM "Generation" WHERE engine = $13 AND status = 'succeeded' ORDER BY "finishedAt" DESC LIMIT 20) r)
  SELECT counts.active, counts.user_minute, counts.guild_minute, (SELECT count(*) FROM ins)::int AS inserted, p.ahead, p.running, m.prior, e.mean_ms
  FROM counts, m, p, e`;

/** The second half: the job, at the person's round-robin priority, with the id the row names. */
export async function sendGeneration(prisma: PrismaClient, queue: JobQueue, gen: QueuedGeneration, beforeEnqueue?: (gen: QueuedGeneration) => Promise<void>): Promise<{ id: string; jobId: string }> {
  try {
    await beforeEnqueue?.(gen);
    // Round-robin between people: a person's k-th waiting request runs after everyone's
    // (k−1)-th, so one student's burst cannot hold the class up.
    const jobId = await queue.enqueueGeneration(gen.id, -gen.rank, gen.jobId);
    if (jobId !== gen.jobId) await prisma.generation.update({ where: { id: gen.id }, data: { jobId } });
    return { id: gen.id, jobId };
  } catch (e) {
    await failUnsent(prisma, gen.id, "The job queue refused the request.");
    throw e;
  }
}

/** Ends a recorded generation that never got a job (the queue or Discord refused it). */
export async function failUnsent(prisma: PrismaClient, id: string, error: string): Promise<void> {
  await prisma.generation.updateMany({ where: { id, status: "queued" }, data: { status: "failed", error, finishedAt: new Date(), interactionToken: null } });
}
