import { type AutocompleteInteraction } from "discord.js";
import type { EvalEngine } from "../engines/eval/engine.ts";
import { ganModelsFor } from "../guilds/models.ts";
import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/evaluate.ts";
import type { CommandContext } from "./support/types.ts";

/** /evaluate — label distribution, class accuracy and classifier-feature FD of a trained generator. */
export const command = imageCommand({
  data: definition,
  engine: "eval",
  params: (o) => ({ task: "distribution", model: o.getString("model"), n: o.getInteger("n"), seed: o.getInteger("seed") }),
  autocomplete: modelChoices,
});

/** Generator names for the model option (shared with /denoise). */
export async function modelChoices(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const engine = ctx.engines.has("eval") ? (ctx.engines.get("eval") as EvalEngine) : undefined;
  const typed = String(interaction.options.getFocused()).toLowerCase();
  const names = engine ? await ganModelsFor(ctx.prisma, engine.catalog, interaction.guildId) : [];
  await interaction.respond(names.filter((n) => n.toLowerCase().includes(typed)).slice(0, 25).map((n) => ({ name: n, value: n })));
}
