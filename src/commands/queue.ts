import { MessageFlags } from "discord.js";
import { waitingLines } from "../generations/actions.ts";
import { definition } from "./definitions/queue.ts";
import type { Command } from "./support/types.ts";

/** /queue — your requests that are waiting or being drawn, with their place in line. */
export const command: Command = {
  data: definition,
  defer: "none",
  async execute(interaction, ctx) {
    const lines = await waitingLines(ctx.prisma, interaction.user.id);
    await interaction.reply({ content: lines.join("\n") || "Nothing of yours is waiting: every request you made has finished.", flags: MessageFlags.Ephemeral });
  },
};
