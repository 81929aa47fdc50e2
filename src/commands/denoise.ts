import { SlashCommandBuilder } from "discord.js";
import { LIMITS } from "../engines/eval/engine.ts";
import { modelChoices } from "./evaluate.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { countOption, seedOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command } from "./support/types.ts";

/** /denoise — clean / noisy / the generator's closest image, with PSNR and SSIM. */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("denoise")
    .setDescription("Add noise to real images and find the GAN's closest images (inversion), with PSNR/SSIM")
    .addStringOption((o) => o.setName("model").setDescription("Which generator (default: the first installed)").setAutocomplete(true).setMaxLength(100))
    .addNumberOption((o) => o.setName("sigma").setDescription(`Noise σ on the [-1, 1] pixel scale, 0–${LIMITS.sigma.max} (default ${LIMITS.sigma.default})`).setMinValue(0).setMaxValue(LIMITS.sigma.max))
    .addIntegerOption(countOption(LIMITS.denoise.max, LIMITS.denoise.default))
    .addIntegerOption(seedOption("Seed: which images, which noise, which starting points"))
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "eval",
      params: { task: "denoise", model: interaction.options.getString("model"), sigma: interaction.options.getNumber("sigma"), n: interaction.options.getInteger("n"), seed: interaction.options.getInteger("seed") },
    });
  },
  autocomplete: modelChoices,
};
