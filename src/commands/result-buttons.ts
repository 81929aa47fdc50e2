import { MessageFlags, PermissionFlagsBits, type ButtonInteraction } from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { cancelGeneration, generationForButton, markDeleted } from "../generations/actions.ts";
import { enqueueGeneration } from "./support/enqueue.ts";
import { provenanceEmbed } from "../generations/provenance.ts";
import { IMAGE_REQUEST } from "./support/preconditions.ts";
import type { ButtonHandler, CommandContext } from "./support/types.ts";

/** The buttons under every generated image: 🎲 reroll, ℹ️ info, 🗑 delete (`gen:<action>:<generation id>`). */
export const buttons: ButtonHandler = {
  prefix: "gen",
  preconditions: { reroll: IMAGE_REQUEST, v1: IMAGE_REQUEST, v2: IMAGE_REQUEST, v3: IMAGE_REQUEST, v4: IMAGE_REQUEST },
  async handle(interaction, ctx, { action, target: id }) {
    // Custom ids come back from clients: anything not shaped like GenLab's own is refused, not looked up.
    if (!UUID.test(id) || !ACTIONS.test(action)) throw new UserFacingError("This button is not one of GenLab's.");
    // Another server's generation (a forged id) gets the same sentence as one that never was.
    const gen = await generationForButton(ctx.prisma, id, interaction.guildId, interaction.user.id);
    const pick = /^([uv])([1-4])$/.exec(action);
    if (pick) {
      // The result is posted a moment before its images are recorded (src/generations/worker.ts).
      if (gen.status === "running") throw new UserFacingError("These images are still being saved: press the button again in a moment.");
      const index = Number(pick[2]) - 1;
      if (index >= gen.images.length) throw new UserFacingError(`These results have ${gen.images.length} images, not ${index + 1}.`);
      await (pick[1] === "u" ? upscale(interaction, gen, index) : vary(interaction, ctx, gen, index));
    } else if (action === "info") {
      const reproduce = ctx.engines.has(gen.engine) ? ctx.engines.get(gen.engine).reproduce?.(gen.params as Record<string, unknown>) : undefined;
      await interaction.reply({ content: reproduce ? `Draw these again: \`/${gen.command} ${reproduce}\`` : undefined, embeds: [provenanceEmbed(gen)], flags: MessageFlags.Ephemeral });
    } else if (action === "reroll") {
      await reroll(interaction, ctx, gen);
    } else if (action === "cancel") {
      await cancelGeneration(ctx, gen, interaction.user.id, interaction.client.rest);
      await interaction.deferUpdate(); // the notice itself was just replaced by "Cancelled"
    } else if (action === "delete") {
      const own = interaction.user.id === gen.requesterId;
      if (!own && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)) {
        throw new UserFacingError("Only the student who asked for these images, or a moderator, can delete them.");
      }
      await interaction.message.delete();
      await markDeleted(ctx, gen, { userId: interaction.user.id, guildId: interaction.guildId, messageId: interaction.message.id });
      await interaction.reply({ content: `🗑 Deleted. Its record stays: \`/provenance target:${gen.id}\``, flags: MessageFlags.Ephemeral });
    }
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACTIONS = /^(info|reroll|cancel|delete|[uv][1-4])$/;

/** U1–U4: that image alone, at full size, as its own message (the original stays attached to the result). */
async function upscale(interaction: ButtonInteraction, gen: { id: string; command: string; engine: string }, index: number): Promise<void> {
  const file = interaction.message.attachments.find((a) => a.name.endsWith(`-${index}.png`));
  if (!file) throw new UserFacingError("That image is no longer attached to the message: use /provenance to find it.");
  await interaction.reply({
    content: `Image ${index + 1} of \`/${gen.command}\`, asked for by <@${interaction.user.id}>.`,
    embeds: [{ image: { url: file.url }, footer: { text: `generation ${gen.id} · image ${index + 1}` } }],
    allowedMentions: { parse: [] },
  });
}

/** V1–V4: four new images near image k (the engine decides what "near" means for its noise). */
async function vary(interaction: ButtonInteraction, ctx: CommandContext, gen: { engine: string; command: string; params: unknown }, index: number): Promise<void> {
  const params = ctx.engines.has(gen.engine) ? ctx.engines.get(gen.engine).variations?.(gen.params as Record<string, unknown>, index) : undefined;
  if (!params) throw new UserFacingError("These images cannot be varied: use 🎲 Reroll for new ones.");
  await enqueueGeneration(interaction, ctx, { engine: gen.engine, command: gen.command, params, notice: () => `🔀 Variations of image ${index + 1}` });
}

/** Same engine and parameters, a new seed; the new images arrive as a reply of their own. */
async function reroll(interaction: ButtonInteraction, ctx: CommandContext, gen: { engine: string; command: string; params: unknown }): Promise<void> {
  await enqueueGeneration(interaction, ctx, {
    engine: gen.engine,
    command: gen.command,
    params: { ...(gen.params as Record<string, unknown>), seed: undefined },
    notice: () => "🎲 Rerolling with a new seed",
  });
}
