import { classChoices } from "./support/imagenet-choices.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import { definition } from "./definitions/biggan-interpolate.ts";
import type { Command } from "./support/types.ts";

/** /biggan-interpolate — a walk from one class (and seed) to another: a strip and an animated GIF. */
export const command: Command = {
  data: definition,
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
