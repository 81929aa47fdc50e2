import { ChannelType, SlashCommandBuilder, type SlashCommandStringOption } from "discord.js";

const DATASETS = ["fashion-mnist", "mnist"];
const runOption = (o: SlashCommandStringOption) => o.setName("run").setDescription("Run name or id (see /train list)").setRequired(true).setMaxLength(80);

/** The /train slash command as Discord registers it (its handler: src/commands/train.ts). */
export const definition = new SlashCommandBuilder()
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
  .toJSON();
