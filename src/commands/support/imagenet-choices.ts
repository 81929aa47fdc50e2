import type { AutocompleteInteraction } from "discord.js";
import { BigGanEngine } from "../../engines/biggan/index.ts";
import type { CommandContext } from "./types.ts";

/** Autocomplete for any ImageNet class option: by number, WordNet id or name, "207 · golden retriever". */
export async function classChoices(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const engine = ctx.engines.has("biggan") ? ctx.engines.get("biggan") : undefined;
  if (!(engine instanceof BigGanEngine)) return interaction.respond([]);
  const typed = String(interaction.options.getFocused(true).value);
  await interaction.respond(engine.classes.search(typed, 25).map((c) => ({ name: `${c.index} · ${c.names.join(", ")}`.slice(0, 100), value: String(c.index) })));
}
