import { enqueueGeneration } from "./support/enqueue.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import { definition } from "./definitions/dataset.ts";
import type { Command } from "./support/types.ts";

/** /dataset — the lab's synthetic-data exercise: a folder-per-prompt dataset with metadata, as one job. */
export const command: Command = {
  data: definition,
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
