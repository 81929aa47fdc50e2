import { classChoices } from "./support/imagenet-choices.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import { definition } from "./definitions/biggan.ts";
import type { Command } from "./support/types.ts";

/** /biggan — ImageNet class-conditional samples from BigGAN. */
export const command: Command = {
  data: definition,
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "biggan",
      params: {
        class: interaction.options.getString("class", true),
        n: interaction.options.getInteger("n"),
        truncation: interaction.options.getNumber("truncation"),
        seed: interaction.options.getInteger("seed"),
      },
    });
  },
  autocomplete: classChoices,
};
