import { SlashCommandBuilder } from "discord.js";

/** The /queue slash command as Discord registers it (its handler: src/commands/queue.ts). */
export const definition = new SlashCommandBuilder().setName("queue").setDescription("Your image requests that are waiting or being drawn").toJSON();
