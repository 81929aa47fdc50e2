import type { ButtonInteraction, ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../../config/errors.ts";
import type { Engine } from "../../engines/types.ts";
import { checkModelAccess } from "../../guilds/models.ts";
import type { GuildSettings } from "../../guilds/settings.ts";
import { recordGeneration, sendGeneration } from "../../generations/record.ts";
import { cancelButton } from "../../generations/render.ts";
import { queuePosition } from "../../generations/queue-position.ts";
import type { CommandContext } from "./types.ts";

/**
 * The generation path every image command (and the 🎲 button) shares: check the request with
 * the engine (a bad one gets an ephemeral sentence and nothing is queued), acknowledge,
 * record the generation, queue the job. The worker later replaces the reply with the images.
 */
export function enqueueGeneration(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: CommandContext,
  request: { engine: string; params: Record<string, unknown>; command?: string; notice?: (id: string) => string },
): Promise<string | undefined> {
  return enqueue(interaction, ctx, request);
}

async function enqueue(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: CommandContext,
  request: { engine: string; params: Record<string, unknown>; command?: string; notice?: (id: string) => string },
): Promise<string | undefined> {
  // Refusals come first, privately; only cheap work runs before the acknowledgement (cached
  // settings, validation, one counting query), so a class-wide burst is acknowledged within
  // Discord's 3 s.
  const checked = await check(interaction, ctx, request);
  await interaction.deferReply();
  // Then one person's requests are counted again and recorded one at a time, so a burst
  // cannot slip past the limits between a count and the row that would have made it count.
  const recorded = await perUser.run(interaction.user.id, async () => {
    try {
      await checkLimits(ctx, interaction.user.id, interaction.guildId, checked.settings);
    } catch (e) {
      if (!(e instanceof UserFacingError)) throw e;
      await interaction.editReply({ content: `⚠️ ${e.message}` });
      return undefined;
    }
    return recordGeneration(ctx.prisma, {
      command: request.command ?? (interaction.isChatInputCommand() ? [interaction.commandName, interaction.options.getSubcommand(false)].filter(Boolean).join(" ") : "?"),
      engine: checked.engine.name,
      params: checked.params,
      requester: { id: interaction.user.id, username: interaction.user.username },
      guild: interaction.guildId ? { id: interaction.guildId, name: interaction.guild?.name } : null,
      channelId: interaction.channelId,
      interaction: { id: interaction.id, token: interaction.token, applicationId: interaction.applicationId, createdAt: interaction.createdAt },
    });
  });
  if (!recorded) return undefined;
  const { engine } = checked;
  await sendGeneration(ctx.prisma, ctx.queue, recorded, async (g) => {
    // Before the job exists, so no worker result can be overwritten by this notice.
    const { position, etaSeconds } = await queuePosition(ctx.prisma, g);
    const where = `position ${position}${etaSeconds === undefined ? "" : `, about ${Math.max(1, Math.round(etaSeconds))} s`}`;
    await interaction.editReply({
      content: `${request.notice?.(g.id) ?? `⏳ Queued on ${engine.title}`} — ${where} · generation \`${g.id}\`.`,
      components: [cancelButton(g.id)],
    });
  });
  return recorded.id;
}

/** Everything that can refuse a request, each with one sentence; nothing is written. */
async function check(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: CommandContext,
  request: { engine: string; params: Record<string, unknown> },
): Promise<{ engine: Engine; params: Record<string, unknown>; settings: GuildSettings }> {
  const engine = ctx.engines.get(request.engine);
  const settings = await ctx.settings.get(interaction.guildId);
  const allowed = settings.allowedChannelIds ?? [];
  if (allowed.length && !allowed.includes(interaction.channelId ?? "")) {
    throw new UserFacingError(`Images are made in ${allowed.map((c) => `<#${c}>`).join(", ")} on this server: ask there.`);
  }
  // The server's default model for this engine, when the request names none.
  const defaultModel = settings.defaultModels?.[engine.name];
  const asked = defaultModel && (request.params.model === undefined || request.params.model === null) ? { ...request.params, model: defaultModel } : request.params;
  // A model from Discord is a name this server may use, never a path or another server's model.
  await checkModelAccess(ctx.prisma, engine, asked.model, interaction.guildId);
  const params = engine.validate(asked); // throws a user-facing sentence before anything is queued
  await checkLimits(ctx, interaction.user.id, interaction.guildId, settings);
  return { engine, params, settings };
}

/** The person's and the server's limits (waiting requests, requests per minute). */
async function checkLimits(ctx: CommandContext, userId: string, guildId: string | null, settings: GuildSettings): Promise<void> {
  const c = ctx.config;
  const n = await requestCounts(ctx, userId, guildId);
  const limit = settings.maxJobsPerUser ?? c.GENLAB_MAX_JOBS_PER_USER;
  if (n.active >= limit) {
    throw new UserFacingError(`You already have ${n.active} request${n.active > 1 ? "s" : ""} waiting or being drawn (the limit is ${limit}): wait for ${n.active > 1 ? "them" : "it"}, or cancel one with /cancel.`);
  }
  const perUser = settings.userPerMinute ?? c.GENLAB_USER_PER_MINUTE;
  if (n.userMinute >= perUser) throw new UserFacingError(`You have made ${n.userMinute} requests in the last minute (the limit is ${perUser}): try again in a minute.`);
  const perGuild = settings.guildPerMinute ?? c.GENLAB_GUILD_PER_MINUTE;
  if (guildId && n.guildMinute >= perGuild) throw new UserFacingError(`This server has made ${n.guildMinute} requests in the last minute (the limit is ${perGuild}): try again in a minute.`);
}

/** A person's waiting requests and the last minute's requests of the person and the server, in one query. */
async function requestCounts(ctx: CommandContext, userId: string, guildId: string | null): Promise<{ active: number; userMinute: number; guildMinute: number }> {
  const since = new Date(Date.now() - 60_000);
  const [row] = await ctx.prisma.$queryRaw<{ active: number; user_minute: number; guild_minute: number }[]>`
    SELECT count(*) FILTER (WHERE "requesterId" = ${userId} AND status IN ('queued', 'running'))::int AS active,
           count(*) FILTER (WHERE "requesterId" = ${userId} AND "createdAt" >= ${since})::int AS user_minute,
           count(*) FILTER (WHERE "guildId" = ${guildId} AND "createdAt" >= ${since})::int AS guild_minute
    FROM "Generation"
    WHERE ("requesterId" = ${userId} AND (status IN ('queued', 'running') OR "createdAt" >= ${since}))
       OR ("guildId" = ${guildId} AND "createdAt" >= ${since})`;
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

const perUser = new KeyedQueue();

/**
 * Runs the queries the checks before an acknowledgement make, once, at start: the first of each
 * kind pays for Prisma's query planning and a pooled connection (≈ 1.2 s here on a busy
 * machine, against 50 ms warm), which the first student after a restart must not pay inside
 * Discord's 3 s.
 */
export async function warmAckPath(ctx: CommandContext): Promise<void> {
  const nobody = "0";
  await Promise.all([
    ctx.prisma.guild.findUnique({ where: { id: nobody }, select: { settings: true } }),
    ctx.prisma.modelArtifact.findMany({ where: { guildId: nobody }, select: { name: true } }),
    ctx.prisma.generation.findFirst({ where: { id: "00000000-0000-4000-8000-000000000000", guildId: nobody } }),
    requestCounts(ctx, nobody, nobody),
  ]);
}
