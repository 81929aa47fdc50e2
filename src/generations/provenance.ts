import { EmbedBuilder, time } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import type { PrismaClient } from "../db/client.ts";
import type { Generation, Image } from "../db/generated/client.ts";
import { printable } from "../engines/errors.ts";
import { generationScope } from "../guilds/scope.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SNOWFLAKE = /^\d{15,22}$/;
const MESSAGE_LINK = /^https?:\/\/(?:\w+\.)?discord(?:app)?\.com\/channels\/(?:\d+|@me)\/\d+\/(\d+)\/?$/;

/**
 * The generation a message link, message id or generation id names, with its images. Only this
 * server's (in a DM, the person's own): another server's looks like none at all.
 */
export async function findProvenance(prisma: PrismaClient, target: string, guildId: string | null, userId: string) {
  const where = parseTarget(target);
  const gen = await prisma.generation.findFirst({ where: { ...where, ...generationScope(guildId, userId) }, include: { images: { orderBy: { index: "asc" } } }, orderBy: { createdAt: "desc" } });
  if (!gen) {
    throw new UserFacingError(`No GenLab generation matches ${"`"}${printable(target, 80)}${"`"}: give the link or id of a message GenLab posted, or a generation id.`);
  }
  return gen;
}

export function parseTarget(target: string): { id: string } | { messageId: string } {
  const link = MESSAGE_LINK.exec(target);
  if (link) return { messageId: link[1]! };
  if (SNOWFLAKE.test(target)) return { messageId: target };
  if (UUID.test(target)) return { id: target.toLowerCase() };
  throw new UserFacingError("That is not a message link, message id or generation id: right-click GenLab's message → Copy Message Link, and paste it here.");
}

export function provenanceEmbed(gen: Generation & { images: Image[] }): EmbedBuilder {
  const where = gen.guildId ? `<#${gen.channelId}> in guild ${gen.guildId}` : "a direct message";
  const timings = gen.timings ? Object.entries(gen.timings as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(", ") : "—";
  const images = gen.images.map((im) => `#${im.index} ${im.width}×${im.height} \`${im.sha256}\``).join("\n") || "—";
  return new EmbedBuilder()
    .setTitle(`Provenance of generation ${gen.id}`)
    .addFields(
      { name: "Status", value: gen.status + (gen.error ? ` — ${gen.error}` : ""), inline: true },
      { name: "Requested by", value: `<@${gen.requesterId}>`, inline: true },
      { name: "When", value: time(gen.queuedAt), inline: true },
      { name: "Where", value: where },
      { name: "Command", value: `/${gen.command}`, inline: true },
      { name: "Engine", value: gen.engine, inline: true },
      { name: "Seed", value: gen.seed === null ? "—" : gen.seed.toString(), inline: true },
      { name: "Model", value: `${gen.model ?? "—"}${gen.modelSha256 ? `\nsha256 \`${gen.modelSha256}\`` : ""}` },
      { name: "Parameters", value: "```json\n" + JSON.stringify(gen.params).slice(0, 1000) + "\n```" },
      { name: "Images", value: images.slice(0, 1024) },
      { name: "Timings (ms)", value: timings },
    )
    .setFooter({ text: gen.messageId ? `message ${gen.messageId} · attempts ${gen.attempts}` : `attempts ${gen.attempts}` });
}
