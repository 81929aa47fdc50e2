import { PermissionFlagsBits, SlashCommandBuilder } from "discord.js";

/** The /config slash command as Discord registers it (its handler: src/commands/config.ts). */
export const definition = new SlashCommandBuilder()
  .setName("config")
  .setDescription("GenLab settings for this server (admins)")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) => s.setName("show").setDescription("Show this server's settings"))
  .addSubcommand((s) =>
    s
      .setName("teacher-role")
      .setDescription("Members with this role may start and stop training runs")
      .addRoleOption((o) => o.setName("role").setDescription("The role (leave out to remove)")),
  )
  .addSubcommand((s) =>
    s
      .setName("channels")
      .setDescription("Channels where images may be made")
      .addStringOption((o) => o.setName("channels").setDescription("#channel mentions, or all").setRequired(true).setMaxLength(1000)),
  )
  .addSubcommand((s) =>
    s
      .setName("blocked-words")
      .setDescription("Extra words or phrases refused in prompts")
      .addStringOption((o) => o.setName("words").setDescription("Comma-separated, e.g. dragon, red car — or none").setRequired(true).setMaxLength(2000)),
  )
  .addSubcommand((s) =>
    s
      .setName("nsfw")
      .setDescription("Whether the default list of unsafe words applies everywhere")
      .addStringOption((o) =>
        o
          .setName("policy")
          .setDescription("block: everywhere (default); age-restricted: not in age-restricted channels")
          .setRequired(true)
          .addChoices({ name: "block everywhere", value: "block" }, { name: "allow in age-restricted channels", value: "age-restricted" }),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName("default-model")
      .setDescription("The model an engine uses when a request names none")
      .addStringOption((o) => o.setName("engine").setDescription("Engine").setRequired(true).addChoices({ name: "gan", value: "gan" }, { name: "diffusion", value: "diffusion" }))
      .addStringOption((o) => o.setName("model").setDescription("Model name (leave out to remove)").setMaxLength(100)),
  )
  .addSubcommand((s) =>
    s
      .setName("limits")
      .setDescription("Request limits (0 = back to GenLab's default)")
      .addIntegerOption((o) => o.setName("jobs_per_user").setDescription("Requests one person may have waiting or running").setMinValue(0).setMaxValue(100))
      .addIntegerOption((o) => o.setName("user_per_minute").setDescription("Requests one person may make per minute").setMinValue(0).setMaxValue(600))
      .addIntegerOption((o) => o.setName("guild_per_minute").setDescription("Requests this server may make per minute").setMinValue(0).setMaxValue(6000)),
  )
  .toJSON();
