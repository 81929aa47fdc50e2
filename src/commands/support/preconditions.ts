import { PermissionFlagsBits } from "discord.js";
import { UserFacingError } from "../../config/errors.ts";
import type { Precondition } from "../../discord/router.ts";
import { checkLimits } from "../../generations/limits.ts";
import type { CommandContext } from "./types.ts";

/**
 * The checks the router runs before a command's handler, declared by each command
 * (`preconditions`) instead of called inside it. Each refuses with one sentence.
 */
type Check = Precondition<CommandContext>;

/**
 * Teachers: members with Manage Server, or with the server's teacher role (/config
 * teacher-role). Everyone else gets one sentence, and the attempt is logged.
 */
export function teacher(action: string): Check {
  return async (interaction, ctx) => {
    if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return;
    const teacherRole = (await ctx.settings.get(interaction.guildId)).teacherRoleId;
    const roles = interaction.member && "roles" in interaction.member ? interaction.member.roles : undefined;
    const hasRole = teacherRole && (Array.isArray(roles) ? roles.includes(teacherRole) : roles?.cache.has(teacherRole));
    if (hasRole) return;
    ctx.log.warn({ user: interaction.user.id, guild: interaction.guildId, action }, "refused: not a teacher");
    throw new UserFacingError(`Only teachers can ${action}: it needs the Manage Server permission${teacherRole ? " or the teacher role" : ""}.`);
  };
}

/** Images are made only in the channels the server allows (/config channels). */
export const inImageChannel: Check = async (interaction, ctx) => {
  const allowed = (await ctx.settings.get(interaction.guildId)).allowedChannelIds ?? [];
  if (allowed.length && !allowed.includes(interaction.channelId ?? "")) {
    throw new UserFacingError(`Images are made in ${allowed.map((c) => `<#${c}>`).join(", ")} on this server: ask there.`);
  }
};

/**
 * The person's and the server's request limits, before the acknowledgement (they are counted
 * again, one request at a time, when the request is recorded).
 */
export const withinRequestLimits: Check = async (interaction, ctx) => {
  const settings = await ctx.settings.get(interaction.guildId);
  await checkLimits(ctx.prisma, ctx.config, interaction.user.id, interaction.guildId, settings);
};

/** What every request for images must pass, for every image command and the 🎲/V buttons. */
export const IMAGE_REQUEST: readonly Check[] = [inImageChannel, withinRequestLimits];
