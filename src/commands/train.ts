import { EmbedBuilder, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { statusEmbed } from "../training/embeds.ts";
import { recentRuns, resumeRun, runStatus, startRun, stopRun, type RunActor } from "../training/lifecycle.ts";
import type { TrainingConfig } from "../training/runs.ts";
import { teacher } from "./support/preconditions.ts";
import { definition } from "./definitions/train.ts";
import type { Command, CommandContext } from "./support/types.ts";

/** /train — teachers start, watch, stop and resume GAN training runs in a class channel. */
export const command: Command = {
  data: definition,
  defer: "none",
  // The Stop button's action is "stop": the same check as /train stop.
  preconditions: { start: [teacher("start training runs")], stop: [teacher("stop training runs")], resume: [teacher("resume training runs")] },
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    if (sub === "start") return start(interaction, ctx);
    if (sub === "stop") return stop(interaction, ctx, interaction.options.getString("run", true));
    if (sub === "resume") return resume(interaction, ctx);
    if (sub === "status") return status(interaction, ctx);
    return list(interaction, ctx);
  },
  async button(interaction, ctx, { action, target: runId }) {
    if (action !== "stop" || !runId) throw new UserFacingError("This button is not one of GenLab's.");
    await stop(interaction, ctx, runId);
  },
};

/** Who asks, where: what the training operations scope and audit by. */
function actor(interaction: ChatInputCommandInteraction | ButtonInteraction): RunActor {
  return {
    guild: interaction.guildId ? { id: interaction.guildId, name: interaction.guild?.name } : null,
    user: { id: interaction.user.id, username: interaction.user.username },
  };
}

async function start(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const o = interaction.options;
  const config: TrainingConfig = {
    dataset: o.getString("dataset", true),
    arch: o.getString("arch", true) as "mlp" | "dcgan",
    conditional: o.getBoolean("conditional") ?? false,
    epochs: o.getInteger("epochs") ?? 50,
    batch: o.getInteger("batch") ?? 64,
    lr: o.getNumber("lr") ?? 2e-4,
    sampleEvery: o.getInteger("sample-every") ?? 1,
    seed: Math.floor(Math.random() * 2 ** 31),
    ...(o.getInteger("limit") ? { limit: o.getInteger("limit")! } : {}),
  };
  const channelId = o.getChannel("channel")?.id ?? interaction.channelId;
  const run = await startRun({ ...ctx, maxRunsPerGuild: ctx.config.GENLAB_MAX_RUNS_PER_GUILD }, actor(interaction), config, channelId);
  ctx.log.info({ runId: run.id, user: interaction.user.id, guild: interaction.guildId, config }, "training run queued");
  await interaction.reply({ content: `🏋️ Queued **${run.name}**: ${config.epochs} epochs of ${config.arch}${config.conditional ? " (conditional)" : ""} on ${config.dataset}. Progress appears in <#${channelId}>.` });
}

async function stop(interaction: ChatInputCommandInteraction | ButtonInteraction, ctx: CommandContext, ref: string): Promise<void> {
  const run = await stopRun(ctx, actor(interaction), ref);
  ctx.log.info({ runId: run.id, user: interaction.user.id }, "training run stop requested");
  await interaction.reply({ content: `⏹️ Stopping **${run.name}** after the current step; its last finished epoch is kept (/train resume run:${run.name}).`, flags: MessageFlags.Ephemeral });
}

async function resume(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const run = await resumeRun(ctx, actor(interaction), interaction.options.getString("run", true));
  await interaction.reply({ content: `▶️ Resuming **${run.name}** after epoch ${run.after}.` });
}

async function status(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const view = await runStatus(ctx.prisma, interaction.guildId, interaction.options.getString("run"));
  await interaction.reply({ embeds: [statusEmbed(view)] });
}

async function list(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const lines = await recentRuns(ctx.prisma, interaction.guildId);
  await interaction.reply({ embeds: [new EmbedBuilder().setTitle("Training runs").setDescription(lines.join("\n") || "None yet: a teacher can start one with /train start.")] });
}
