import { SlashCommandBuilder } from "discord.js";
import { MAX_PER_PROMPT } from "../../engines/diffusion/dataset/limits.ts";
import { presetNames } from "../../engines/diffusion/dataset/presets.ts";
import { MAX_GUIDANCE, MAX_STEPS } from "../../engines/diffusion/params.ts";
import { seedOption } from "../support/options.ts";

/** The /dataset slash command as Discord registers it (its handler: src/commands/dataset.ts). */
export const definition = new SlashCommandBuilder()
  .setName("dataset")
  .setDescription("Generate a synthetic image dataset (folder per prompt, metadata, contact sheet, zip)")
  .addStringOption((o) => o.setName("preset").setDescription("A prompt set from the lab").addChoices(...presetNames.map((p) => ({ name: p === "xray" ? "xray (synthetic medical X-rays, not for diagnosis)" : `${p} (city, village, robot, cyberpunk street, astronaut)`, value: p }))))
  .addStringOption((o) => o.setName("prompts").setDescription("Your own prompts, separated by semicolons").setMaxLength(2000))
  .addIntegerOption((o) => o.setName("per_prompt").setDescription(`Images per prompt, 1–${MAX_PER_PROMPT} (default 2)`).setMinValue(1).setMaxValue(MAX_PER_PROMPT))
  .addIntegerOption(seedOption("First seed (image k uses seed + k)"))
  .addIntegerOption((o) => o.setName("steps").setDescription(`Denoising steps, 1–${MAX_STEPS}`).setMinValue(1).setMaxValue(MAX_STEPS))
  .addNumberOption((o) => o.setName("guidance").setDescription(`Guidance scale, 0–${MAX_GUIDANCE}`).setMinValue(0).setMaxValue(MAX_GUIDANCE))
  .addStringOption((o) => o.setName("model").setDescription("Which model").addChoices({ name: "local ONNX model", value: "local" }, { name: "Hugging Face Inference", value: "hf" }))
  .toJSON();
