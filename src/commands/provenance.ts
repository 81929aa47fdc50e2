import { MessageFlags } from "discord.js";
import { findProvenance, provenanceEmbed } from "../generations/provenance.ts";
import { definition } from "./definitions/provenance.ts";
import type { Command } from "./support/types.ts";

/** /provenance — everything GenLab knows about how an image was made. */
export const command: Command = {
  data: definition,
  defer: "none",
  async execute(interaction, ctx) {
    const target = interaction.options.getString("target", true).trim();
    const gen = await findProvenance(ctx.prisma, target, interaction.guildId, interaction.user.id);
    await interaction.reply({ embeds: [provenanceEmbed(gen)], flags: MessageFlags.Ephemeral });
  },
};
