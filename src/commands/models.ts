import { EmbedBuilder } from "discord.js";
import { definition } from "./definitions/models.ts";
import type { Command } from "./support/types.ts";

/** /models — which engines can run here, and for each one that cannot, what to set. */
export const command: Command = {
  data: definition,
  defer: "none",
  async execute(interaction, ctx) {
    const lines: string[] = [];
    for (const engine of ctx.engines.list()) {
      const s = engine.status();
      lines.push(`${s.ready ? "✅" : "❌"} **${engine.title}**: ${s.detail}`);
    }
    const embed = new EmbedBuilder().setTitle("GenLab models").setDescription(lines.join("\n") || "No engines installed.");
    await interaction.reply({ embeds: [embed] });
  },
};
