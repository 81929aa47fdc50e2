import type { ButtonInteraction, ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../../config/errors.ts";
import { queueGeneration } from "../../jobs/generations.ts";
import { cancelButton } from "../../jobs/render.ts";
import { activeRequests, queuePosition } from "../../jobs/queue-position.ts";
import type { GuildSettings } from "../../guilds/settings.ts";
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
): Promise<string> {
  // One person's requests are checked and recorded one at a time, so a burst cannot slip
  // past the limits between a count and the row that would have made it count.
  return perUser.run(interaction.user.id, () => checkAndQueue(interaction, ctx, request));
}

async function checkAndQueue(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: CommandContext,
  request: { engine: string; params: Record<string, unknown>; command?: string; notice?: (id: string) => string },
): Promise<string> {
  const engine = ctx.engines.get(request.engine);
  const settings = await ctx.settings.get(interaction.guildId);
  const allowed = settings.allowedChannelIds ?? [];
  if (allowed.length && !allowed.includes(interaction.channelId ?? "")) {
    throw new UserFacingError(`Images are made in ${allowed.map((c) => `<#${c}>`).join(", ")} on this server: ask there.`);
  }
  // The server's default model for this engine, when the request names none.
  const defaultModel = settings.defaultModels?.[engine.name];
  const asked = defaultModel && (request.params.model === undefined || request.params.model === null) ? { ...request.params, model: defaultModel } : request.params;
  const params = engine.validate(asked); // throws a user-facing sentence before anything is queued
  const limit = settings.maxJobsPerUser ?? ctx.config.GENLAB_MAX_JOBS_PER_USER;
  const active = await activeRequests(ctx.prisma, interaction.user.id);
  if (active >= limit) {
    throw new UserFacingError(`You already have ${active} request${active > 1 ? "s" : ""} waiting or being drawn (the limit is ${limit}): wait for ${active > 1 ? "them" : "it"}, or cancel one with /cancel.`);
  }
  await checkRates(ctx, interaction.user.id, interaction.guildId, settings);
  await interaction.deferReply();
  const { id } = await queueGeneration(ctx.prisma, ctx.queue, {
    command: request.command ?? (interaction.isChatInputCommand() ? [interaction.commandName, interaction.options.getSubcommand(false)].filter(Boolean).join(" ") : "?"),
    engine: engine.name,
    params,
    requester: { id: interaction.user.id, username: interaction.user.username },
    guild: interaction.guildId ? { id: interaction.guildId, name: interaction.guild?.name } : null,
    channelId: interaction.channelId,
    interaction: { id: interaction.id, token: interaction.token, applicationId: interaction.applicationId, createdAt: interaction.createdAt },
  }, async (gen) => {
    // Before the job exists, so no worker result can be overwritten by this notice.
    const { position, etaSeconds } = await queuePosition(ctx.prisma, gen);
    const where = `position ${position}${etaSeconds === undefined ? "" : `, about ${Math.max(1, Math.round(etaSeconds))} s`}`;
    await interaction.editReply({
      content: `${request.notice?.(gen.id) ?? `⏳ Queued on ${engine.title}`} — ${where} · generation \`${gen.id}\`.`,
      components: [cancelButton(gen.id)],
    });
  });
  return id;
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

/** Requests per minute, per person and per server, counted from the provenance rows. */
async function checkRates(ctx: CommandContext, userId: string, guildId: string | null, settings: GuildSettings): Promise<void> {
  const since = new Date(Date.now() - 60_000);
  const perUser = settings.userPerMinute ?? ctx.config.GENLAB_USER_PER_MINUTE;
  const mine = await ctx.prisma.generation.count({ where: { requesterId: userId, createdAt: { gte: since } } });
  if (mine >= perUser) throw new UserFacingError(`You have made ${mine} requests in the last minute (the limit is ${perUser}): try again in a minute.`);
  if (!guildId) return;
  const perGuild = settings.guildPerMinute ?? ctx.config.GENLAB_GUILD_PER_MINUTE;
  const ours = await ctx.prisma.generation.count({ where: { guildId, createdAt: { gte: since } } });
  if (ours >= perGuild) throw new UserFacingError(`This server has made ${ours} requests in the last minute (the limit is ${perGuild}): try again in a minute.`);
}

