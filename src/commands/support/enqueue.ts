import type { ButtonInteraction, ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../../config/errors.ts";
import type { Engine } from "../../engines/types.ts";
import { checkModelAccess } from "../../guilds/models.ts";
import { promptPolicyFor } from "../../guilds/prompt-policy.ts";
import type { GuildSettings } from "../../guilds/settings.ts";
import { recordGeneration, sendGeneration } from "../../generations/record.ts";
import { cancelButton } from "../../generations/render.ts";
import { limitsFor, oneAtATimePerPerson } from "../../generations/limits.ts";
import { acknowledgement, acknowledgementsSent } from "./ack-first.ts";
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
): Promise<string | undefined> {
  // Refusals come first, privately; only cheap work runs before the acknowledgement (cached
  // settings, validation, one counting query), so a class-wide burst is acknowledged within
  // Discord's 3 s.
  const checked = await acknowledgement(async () => {
    const c = await check(interaction, ctx, request);
    await interaction.deferReply();
    return c;
  });
  // The rest waits for the other requests' acknowledgements under way (src/commands/support/ack-first.ts).
  await acknowledgementsSent();
  // Then the person's requests are counted again and the request recorded (one statement),
  // one request of a person at a time.
  const recorded = await oneAtATimePerPerson.run(interaction.user.id, async () => {
    try {
      return await recordGeneration(
        ctx.prisma,
        {
          command: request.command ?? (interaction.isChatInputCommand() ? [interaction.commandName, interaction.options.getSubcommand(false)].filter(Boolean).join(" ") : "?"),
          engine: checked.engine.name,
          params: checked.params,
          requester: { id: interaction.user.id, username: interaction.user.username },
          guild: interaction.guildId ? { id: interaction.guildId, name: interaction.guild?.name } : null,
          channelId: interaction.channelId,
          interaction: { id: interaction.id, token: interaction.token, applicationId: interaction.applicationId, createdAt: interaction.createdAt },
        },
        limitsFor(ctx.config, checked.settings),
      );
    } catch (e) {
      if (!(e instanceof UserFacingError)) throw e;
      await interaction.editReply({ content: `⚠️ ${e.message}` });
      return undefined;
    }
  });
  if (!recorded) return undefined;
  const { engine } = checked;
  await sendGeneration(ctx.prisma, ctx.queue, recorded, async (g) => {
    // Before the job exists, so no worker result can be overwritten by this notice.
    const where = `position ${g.position}${g.etaSeconds === undefined ? "" : `, about ${Math.max(1, Math.round(g.etaSeconds))} s`}`;
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
  // The channel and the limits were checked by the router (IMAGE_REQUEST preconditions).
  const settings = await ctx.settings.get(interaction.guildId);
  // The server's default model for this engine, when the request names none.
  const defaultModel = settings.defaultModels?.[engine.name];
  const asked = defaultModel && (request.params.model === undefined || request.params.model === null) ? { ...request.params, model: defaultModel } : request.params;
  // A model from Discord is a name this server may use, never a path or another server's model.
  await checkModelAccess(ctx.prisma, engine, asked.model, interaction.guildId);
  // The word lists this channel's prompts are held to: the one place they are decided.
  const promptPolicy = promptPolicyFor(settings, interaction.channel);
  const params = engine.validate(asked, { promptPolicy }); // throws a user-facing sentence before anything is queued
  return { engine, params, settings };
}
