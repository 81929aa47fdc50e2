import type { ButtonInteraction, ChatInputCommandInteraction } from "discord.js";
import { queueGeneration } from "../../jobs/generations.ts";
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
  await interaction.deferReply();
  const { id } = await queueGeneration(ctx.prisma, ctx.queue, {
    command: request.command ?? (interaction.isChatInputCommand() ? [interaction.commandName, interaction.options.getSubcommand(false)].filter(Boolean).join(" ") : "?"),
    engine: engine.name,
    params,
    requester: { id: interaction.user.id, username: interaction.user.username },
    guild: interaction.guildId ? { id: interaction.guildId, name: interaction.guild?.name } : null,
    channelId: interaction.channelId,
    interaction: { id: interaction.id, token: interaction.token, applicationId: interaction.applicationId, createdAt: interaction.createdAt },
  });
  await interaction.editReply({ content: request.notice?.(id) ?? `⏳ Queued on ${engine.title} — generation \`${id}\`.` });
  return id;
}
