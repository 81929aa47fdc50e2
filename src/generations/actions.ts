import { Routes, type REST } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import type { PrismaClient } from "../db/client.ts";
import { recordAudit } from "../guilds/audit.ts";
import { inScope } from "../guilds/scope.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { queuePosition } from "./queue-position.ts";

/** A generation a button under it names, with its images; another server's is as absent as one that never was. */
export async function generationForButton(prisma: PrismaClient, id: string, guildId: string | null, userId: string) {
  const gen = await prisma.generation.findUnique({ where: { id }, include: { images: { orderBy: { index: "asc" } } } });
  if (!gen || !inScope(gen, guildId, userId)) throw new UserFacingError("GenLab has no record of this image any more.");
  return gen;
}

/** The person's request to cancel: the one named (theirs only), else their newest waiting one. */
export async function generationToCancel(prisma: PrismaClient, userId: string, id: string | undefined) {
  const gen = id
    ? await prisma.generation.findFirst({ where: { id, requesterId: userId } })
    : await prisma.generation.findFirst({ where: { requesterId: userId, status: "queued" }, orderBy: { queuedAt: "desc" } });
  if (!gen) throw new UserFacingError(id ? `You have no request with id \`${id.slice(0, 40)}\`: see /queue.` : "You have no waiting request to cancel.");
  return gen;
}

/** Withdraws a request that no worker has started; says what happened in one sentence. */
export async function cancelGeneration(
  deps: { prisma: PrismaClient; queue: JobQueue; log: Logger },
  gen: { id: string; requesterId: string; status: string; jobId: string | null; applicationId: string | null; interactionToken: string | null },
  userId: string,
  rest: REST,
): Promise<string> {
  if (gen.requesterId !== userId) throw new UserFacingError("Only the person who asked for these images can cancel them.");
  const moved = await deps.prisma.generation.updateMany({ where: { id: gen.id, status: "queued" }, data: { status: "cancelled", finishedAt: new Date(), interactionToken: null } });
  if (moved.count === 0) throw new UserFacingError(gen.status === "running" ? "These images are already being drawn: they will arrive in a moment." : `This request has already ${gen.status === "cancelled" ? "been cancelled" : "ended"}.`);
  if (gen.jobId) await deps.queue.cancelGeneration(gen.jobId);
  if (gen.applicationId && gen.interactionToken) {
    // The "queued" notice becomes "cancelled" (its Cancel button goes with it).
    await rest
      .patch(Routes.webhookMessage(gen.applicationId, gen.interactionToken, "@original"), { body: { content: `🚫 Cancelled generation \`${gen.id}\`.`, components: [] }, auth: false })
      .catch((e: unknown) => deps.log.warn({ err: e, generationId: gen.id }, "could not update the queued notice"));
  }
  deps.log.info({ generationId: gen.id, by: userId }, "generation cancelled");
  return `Cancelled generation \`${gen.id}\`.`;
}

/**
 * Records that a generation's message was deleted (its provenance row stays). A moderator
 * removing someone else's images is an admin action: on the audit record.
 */
export async function markDeleted(
  deps: { prisma: PrismaClient; log: Logger },
  gen: { id: string; requesterId: string },
  by: { userId: string; guildId: string | null; messageId: string },
): Promise<void> {
  const own = by.userId === gen.requesterId;
  await deps.prisma.generation.update({ where: { id: gen.id }, data: { deletedAt: new Date() } });
  deps.log.info({ generationId: gen.id, by: by.userId, own }, "generation message deleted");
  if (!own) await recordAudit(deps.prisma, { guildId: by.guildId, actorId: by.userId, action: "generation.delete", target: gen.id, details: { requesterId: gen.requesterId, messageId: by.messageId } });
}

/** The person's requests that are waiting or being drawn, one line each with its place in line. */
export async function waitingLines(prisma: PrismaClient, userId: string): Promise<string[]> {
  const mine = await prisma.generation.findMany({ where: { requesterId: userId, status: { in: ["queued", "running"] } }, orderBy: { queuedAt: "asc" } });
  return Promise.all(
    mine.map(async (g) => {
      if (g.status === "running") return `🎨 \`${g.id}\` /${g.command} — being drawn now`;
      const { position, etaSeconds } = await queuePosition(prisma, g);
      return `⏳ \`${g.id}\` /${g.command} — position ${position}${etaSeconds === undefined ? "" : `, about ${Math.max(1, Math.round(etaSeconds))} s`}`;
    }),
  );
}
