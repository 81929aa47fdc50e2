import { SlashCommandBuilder } from "discord.js";
import { DEFAULT_TRUNCATION, MAX_FRAMES } from "../engines/biggan/index.ts";
import { classChoices } from "./support/imagenet-choices.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { MAX_OPTION_SEED, seedOption, truncationOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command } from "./support/types.ts";

/** /biggan-interpolate — a walk from one class (and seed) to another: a strip and an animated GIF. */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("biggan-interpolate")
    .setDescription("Morph one ImageNet class into another with BigGAN")
    .addStringOption((o) => o.setName("from").setDescription("Start class: name or number").setRequired(true).setAutocomplete(true).setMaxLength(200))
    .addStringOption((o) => o.setName("to").setDescription("End class: name or number").setRequired(true).setAutocomplete(true).setMaxLength(200))
    .addIntegerOption((o) => o.setName("steps").setDescription(`Frames, 2–${MAX_FRAMES} (default 8)`).setMinValue(2).setMaxValue(MAX_FRAMES))
    .addNumberOption(truncationOption(DEFAULT_TRUNCATION, "lower is more typical, higher more varied"))
    .addIntegerOption(seedOption("Seed of the start image"))
    .addIntegerOption((o) => o.setName("to_seed").setDescription("Seed of the end image (default: the same, a pure class morph)").setMinValue(0).setMaxValue(MAX_OPTION_SEED))
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "biggan",
      params: {
        mode: "interpolate",
        class: interaction.options.getString("from", true),
        to: interaction.options.getString("to", true),
        steps: interaction.options.getInteger("steps"),
        truncation: interaction.options.getNumber("truncation"),
        seed: interaction.options.getInteger("seed"),
        toSeed: interaction.options.getInteger("to_seed"),
      },
    });
  },
  autocomplete: classChoices,
};
