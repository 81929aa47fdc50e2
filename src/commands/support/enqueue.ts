import type { ButtonInteraction, ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../../config/errors.ts";
import { queueGeneration } from "../../jobs/generations.ts";
import { cancelButton } from "../../jobs/render.ts";
import { activeRequests, queuePosition } from "../../jobs/queue-position.ts";
import type { CommandContext } from "./types.ts";

/**
 * The generation path every image command (and the 🎲 button) shares: check the request with
 * the engine (a bad one gets an ephemeral sentence and nothing is queued), acknowledge,
 * record the generation, queue the job. The worker later replaces the reply with the images.
 */
export async function enqueueGeneration(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: CommandContext,
  request: { engine: string; params: Record<string, unknown>; command?: string; notice?: (id: string) => string },
): Promise<string> {
  const engine = ctx.engines.get(request.engine);
  const params = engine.validate(request.params); // throws a user-facing sentence before anything is queued
  const limit = ctx.config.GENLAB_MAX_JOBS_PER_USER;
  const active = await activeRequests(ctx.prisma, interaction.user.id);
  if (active >= limit) {
    throw new UserFacingError(`You already have ${active} request${active > 1 ? "s" : ""} waiting or being drawn (the limit is ${limit}): wait for ${active > 1 ? "them" : "it"}, or cancel one with /cancel.`);
  }
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

