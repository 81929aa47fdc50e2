import { type AutocompleteInteraction } from "discord.js";
import type { EvalEngine } from "../engines/eval/engine.ts";
import { ganModelsFor } from "../guilds/models.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import { definition } from "./definitions/evaluate.ts";
import type { Command, CommandContext } from "./support/types.ts";

/** /evaluate — label distribution, class accuracy and classifier-feature FD of a trained generator. */
export const command: Command = {
  data: definition,
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "eval",
      params: { task: "distribution", model: interaction.options.getString("model"), n: interaction.options.getInteger("n"), seed: interaction.options.getInteger("seed") },
    });
  },
  autocomplete: modelChoices,
};

/** Generator names for the model option (shared with /denoise). */
export async function modelChoices(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const engine = ctx.engines.has("eval") ? (ctx.engines.get("eval") as EvalEngine) : undefined;
  const typed = String(interaction.options.getFocused()).toLowerCase();
  const names = engine ? await ganModelsFor(ctx.prisma, engine.catalog, interaction.guildId) : [];
  await interaction.respond(names.filter((n) => n.toLowerCase().includes(typed)).slice(0, 25).map((n) => ({ name: n, value: n })));
}
