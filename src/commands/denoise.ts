import { modelChoices } from "./evaluate.ts";
import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/denoise.ts";

/** /denoise — clean / noisy / the generator's closest image, with PSNR and SSIM. */
export const command = imageCommand({
  data: definition,
  engine: "eval",
  params: (o) => ({ task: "denoise", model: o.getString("model"), sigma: o.getNumber("sigma"), n: o.getInteger("n"), seed: o.getInteger("seed") }),
  autocomplete: modelChoices,
});
