import { SlashCommandBuilder } from "discord.js";
import { LIMITS } from "../../engines/eval/limits.ts";
import { countOption, seedOption } from "../support/options.ts";

/** The /denoise slash command as Discord registers it (its handler: src/commands/denoise.ts). */
export const definition = new SlashCommandBuilder()
  .setName("denoise")
  .setDescription("Add noise to real images and find the GAN's closest images (inversion), with PSNR/SSIM")
  .addStringOption((o) => o.setName("model").setDescription("Which generator (default: the first installed)").setAutocomplete(true).setMaxLength(100))
  .addNumberOption((o) => o.setName("sigma").setDescription(`Noise σ on the [-1, 1] pixel scale, 0–${LIMITS.sigma.max} (default ${LIMITS.sigma.default})`).setMinValue(0).setMaxValue(LIMITS.sigma.max))
  .addIntegerOption(countOption(LIMITS.denoise.max, LIMITS.denoise.default))
  .addIntegerOption(seedOption("Seed: which images, which noise, which starting points"))
  .toJSON();
