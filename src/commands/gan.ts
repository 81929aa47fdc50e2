import type { AutocompleteInteraction } from "discord.js";
import { GanEngine } from "../engines/gan/index.ts";
import { ganModelsFor } from "../guilds/models.ts";
import { imageCommand } from "./support/image-command.ts";
import { definition } from "./definitions/gan.ts";
import type { CommandContext } from "./support/types.ts";

/** /gan sample — images from GenLab's own trained GANs (MNIST digits, Fashion-MNIST). */
export const command = imageCommand({
  data: definition,
  engine: "gan",
  params: (o) => ({
    model: o.getString("model"),
    n: o.getInteger("n"),
    label: o.getString("label"),
    seed: o.getInteger("seed"),
  }),
  autocomplete,
});

/** Model names this server may use, and a conditional model's classes. */
async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const engine = ctx.engines.has("gan") ? (ctx.engines.get("gan") as GanEngine) : undefined;
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value).toLowerCase();
  let choices: { name: string; value: string }[] = [];
  if (engine && focused.name === "model") {
    choices = (await ganModelsFor(ctx.prisma, engine.catalog, interaction.guildId)).map((n) => ({ name: n, value: n }));
  } else if (engine && focused.name === "label") {
    const model = interaction.options.getString("model") ?? engine.defaultModel();
    const visible = model ? (await ganModelsFor(ctx.prisma, engine.catalog, interaction.guildId)).includes(model) : false;
    const spec = model && visible ? safeSpec(engine, model) : undefined;
    choices = spec?.conditional ? spec.classes.map((c, i) => ({ name: `${i} · ${c}`, value: String(i) })) : [];
  }
  await interaction.respond(choices.filter((c) => c.name.toLowerCase().includes(typed)).slice(0, 25));
}

function safeSpec(engine: GanEngine, model: string) {
  try {
    return engine.catalog.manifest(model).spec;
  } catch {
    return undefined;
  }
}
