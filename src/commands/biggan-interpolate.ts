import { classChoices } from "./support/imagenet-choices.ts";
import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/biggan-interpolate.ts";

/** /biggan-interpolate — a walk from one class (and seed) to another: a strip and an animated GIF. */
export const command = imageCommand({
  data: definition,
  engine: "biggan",
  params: (o) => ({
    mode: "interpolate",
    class: o.getString("from", true),
    to: o.getString("to", true),
    steps: o.getInteger("steps"),
    truncation: o.getNumber("truncation"),
    seed: o.getInteger("seed"),
    toSeed: o.getInteger("to_seed"),
  }),
  autocomplete: classChoices,
});
