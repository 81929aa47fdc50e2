import { SlashCommandBuilder, type AutocompleteInteraction } from "discord.js";
import type { EvalEngine } from "../engines/eval/engine.ts";
import { LIMITS } from "../engines/eval/engine.ts";
import { ganModelsFor } from "../guilds/models.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { countOption, seedOption } from "./support/options.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { Command, CommandContext } from "./support/types.ts";

/** Samples per evaluation from Discord: enough for stable shares, quick on one CPU core. */
const MAX_DISCORD_N = 5000;

/** /evaluate — label distribution, class accuracy and classifier-feature FD of a trained generator. */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("evaluate")
    .setDescription("Judge a GAN with GenLab's classifier: label distribution, class accuracy, FD")
    .addStringOption((o) => o.setName("model").setDescription("Which generator (default: the first installed)").setAutocomplete(true).setMaxLength(100))
    .addIntegerOption(countOption(MAX_DISCORD_N, LIMITS.distribution.default, "samples to classify", 10))
    .addIntegerOption(seedOption("Seed, to get the same numbers again"))
    .toJSON(),
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
