import { MessageFlags, PermissionFlagsBits, type ButtonInteraction } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
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
    } else if (action === "delete") {
      const own = interaction.user.id === gen.requesterId;
      if (!own && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)) {
        throw new UserFacingError("Only the student who asked for these images, or a moderator, can delete them.");
      }
      await interaction.message.delete();
      await ctx.prisma.generation.update({ where: { id: gen.id }, data: { deletedAt: new Date() } });
      ctx.log.info({ generationId: gen.id, by: interaction.user.id, own }, "generation message deleted");
      await interaction.reply({ content: `🗑 Deleted. Its record stays: \`/provenance target:${gen.id}\``, flags: MessageFlags.Ephemeral });
    }
  },
};

/** Same engine and parameters, a new seed; the new images arrive as a reply of their own. */
async function reroll(interaction: ButtonInteraction, ctx: CommandContext, gen: { engine: string; command: string; params: unknown }): Promise<void> {
  await enqueueGeneration(interaction, ctx, {
    engine: gen.engine,
    command: gen.command,
    params: { ...(gen.params as Record<string, unknown>), seed: undefined },
    notice: (id) => `🎲 Rerolling with a new seed — generation \`${id}\`.`,
  });
}
