import { SlashCommandBuilder } from "discord.js";
import { GanEngine, MAX_SAMPLES } from "../engines/gan/index.ts";
import { ganModelsFor } from "../guilds/models.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { countOption, seedOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command } from "./support/types.ts";

/** /gan sample — images from GenLab's own trained GANs (MNIST digits, Fashion-MNIST). */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("gan")
    .setDescription("GANs trained by GenLab")
    .addSubcommand((s) =>
      s
        .setName("sample")
        .setDescription("Draw images from a trained generator")
        .addStringOption((o) => o.setName("model").setDescription("Which generator (default: the first installed)").setAutocomplete(true).setMaxLength(100))
        .addIntegerOption(countOption(MAX_SAMPLES, 16))
        .addStringOption((o) => o.setName("label").setDescription("Class to draw (conditional models): number or name").setAutocomplete(true).setMaxLength(40))
        .addIntegerOption(seedOption()),
    )
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: "gan",
      params: {
        model: interaction.options.getString("model"),
        n: interaction.options.getInteger("n"),
        label: interaction.options.getString("label"),
        seed: interaction.options.getInteger("seed"),
      },
    });
  },
  async autocomplete(interaction, ctx) {
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
  },
};

function safeSpec(engine: GanEngine, model: string) {
  try {
    return engine.catalog.manifest(model).spec;
  } catch {
    return undefined;
  }
}
