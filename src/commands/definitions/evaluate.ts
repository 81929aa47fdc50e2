import { SlashCommandBuilder } from "discord.js";
import { LIMITS } from "../../engines/eval/limits.ts";
import { countOption, seedOption } from "../support/options.ts";

/** Samples per evaluation from Discord: enough for stable shares, quick on one CPU core. */
export const MAX_DISCORD_N = 5000;

/** The /evaluate slash command as Discord registers it (its handler: src/commands/evaluate.ts). */
export const definition = new SlashCommandBuilder()
  .setName("evaluate")
  .setDescription("Judge a GAN with GenLab's classifier: label distribution, class accuracy, FD")
  .addStringOption((o) => o.setName("model").setDescription("Which generator (default: the first installed)").setAutocomplete(true).setMaxLength(100))
  .addIntegerOption(countOption(MAX_DISCORD_N, LIMITS.distribution.default, "samples to classify", 10))
  .addIntegerOption(seedOption("Seed, to get the same numbers again"))
  .toJSON();
