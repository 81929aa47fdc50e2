import { SlashCommandBuilder } from "discord.js";
import { DEFAULT_TRUNCATION, MAX_FRAMES } from "../../engines/biggan/limits.ts";
import { MAX_OPTION_SEED, seedOption, truncationOption } from "../support/options.ts";

/** The /biggan-interpolate slash command as Discord registers it (its handler: src/commands/biggan-interpolate.ts). */
export const definition = new SlashCommandBuilder()
  .setName("biggan-interpolate")
  .setDescription("Morph one ImageNet class into another with BigGAN")
  .addStringOption((o) => o.setName("from").setDescription("Start class: name or number").setRequired(true).setAutocomplete(true).setMaxLength(200))
  .addStringOption((o) => o.setName("to").setDescription("End class: name or number").setRequired(true).setAutocomplete(true).setMaxLength(200))
  .addIntegerOption((o) => o.setName("steps").setDescription(`Frames, 2–${MAX_FRAMES} (default 8)`).setMinValue(2).setMaxValue(MAX_FRAMES))
  .addNumberOption(truncationOption(DEFAULT_TRUNCATION, "lower is more typical, higher more varied"))
  .addIntegerOption(seedOption("Seed of the start image"))
  .addIntegerOption((o) => o.setName("to_seed").setDescription("Seed of the end image (default: the same, a pure class morph)").setMinValue(0).setMaxValue(MAX_OPTION_SEED))
  .toJSON();
