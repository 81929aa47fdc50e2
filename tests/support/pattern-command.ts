import { SlashCommandBuilder } from "discord.js";
import { enqueueGeneration } from "../../src/commands/support/enqueue.ts";
import { IMAGE_REQUEST } from "../../src/commands/support/preconditions.ts";
import type { Command } from "../../src/commands/support/types.ts";

/** /pattern n seed — the test engine's command, through the same enqueue path as real ones. */
export const patternCommand: Command = {
  data: new SlashCommandBuilder()
    .setName("pattern")
    .setDescription("Test patterns")
    .addIntegerOption((o) => o.setName("n").setDescription("how many"))
    .addIntegerOption((o) => o.setName("seed").setDescription("seed"))
    .addStringOption((o) => o.setName("engine").setDescription("which registered pattern engine"))
    .toJSON(),
  defer: "none",
  preconditions: { "*": IMAGE_REQUEST },
  async execute(interaction, ctx) {
    await enqueueGeneration(interaction, ctx, {
      engine: interaction.options.getString("engine") ?? "pattern",
      params: { n: interaction.options.getInteger("n") ?? 1, seed: interaction.options.getInteger("seed") ?? 1234 },
    });
  },
};

/** /boom — always throws, to exercise the router's error boundary. */
export const boomCommand: Command = {
  data: new SlashCommandBuilder().setName("boom").setDescription("fails").toJSON(),
  defer: "public",
  async execute() {
    throw new Error("kaboom with secret-value-123");
  },
};
