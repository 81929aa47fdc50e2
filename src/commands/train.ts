import { ChannelType, EmbedBuilder, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { statusEmbed } from "../jobs/training-embeds.ts";
import { ACTIVE_STATUSES, epochFromRow, findRun, queueTrainingRun, type TrainingConfig } from "../jobs/training-runs.ts";
import { recordAudit } from "../guilds/audit.ts";
import { requireTeacher } from "./support/permissions.ts";
import type { Command, CommandContext } from "./support/types.ts";

const DATASETS = ["fashion-mnist", "mnist"];
const runOption = (o: import("discord.js").SlashCommandStringOption) => o.setName("run").setDescription("Run name or id (see /train list)").setRequired(true).setMaxLength(80);

/** /train — teachers start, watch, stop and resume GAN training runs in a class channel. */
export const command: Command = {
  data: new SlashCommandBuilder()
    .setName("train")
    .setDescription("GAN training runs the class can watch")
    .addSubcommand((s) =>
      s
        .setName("start")
        .setDescription("Start a training run (teachers)")
        .addStringOption((o) => o.setName("dataset").setDescription("Training data").setRequired(true).addChoices(...DATASETS.map((d) => ({ name: d, value: d }))))
        .addStringOption((o) => o.setName("arch").setDescription("Architecture").setRequired(true).addChoices({ name: "mlp (the lab recipe)", value: "mlp" }, { name: "dcgan", value: "dcgan" }))
        .addBooleanOption((o) => o.setName("conditional").setDescription("Class-conditional (ask for a class when sampling)"))
        .addIntegerOption((o) => o.setName("epochs").setDescription("Epochs, 1–200 (lab default 50)").setMinValue(1).setMaxValue(200))
        .addIntegerOption((o) => o.setName("batch").setDescription("Batch size, 8–512 (default 64)").setMinValue(8).setMaxValue(512))
        .addNumberOption((o) => o.setName("lr").setDescription("Adam learning rate (default 0.0002)").setMinValue(0.000001).setMaxValue(0.1))
        .addIntegerOption((o) => o.setName("sample-every").setDescription("Sample grid every k epochs (default 1)").setMinValue(1).setMaxValue(50))
        .addIntegerOption((o) => o.setName("limit").setDescription("Use only the first N images (quick demos)").setMinValue(64).setMaxValue(60000))
        .addChannelOption((o) => o.setName("channel").setDescription("Where the class watches (default: here)").addChannelTypes(ChannelType.GuildText)),
    )
    .addSubcommand((s) => s.setName("stop").setDescription("Stop a run, keeping its checkpoint (teachers)").addStringOption(runOption))
    .addSubcommand((s) => s.setName("resume").setDescription("Continue a stopped or failed run (teachers)").addStringOption(runOption))
    .addSubcommand((s) => s.setName("status").setDescription("Where a run is").addStringOption((o) => runOption(o).setRequired(false)))
    .addSubcommand((s) => s.setName("list").setDescription("This server's recent runs"))
    .toJSON(),
  defer: "none",
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    if (sub === "start") return start(interaction, ctx);
    if (sub === "stop") return stop(interaction, ctx, interaction.options.getString("run", true));
    if (sub === "resume") return resume(interaction, ctx);
    if (sub === "status") return status(interaction, ctx);
    return list(interaction, ctx);
  },
  async button(interaction, ctx) {
    const [, action, runId] = interaction.customId.split(":");
    if (action !== "stop" || !runId) return;
    await stop(interaction, ctx, runId);
  },
};

async function start(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  await requireTeacher(interaction, ctx, "start training runs");
  const active = await ctx.prisma.trainingRun.findMany({ where: { guildId: interaction.guildId, status: { in: [...ACTIVE_STATUSES] } }, orderBy: { createdAt: "asc" } });
  const limit = ctx.config.GENLAB_MAX_RUNS_PER_GUILD;
  if (active.length >= limit) {
    const first = active[0]!;
    throw new UserFacingError(`${first.modelName} is still ${first.status}, and this server may run ${limit === 1 ? "one training run" : `${limit} training runs`} at a time: stop it with /train stop run:${first.modelName}, or wait.`);
  }
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
  const run = await queueTrainingRun(ctx.prisma, ctx.queue, {
    config,
    guild: interaction.guildId ? { id: interaction.guildId, name: interaction.guild?.name } : null,
    requester: { id: interaction.user.id, username: interaction.user.username },
    channelId,
  });
  ctx.log.info({ runId: run.id, user: interaction.user.id, guild: interaction.guildId, config }, "training run queued");
  await recordAudit(ctx.prisma, { guildId: interaction.guildId, actorId: interaction.user.id, action: "train.start", target: run.id, details: { name: run.name, config, channelId } });
  await interaction.reply({ content: `🏋️ Queued **${run.name}**: ${config.epochs} epochs of ${config.arch}${config.conditional ? " (conditional)" : ""} on ${config.dataset}. Progress appears in <#${channelId}>.` });
}

async function stop(interaction: ChatInputCommandInteraction | import("discord.js").ButtonInteraction, ctx: CommandContext, ref: string): Promise<void> {
  await requireTeacher(interaction, ctx, "stop training runs");
  const run = await findRun(ctx.prisma, interaction.guildId, ref);
  if (!run) throw new UserFacingError(`No training run here matches "${ref.slice(0, 60)}": see /train list.`);
  if (!ACTIVE_STATUSES.includes(run.status as (typeof ACTIVE_STATUSES)[number])) throw new UserFacingError(`${run.modelName} is already ${run.status}.`);
  await ctx.prisma.trainingRun.update({ where: { id: run.id }, data: { status: "stopping" } });
  ctx.log.info({ runId: run.id, user: interaction.user.id }, "training run stop requested");
  await recordAudit(ctx.prisma, { guildId: interaction.guildId, actorId: interaction.user.id, action: "train.stop", target: run.id, details: { name: run.modelName } });
  await interaction.reply({ content: `⏹️ Stopping **${run.modelName}** after the current step; its last finished epoch is kept (/train resume run:${run.modelName}).`, flags: MessageFlags.Ephemeral });
}

async function resume(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  await requireTeacher(interaction, ctx, "resume training runs");
  const run = await findRun(ctx.prisma, interaction.guildId, interaction.options.getString("run", true));
  if (!run) throw new UserFacingError(`No training run here matches that name: see /train list.`);
  if (run.status !== "stopped" && run.status !== "failed") throw new UserFacingError(`${run.modelName} is ${run.status}; only a stopped or failed run can be resumed.`);
  const jobId = await ctx.queue.enqueueTraining(run.id);
  await ctx.prisma.trainingRun.update({ where: { id: run.id }, data: { status: "queued", jobId, error: null, finishedAt: null } });
  await recordAudit(ctx.prisma, { guildId: interaction.guildId, actorId: interaction.user.id, action: "train.resume", target: run.id, details: { name: run.modelName, after: run.epochsDone } });
  await interaction.reply({ content: `▶️ Resuming **${run.modelName}** after epoch ${run.epochsDone}.` });
}

async function status(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const ref = interaction.options.getString("run");
  const run = ref ? await findRun(ctx.prisma, interaction.guildId, ref) : await ctx.prisma.trainingRun.findFirst({ where: { guildId: interaction.guildId }, orderBy: { createdAt: "desc" } });
  if (!run) throw new UserFacingError(ref ? `No training run here matches "${ref.slice(0, 60)}": see /train list.` : "No training run has been started on this server yet: a teacher can start one with /train start.");
  const last = await ctx.prisma.epochMetric.findFirst({ where: { runId: run.id }, orderBy: { epoch: "desc" } });
  const embed = statusEmbed({
    id: run.id,
    name: run.modelName ?? run.id,
    status: run.status,
    config: run.config as unknown as TrainingConfig,
    implementation: run.implementation,
    epochsDone: run.epochsDone,
    error: run.error,
    last: last ? epochFromRow(last) : undefined,
  });
  await interaction.reply({ embeds: [embed] });
}

async function list(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const runs = await ctx.prisma.trainingRun.findMany({ where: { guildId: interaction.guildId }, orderBy: { createdAt: "desc" }, take: 10 });
  const lines = runs.map((r) => `\`${r.modelName}\` — ${r.status}, epoch ${r.epochsDone}/${(r.config as unknown as TrainingConfig).epochs}`);
  await interaction.reply({ embeds: [new EmbedBuilder().setTitle("Training runs").setDescription(lines.join("\n") || "None yet: a teacher can start one with /train start.")] });
}
