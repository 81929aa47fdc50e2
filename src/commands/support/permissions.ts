import { PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction } from "discord.js";
import { UserFacingError } from "../../config/errors.ts";
import type { CommandContext } from "./types.ts";

/**
 * Teachers: members with Manage Server, or with the guild's teacher role (Guild.settings
 * .teacherRoleId). Everyone else gets one sentence, and the attempt is logged.
 */
export async function requireTeacher(interaction: ChatInputCommandInteraction | ButtonInteraction, ctx: CommandContext, action: string): Promise<void> {
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return;
  const teacherRole = (await ctx.settings.get(interaction.guildId)).teacherRoleId;
  const roles = interaction.member && "roles" in interaction.member ? interaction.member.roles : undefined;
  const hasRole = teacherRole && (Array.isArray(roles) ? roles.includes(teacherRole) : roles?.cache.has(teacherRole));
  if (hasRole) return;
  ctx.log.warn({ user: interaction.user.id, guild: interaction.guildId, action }, "refused: not a teacher");
  throw new UserFacingError(`Only teachers can ${action}: it needs the Manage Server permission${teacherRole ? " or the teacher role" : ""}.`);
}
