import type { PrismaClient } from "../db/client.ts";
import type { JobQueue } from "../jobs/queue.ts";

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
}

/**
 * A generation is queued in two halves: the row first, so a job can never exist without its
 * provenance row, then the job (a send that fails marks the row failed).
 *
 * The first half: the provenance row, status queued (no job yet).
 */
export async function recordGeneration(prisma: PrismaClient, req: GenerationRequest): Promise<QueuedGeneration> {
  const { requester, guild } = req;
  await prisma.user.upsert({ where: { id: requester.id }, create: { id: requester.id, username: requester.username }, update: { username: requester.username } });
  if (guild) await prisma.guild.upsert({ where: { id: guild.id }, create: { id: guild.id, name: guild.name }, update: { name: guild.name } });
  return prisma.generation.create({
    data: {
      command: req.command,
      engine: req.engine,
      params: req.params as object,
      requesterId: requester.id,
      guildId: guild?.id ?? null,
      channelId: req.channelId ?? null,
      interactionId: req.interaction?.id ?? null,
      interactionToken: req.interaction?.token ?? null,
      applicationId: req.interaction?.applicationId ?? null,
      tokenExpiresAt: req.interaction ? new Date(req.interaction.createdAt.getTime() + INTERACTION_TOKEN_LIFETIME_MS) : null,
    },
    select: { id: true, engine: true, queuedAt: true, requesterId: true },
  });
}

/** The second half: the job, at the person's round-robin priority. */
export async function sendGeneration(prisma: PrismaClient, queue: JobQueue, gen: QueuedGeneration, beforeEnqueue?: (gen: QueuedGeneration) => Promise<void>): Promise<{ id: string; jobId: string }> {
  try {
    await beforeEnqueue?.(gen);
    // Round-robin between people: a person's k-th waiting request runs after everyone's
    // (k−1)-th, so one student's burst cannot hold the class up.
    const rank = await prisma.generation.count({ where: { requesterId: gen.requesterId, status: { in: ["queued", "running"] }, queuedAt: { lt: gen.queuedAt }, id: { not: gen.id } } });
    const jobId = await queue.enqueueGeneration(gen.id, -rank);
    await prisma.generation.update({ where: { id: gen.id }, data: { jobId } });
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
