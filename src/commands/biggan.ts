import { classChoices } from "./support/imagenet-choices.ts";
import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/biggan.ts";

/** /biggan — ImageNet class-conditional samples from BigGAN. */
export const command = imageCommand({
  data: definition,
  engine: "biggan",
  params: (o) => ({
    class: o.getString("class", true),
    n: o.getInteger("n"),
    truncation: o.getNumber("truncation"),
    seed: o.getInteger("seed"),
  }),
  autocomplete: classChoices,
});
