import { SlashCommandBuilder } from "discord.js";
import { DEFAULT_TRUNCATION } from "../../engines/biggan/limits.ts";
import { countOption, seedOption, truncationOption } from "../support/options.ts";

/** Discord shows at most a 2×4 grid comfortably; the CLI allows up to 16. */
export const MAX_DISCORD_IMAGES = 8;

/** The /biggan slash command as Discord registers it (its handler: src/commands/biggan.ts). */
export const definition = new SlashCommandBuilder()
  .setName("biggan")
  .setDescription("BigGAN images of an ImageNet class")
  .addStringOption((o) => o.setName("class").setDescription("Class name or number 0–999 (e.g. golden retriever, 207), or a mix 207:0.5,208:0.5").setRequired(true).setAutocomplete(true).setMaxLength(200))
  .addIntegerOption(countOption(MAX_DISCORD_IMAGES, 4))
  .addNumberOption(truncationOption(DEFAULT_TRUNCATION))
  .addIntegerOption(seedOption())
  .toJSON();
