import { SlashCommandBuilder } from "discord.js";

/** The /models slash command as Discord registers it (its handler: src/commands/models.ts). */
export const definition = new SlashCommandBuilder().setName("models").setDescription("Which generators are ready, and what is missing for the others").toJSON();
