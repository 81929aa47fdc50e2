import { enqueueGeneration } from "./support/enqueue.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import { definition } from "./definitions/imagine.ts";
import type { Command } from "./support/types.ts";

/** /imagine — Stable Diffusion text-to-image, posted as a grid (2×2 for the default four). */
export const command: Command = {
  data: definition,
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
