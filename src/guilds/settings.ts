import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { recordAudit } from "./audit.ts";

/**
 * A server's own settings (/config), kept in Guild.settings. Every key is optional: unset
 * means GenLab's default (the environment's limits, all channels, the default word list).
 */
const snowflake = z.string().regex(/^\d{15,22}$/);

export const guildSettingsSchema = z.object({
  /** Members with this role count as teachers (besides Manage Server). */
  teacherRoleId: snowflake.optional(),
  /** Generating commands only in these channels; empty or unset: everywhere. */
  allowedChannelIds: z.array(snowflake).max(50).optional(),
  /** Extra words or phrases refused in prompts (whole words, any case). */
  blockedWords: z.array(z.string().trim().min(1).max(60)).max(200).optional(),
  /** "block": the default list of unsafe words always applies; "age-restricted": not in channels Discord marks age-restricted. */
  nsfw: z.enum(["block", "age-restricted"]).optional(),
  /** Default model per engine, e.g. { gan: "mnist-mlp" }. */
  defaultModels: z.record(z.string().max(40), z.string().min(1).max(100)).optional(),
  /** Requests one person may have waiting or running at once. */
  maxJobsPerUser: z.number().int().min(1).max(100).optional(),
  /** Requests one person may make per minute. */
  userPerMinute: z.number().int().min(1).max(600).optional(),
  /** Requests the whole server may make per minute. */
  guildPerMinute: z.number().int().min(1).max(6000).optional(),
});

export type GuildSettings = z.infer<typeof guildSettingsSchema>;

/** How long another process's change may take to be seen here; this process sees its own at once. */
const CACHE_MS = 15_000;

export class GuildSettingsStore {
  private readonly cache = new Map<string, { at: number; value: GuildSettings }>();
  /**
   * Reads on their way, one per server: when the cached value expires in the middle of a
   * class-wide burst, the 200 requests share one query instead of queueing 200 for the pool's
   * connections (that held every acknowledgement of the burst ≈ 90 ms).
   */
  private readonly reading = new Map<string, Promise<GuildSettings>>();

  constructor(private readonly prisma: PrismaClient) {}

  async get(guildId: string | null): Promise<GuildSettings> {
    if (!guildId) return {};
    const hit = this.cache.get(guildId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    let read = this.reading.get(guildId);
    if (!read) {
      read = this.read(guildId).finally(() => this.reading.delete(guildId));
      this.reading.set(guildId, read);
    }
    return read;
  }

  private async read(guildId: string): Promise<GuildSettings> {
    const started = Date.now();
    const row = await this.prisma.guild.findUnique({ where: { id: guildId }, select: { settings: true } });
    // A stored value this version cannot read (hand-edited, older) is ignored key by key, not fatal.
    const parsed = guildSettingsSchema.safeParse(row?.settings ?? {});
    const value = parsed.success ? parsed.data : salvage(row?.settings);
    // A change this process made while the read was on its way is newer than what it read.
    const cached = this.cache.get(guildId);
    if (cached && cached.at >= started) return cached.value;
    this.cache.set(guildId, { at: Date.now(), value });
    return value;
  }

  /** Changes some settings (undefined removes a key), audited in the same transaction. */
  async update(guildId: string, guildName: string | undefined, actorId: string, patch: Partial<Record<keyof GuildSettings, unknown>>): Promise<GuildSettings> {
    const next = await this.prisma.$transaction(async (tx) => {
      const row = await tx.guild.findUnique({ where: { id: guildId }, select: { settings: true } });
      const merged: Record<string, unknown> = { ...((row?.settings as Record<string, unknown> | null) ?? {}) };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete merged[k];
        else merged[k] = v;
      }
      const value = guildSettingsSchema.parse(merged);
      await tx.guild.upsert({ where: { id: guildId }, create: { id: guildId, name: guildName, settings: value }, update: { settings: value } });
      await recordAudit(tx, { guildId, actorId, action: "config.set", target: Object.keys(patch).join(","), details: { patch, before: row?.settings ?? {} } });
      return value;
    });
    this.cache.set(guildId, { at: Date.now(), value: next });
    return next;
  }
}

function salvage(raw: unknown): GuildSettings {
  const out: Record<string, unknown> = {};
  if (raw && typeof raw === "object") {
    for (const [k, v] of Object.entries(raw)) {
      const field = guildSettingsSchema.shape[k as keyof GuildSettings];
      if (field?.safeParse(v).success) out[k] = v;
    }
  }
  return out as GuildSettings;
}
