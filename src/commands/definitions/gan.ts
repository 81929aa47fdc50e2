import { SlashCommandBuilder } from "discord.js";
import { MAX_SAMPLES } from "../../engines/gan/limits.ts";
import { countOption, seedOption } from "../support/options.ts";

/** The /gan slash command as Discord registers it (its handler: src/commands/gan.ts). */
export const definition = new SlashCommandBuilder()
  .setName("gan")
  .setDescription("GANs trained by GenLab")
  .addSubcommand((s) =>
    s
      .setName("sample")
      .setDescription("Draw images from a trained generator")
      .addStringOption((o) => o.setName("model").setDescription("Which generator (default: the first installed)").setAutocomplete(true).setMaxLength(100))
      .addIntegerOption(countOption(MAX_SAMPLES, 16))
      .addStringOption((o) => o.setName("label").setDescription("Class to draw (conditional models): number or name").setAutocomplete(true).setMaxLength(40))
      .addIntegerOption(seedOption()),
  )
  .toJSON();
