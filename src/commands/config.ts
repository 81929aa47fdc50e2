import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { checkModelAccess } from "../guilds/models.ts";
import type { GuildSettings } from "../guilds/settings.ts";
import { definition } from "./definitions/config.ts";
import type { Command, CommandContext } from "./support/types.ts";

/**
 * /config — a server's own settings (admins: Manage Server). Stored in Postgres, audited,
 * and in force for the next command at once.
 */
export const command: Command = {
  data: definition,
  defer: "none",
  async execute(interaction, ctx) {
    if (!interaction.guildId) throw new UserFacingError("/config works in a server, not in direct messages.");
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      ctx.log.warn({ user: interaction.user.id, guild: interaction.guildId }, "refused: /config without Manage Server");
      throw new UserFacingError("Only server admins (Manage Server) can change GenLab's settings.");
    }
    const sub = interaction.options.getSubcommand();
    const patch = sub === "show" ? undefined : await patchFor(sub, interaction, await ctx.settings.get(interaction.guildId), ctx);
    const settings = patch ? await ctx.settings.update(interaction.guildId, interaction.guild?.name, interaction.user.id, patch) : await ctx.settings.get(interaction.guildId);
    await interaction.reply({ content: `${patch ? "✅ Saved. " : ""}GenLab on this server:\n${describe(settings, ctx)}`, flags: MessageFlags.Ephemeral });
  },
};

async function patchFor(sub: string, i: ChatInputCommandInteraction, current: GuildSettings, ctx: CommandContext): Promise<Partial<Record<keyof GuildSettings, unknown>>> {
  switch (sub) {
    case "teacher-role":
      return { teacherRoleId: i.options.getRole("role")?.id };
    case "channels": {
      const text = i.options.getString("channels", true).trim();
      if (/^all$/i.test(text)) return { allowedChannelIds: undefined };
      const ids = [...new Set([...text.matchAll(/\d{15,22}/g)].map((m) => m[0]))];
      if (!ids.length) throw new UserFacingError("Mention the channels (type # and pick them), or write all.");
      return { allowedChannelIds: ids };
    }
    case "blocked-words": {
      const text = i.options.getString("words", true).trim();
      if (/^none$/i.test(text)) return { blockedWords: undefined };
      const words = [...new Set(text.split(",").map((w) => w.trim()).filter(Boolean))];
      const long = words.find((w) => w.length > 60);
      if (long) throw new UserFacingError(`"${long.slice(0, 40)}…" is longer than 60 characters: block shorter words or phrases.`);
      return { blockedWords: words };
    }
    case "nsfw":
      return { nsfw: i.options.getString("policy", true) };
    case "default-model": {
      const models: Record<string, string> = { ...current.defaultModels };
      const model = i.options.getString("model");
      // A default that does not exist would fail every later request: refuse it now.
      if (model && i.options.getString("engine", true) === "gan" && ctx.engines.has("gan")) {
        await checkModelAccess(ctx.prisma, ctx.engines.get("gan"), model, i.guildId);
        ctx.engines.get("gan").validate({ model, n: 1 });
      }
      if (model) models[i.options.getString("engine", true)] = model;
      else delete models[i.options.getString("engine", true)];
      return { defaultModels: Object.keys(models).length ? models : undefined };
    }
    case "limits": {
      const value = (name: string) => {
        const v = i.options.getInteger(name);
        return v === null ? null : v === 0 ? undefined : v;
      };
      const patch: Partial<Record<keyof GuildSettings, unknown>> = {};
      for (const [option, key] of [["jobs_per_user", "maxJobsPerUser"], ["user_per_minute", "userPerMinute"], ["guild_per_minute", "guildPerMinute"]] as const) {
        const v = value(option);
        if (v !== null) patch[key] = v;
      }
      if (!Object.keys(patch).length) throw new UserFacingError("Give at least one limit, e.g. /config limits user_per_minute:5.");
      return patch;
    }
    default:
      throw new UserFacingError(`/config ${sub} is not a GenLab setting.`);
  }
}

function describe(s: GuildSettings, ctx: CommandContext): string {
  const c = ctx.config;
  const models = Object.entries(s.defaultModels ?? {});
  return [
    `• Teacher role: ${s.teacherRoleId ? `<@&${s.teacherRoleId}>` : "none (Manage Server only)"}`,
    `• Channels for images: ${s.allowedChannelIds?.length ? s.allowedChannelIds.map((id) => `<#${id}>`).join(", ") : "all"}`,
    `• Blocked words: ${s.blockedWords?.length ? s.blockedWords.join(", ") : "none"} (plus GenLab's default list${s.nsfw === "age-restricted" ? ", except in age-restricted channels" : ""})`,
    `• Default models: ${models.length ? models.map(([e, m]) => `${e} → ${m}`).join(", ") : "GenLab's"}`,
    `• Limits: ${s.maxJobsPerUser ?? c.GENLAB_MAX_JOBS_PER_USER} waiting per person, ${s.userPerMinute ?? c.GENLAB_USER_PER_MINUTE}/min per person, ${s.guildPerMinute ?? c.GENLAB_GUILD_PER_MINUTE}/min for the server`,
  ].join("\n");
}
