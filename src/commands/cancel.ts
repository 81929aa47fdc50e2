import { MessageFlags } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { cancelGeneration, generationToCancel } from "../generations/actions.ts";
import { definition } from "./definitions/cancel.ts";
import type { Command } from "./support/types.ts";

/** /cancel [generation] — withdraw one of your requests that has not started (default: the newest). */
export const command: Command = {
  data: definition,
  defer: "none",
  async execute(interaction, ctx) {
    const id = interaction.options.getString("generation")?.trim().toLowerCase();
    if (id && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
      throw new UserFacingError("That is not a generation id: copy it from the queued message or from /queue.");
    }
    const gen = await generationToCancel(ctx.prisma, interaction.user.id, id);
    await interaction.reply({ content: await cancelGeneration(ctx, gen, interaction.user.id, interaction.client.rest), flags: MessageFlags.Ephemeral });
  },
};
