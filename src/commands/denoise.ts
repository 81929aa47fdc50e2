import { modelChoices } from "./evaluate.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import { definition } from "./definitions/denoise.ts";
import type { Command } from "./support/types.ts";

/** /denoise — clean / noisy / the generator's closest image, with PSNR and SSIM. */
export const command: Command = {
  data: definition,
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
