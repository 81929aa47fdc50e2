import { SlashCommandBuilder } from "discord.js";
import { aspects, MAX_GUIDANCE, MAX_IMAGES, MAX_PROMPT_LENGTH, MAX_STEPS } from "../engines/diffusion/index.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { countOption, seedOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command } from "./support/types.ts";

/** /imagine — Stable Diffusion text-to-image, posted as a grid (2×2 for the default four). */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("imagine")
    .setDescription("Draw images from a text prompt with Stable Diffusion")
    .addStringOption((o) => o.setName("prompt").setDescription("What to draw, e.g. a cyberpunk street at night").setRequired(true).setMaxLength(MAX_PROMPT_LENGTH))
    .addStringOption((o) => o.setName("negative").setDescription("What to keep out of the image, e.g. blurry, text").setMaxLength(MAX_PROMPT_LENGTH))
    .addIntegerOption(countOption(MAX_IMAGES, MAX_IMAGES))
    .addIntegerOption((o) => o.setName("steps").setDescription(`Denoising steps, 1–${MAX_STEPS} (default: the model's)`).setMinValue(1).setMaxValue(MAX_STEPS))
    .addNumberOption((o) => o.setName("guidance").setDescription(`How closely to follow the prompt, 0–${MAX_GUIDANCE} (default: the model's)`).setMinValue(0).setMaxValue(MAX_GUIDANCE))
    .addIntegerOption(seedOption())
    .addStringOption((o) => o.setName("aspect").setDescription("Aspect ratio (default 1:1)").addChoices(...aspects.map((a) => ({ name: a, value: a }))))
    .addStringOption((o) =>
      o
        .setName("model")
        .setDescription("Which model (default: the first configured)")
        .addChoices({ name: "local ONNX model", value: "local" }, { name: "Hugging Face Inference", value: "hf" }),
    )
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "diffusion",
      params: {
        prompt: interaction.options.getString("prompt", true),
        negative: interaction.options.getString("negative"),
        n: interaction.options.getInteger("n"),
        steps: interaction.options.getInteger("steps"),
        guidance: interaction.options.getNumber("guidance"),
        seed: interaction.options.getInteger("seed"),
        aspect: interaction.options.getString("aspect"),
        model: interaction.options.getString("model"),
      },
    });
  },
};
