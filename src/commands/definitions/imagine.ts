import { SlashCommandBuilder } from "discord.js";
import { aspects, MAX_GUIDANCE, MAX_IMAGES, MAX_STEPS } from "../../engines/diffusion/params.ts";
import { MAX_PROMPT_LENGTH } from "../../engines/diffusion/prompt-policy.ts";
import { countOption, seedOption } from "../support/options.ts";

/** The /imagine slash command as Discord registers it (its handler: src/commands/imagine.ts). */
export const definition = new SlashCommandBuilder()
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
  .toJSON();
