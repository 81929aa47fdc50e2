import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/imagine.ts";

/** /imagine — Stable Diffusion text-to-image, posted as a grid (2×2 for the default four). */
export const command = imageCommand({
  data: definition,
  engine: "diffusion",
  params: (o) => ({
    prompt: o.getString("prompt", true),
    negative: o.getString("negative"),
    n: o.getInteger("n"),
    steps: o.getInteger("steps"),
    guidance: o.getNumber("guidance"),
    seed: o.getInteger("seed"),
    aspect: o.getString("aspect"),
    model: o.getString("model"),
  }),
});
