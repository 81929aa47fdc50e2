import { SlashCommandBuilder } from "discord.js";

/** The /provenance slash command as Discord registers it (its handler: src/commands/provenance.ts). */
export const definition = new SlashCommandBuilder()
  .setName("provenance")
  .setDescription("Who made an image, with which model, parameters and seed")
  .addStringOption((o) => o.setName("target").setDescription("Message link, message id or generation id").setRequired(true).setMaxLength(200))
  .toJSON();
