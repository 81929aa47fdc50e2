import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/dataset.ts";

/** /dataset — the lab's synthetic-data exercise: a folder-per-prompt dataset with metadata, as one job. */
export const command = imageCommand({
  data: definition,
  engine: "dataset",
  params: (o) => ({
    preset: o.getString("preset"),
    prompts: o.getString("prompts"),
    perPrompt: o.getInteger("per_prompt"),
    seed: o.getInteger("seed"),
    steps: o.getInteger("steps"),
    guidance: o.getNumber("guidance"),
    model: o.getString("model"),
  }),
});
