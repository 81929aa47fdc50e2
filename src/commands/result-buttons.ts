import { MessageFlags, PermissionFlagsBits, Routes, type ButtonInteraction, type REST } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { recordAudit } from "../guilds/audit.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { provenanceEmbed } from "./provenance.ts";
import type { ButtonHandler, CommandContext } from "./support/types.ts";

/** The buttons under every generated image: 🎲 reroll, ℹ️ info, 🗑 delete (`gen:<action>:<generation id>`). */
export const buttons: ButtonHandler = {
  prefix: "gen",
  async handle(interaction, ctx) {
    const [, action, id] = interaction.customId.split(":");
    const gen = id ? await ctx.prisma.generation.findUnique({ where: { id }, include: { images: { orderBy: { index: "asc" } } } }) : null;
    if (!gen) throw new UserFacingError("GenLab has no record of this image any more.");
    if (action === "info") {
      const reproduce = ctx.engines.has(gen.engine) ? ctx.engines.get(gen.engine).reproduce?.(gen.params as Record<string, unknown>) : undefined;
      await interaction.reply({ content: reproduce ? `Draw these again: \`/${gen.command} ${reproduce}\`` : undefined, embeds: [provenanceEmbed(gen)], flags: MessageFlags.Ephemeral });
    } else if (action === "reroll") {
      await reroll(interaction, ctx, gen);
    } else if (action === "cancel") {
      await cancelGeneration(ctx, gen, interaction.user.id, interaction.client.rest);
      await interaction.deferUpdate(); // the notice itself was just replaced by "Cancelled"
    } else if (action === "delete") {
      const own = interaction.user.id === gen.requesterId;
      if (!own && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)) {
        throw new UserFacingError("Only the student who asked for these images, or a moderator, can delete them.");
      }
      await interaction.message.delete();
      await ctx.prisma.generation.update({ where: { id: gen.id }, data: { deletedAt: new Date() } });
      ctx.log.info({ generationId: gen.id, by: interaction.user.id, own }, "generation message deleted");
      // A moderator removing someone else's images is an admin action: on the record.
      if (!own) await recordAudit(ctx.prisma, { guildId: interaction.guildId, actorId: interaction.user.id, action: "generation.delete", target: gen.id, details: { requesterId: gen.requesterId, messageId: interaction.message.id } });
      await interaction.reply({ content: `🗑 Deleted. Its record stays: \`/provenance target:${gen.id}\``, flags: MessageFlags.Ephemeral });
    }
  },
};

/** Withdraws a request that no worker has started; says what happened in one sentence. */
export async function cancelGeneration(
  ctx: CommandContext,
  gen: { id: string; requesterId: string; status: string; jobId: string | null; applicationId: string | null; interactionToken: string | null },
  userId: string,
  rest: REST,
): Promise<string> {
  if (gen.requesterId !== userId) throw new UserFacingError("Only the person who asked for these images can cancel them.");
  const moved = await ctx.prisma.generation.updateMany({ where: { id: gen.id, status: "queued" }, data: { status: "cancelled", finishedAt: new Date(), interactionToken: null } });
  if (moved.count === 0) throw new UserFacingError(gen.status === "running" ? "These images are already being drawn: they will arrive in a moment." : `This request has already ${gen.status === "cancelled" ? "been cancelled" : "ended"}.`);
  if (gen.jobId) await ctx.queue.cancelGeneration(gen.jobId);
  if (gen.applicationId && gen.interactionToken) {
    // The "queued" notice becomes "cancelled" (its Cancel button goes with it).
    await rest
      .patch(Routes.webhookMessage(gen.applicationId, gen.interactionToken, "@original"), { body: { content: `🚫 Cancelled generation \`${gen.id}\`.`, components: [] }, auth: false })
      .catch((e: unknown) => ctx.log.warn({ err: e, generationId: gen.id }, "could not update the queued notice"));
  }
  ctx.log.info({ generationId: gen.id, by: userId }, "generation cancelled");
  return `Cancelled generation \`${gen.id}\`.`;
}

/** Same engine and parameters, a new seed; the new images arrive as a reply of their own. */
async function reroll(interaction: ButtonInteraction, ctx: CommandContext, gen: { engine: string; command: string; params: unknown }): Promise<void> {
  await enqueueGeneration(interaction, ctx, {
    engine: gen.engine,
    command: gen.command,
    params: { ...(gen.params as Record<string, unknown>), seed: undefined },
    notice: (id) => `🎲 Rerolling with a new seed — generation \`${id}\`.`,
  });
}
