import { SlashCommandBuilder } from "discord.js";
import { DEFAULT_TRUNCATION } from "../engines/biggan/index.ts";
import { classChoices } from "./support/imagenet-choices.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { countOption, seedOption, truncationOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command } from "./support/types.ts";

/** Discord shows at most a 2×4 grid comfortably; the CLI allows up to 16. */
const MAX_DISCORD_IMAGES = 8;

/** /biggan — ImageNet class-conditional samples from BigGAN. */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("biggan")
    .setDescription("BigGAN images of an ImageNet class")
    .addStringOption((o) => o.setName("class").setDescription("Class name or number 0–999 (e.g. golden retriever, 207), or a mix 207:0.5,208:0.5").setRequired(true).setAutocomplete(true).setMaxLength(200))
    .addIntegerOption(countOption(MAX_DISCORD_IMAGES, 4))
    .addNumberOption(truncationOption(DEFAULT_TRUNCATION))
    .addIntegerOption(seedOption())
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "biggan",
      params: {
        class: interaction.options.getString("class", true),
        n: interaction.options.getInteger("n"),
        truncation: interaction.options.getNumber("truncation"),
        seed: interaction.options.getInteger("seed"),
      },
    });
  },
  autocomplete: classChoices,
};
