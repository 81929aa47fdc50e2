import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { queuePosition } from "../generations/queue-position.ts";
import type { Command } from "./support/types.ts";

/** /queue — your requests that are waiting or being drawn, with their place in line. */
export const command: Command = {
  data: new SlashCommandBuilder().setName("queue").setDescription("Your image requests that are waiting or being drawn").toJSON(),
  defer: "none",
  async execute(interaction, ctx) {
    const mine = await ctx.prisma.generation.findMany({ where: { requesterId: interaction.user.id, status: { in: ["queued", "running"] } }, orderBy: { queuedAt: "asc" } });
    const lines = await Promise.all(
      mine.map(async (g) => {
        if (g.status === "running") return `🎨 \`${g.id}\` /${g.command} — being drawn now`;
        const { position, etaSeconds } = await queuePosition(ctx.prisma, g);
        return `⏳ \`${g.id}\` /${g.command} — position ${position}${etaSeconds === undefined ? "" : `, about ${Math.max(1, Math.round(etaSeconds))} s`}`;
      }),
    );
    await interaction.reply({ content: lines.join("\n") || "Nothing of yours is waiting: every request you made has finished.", flags: MessageFlags.Ephemeral });
  },
};
