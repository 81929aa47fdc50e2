import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { cancelGeneration } from "./result-buttons.ts";
import type { Command } from "./support/types.ts";

/** /cancel [generation] — withdraw one of your requests that has not started (default: the newest). */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("cancel")
    .setDescription("Cancel one of your waiting image requests")
    .addStringOption((o) => o.setName("generation").setDescription("Generation id (default: your newest waiting request)").setMaxLength(40))
    .toJSON(),
  defer: "none",
  async execute(interaction, ctx) {
    const id = interaction.options.getString("generation")?.trim().toLowerCase();
    if (id && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
      throw new UserFacingError("That is not a generation id: copy it from the queued message or from /queue.");
    }
    const gen = id
      ? await ctx.prisma.generation.findFirst({ where: { id, requesterId: interaction.user.id } })
      : await ctx.prisma.generation.findFirst({ where: { requesterId: interaction.user.id, status: "queued" }, orderBy: { queuedAt: "desc" } });
    if (!gen) throw new UserFacingError(id ? `You have no request with id \`${id.slice(0, 40)}\`: see /queue.` : "You have no waiting request to cancel.");
    await interaction.reply({ content: await cancelGeneration(ctx, gen, interaction.user.id, interaction.client.rest), flags: MessageFlags.Ephemeral });
  },
};
