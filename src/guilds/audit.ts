import type { PrismaClient } from "../db/client.ts";

/** A client or an open transaction: audit rows go in with the change they describe. */
type Db = Pick<PrismaClient, "auditEvent">;

export interface AuditEntry {
  guildId: string | null;
  actorId: string;
  /** "config.set", "train.start", "train.stop", "train.resume", "generation.delete", "generation.cancel" … */
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** Records what a teacher or admin did. Never throws past the caller's own transaction. */
export async function recordAudit(db: Db, e: AuditEntry): Promise<void> {
  await db.auditEvent.create({ data: { guildId: e.guildId, actorId: e.actorId, action: e.action, target: e.target ?? null, details: (e.details ?? {}) as object } });
}
