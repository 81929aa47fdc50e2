import { SlashCommandBuilder } from "discord.js";
import { MAX_GUIDANCE, MAX_PER_PROMPT, MAX_STEPS, presetNames } from "../engines/diffusion/index.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { seedOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command } from "./support/types.ts";

/** /dataset — the lab's synthetic-data exercise: a folder-per-prompt dataset with metadata, as one job. */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("dataset")
    .setDescription("Generate a synthetic image dataset (folder per prompt, metadata, contact sheet, zip)")
    .addStringOption((o) => o.setName("preset").setDescription("A prompt set from the lab").addChoices(...presetNames.map((p) => ({ name: p === "xray" ? "xray (synthetic medical X-rays, not for diagnosis)" : `${p} (city, village, robot, cyberpunk street, astronaut)`, value: p }))))
    .addStringOption((o) => o.setName("prompts").setDescription("Your own prompts, separated by semicolons").setMaxLength(2000))
    .addIntegerOption((o) => o.setName("per_prompt").setDescription(`Images per prompt, 1–${MAX_PER_PROMPT} (default 2)`).setMinValue(1).setMaxValue(MAX_PER_PROMPT))
    .addIntegerOption(seedOption("First seed (image k uses seed + k)"))
    .addIntegerOption((o) => o.setName("steps").setDescription(`Denoising steps, 1–${MAX_STEPS}`).setMinValue(1).setMaxValue(MAX_STEPS))
    .addNumberOption((o) => o.setName("guidance").setDescription(`Guidance scale, 0–${MAX_GUIDANCE}`).setMinValue(0).setMaxValue(MAX_GUIDANCE))
    .addStringOption((o) => o.setName("model").setDescription("Which model").addChoices({ name: "local ONNX model", value: "local" }, { name: "Hugging Face Inference", value: "hf" }))
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "dataset",
      params: {
        preset: interaction.options.getString("preset"),
        prompts: interaction.options.getString("prompts"),
        perPrompt: interaction.options.getInteger("per_prompt"),
        seed: interaction.options.getInteger("seed"),
        steps: interaction.options.getInteger("steps"),
        guidance: interaction.options.getNumber("guidance"),
        model: interaction.options.getString("model"),
      },
    });
  },
};
