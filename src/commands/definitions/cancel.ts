import { SlashCommandBuilder } from "discord.js";

/** The /cancel slash command as Discord registers it (its handler: src/commands/cancel.ts). */
export const definition = new SlashCommandBuilder()
  .setName("cancel")
  .setDescription("Cancel one of your waiting image requests")
  .addStringOption((o) => o.setName("generation").setDescription("Generation id (default: your newest waiting request)").setMaxLength(40))
  .toJSON();
