import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed } from "discord.js";
import { addPngText, animatedGif, gridPng, toPng } from "../images/index.ts";
import type { GenerationResult } from "../engines/types.ts";
import type { OutgoingFile } from "../discord/publisher.ts";

export interface Provenance {
  generationId: string;
  command: string;
  engine: string;
  requesterId: string;
}

export interface RenderedImage {
  index: number;
  png: Buffer;
  width: number;
  height: number;
}

export interface Rendered {
  images: RenderedImage[];
  grid?: Buffer;
  /** Looping GIF of the images, when the engine asked for one (interpolations). */
  animation?: Buffer;
}

/** Encodes each image as PNG with its provenance in text chunks, plus a grid when n > 1. */
export async function renderImages(result: GenerationResult, p: Provenance): Promise<Rendered> {
  const common = {
    "genlab:generation": p.generationId,
    "genlab:engine": p.engine,
    "genlab:model": result.model.name,
    "genlab:model-sha256": result.model.sha256 ?? "",
    "genlab:params": JSON.stringify(result.params),
    "genlab:seed": String(result.seed),
    "genlab:requester": p.requesterId,
    Software: "GenLab",
  };
  const images = await Promise.all(
    result.images.map(async (img, index) => ({
      index,
      png: addPngText(await toPng(img), { ...common, "genlab:index": String(index) }),
      width: img.width,
      height: img.height,
    })),
  );
  const look = result.presentation ?? {};
  const grid = result.images.length > 1 ? addPngText(await gridPng(result.images, { columns: look.columns }), { ...common, "genlab:index": "grid" }) : undefined;
  const animation = look.animationFrameMs && result.images.length > 1 ? await animatedGif(result.images, look.animationFrameMs) : undefined;
  return { images, grid, animation };
}

/** The result message: the grid (or single image) in an embed, the originals attached. */
export function resultMessage(result: GenerationResult, p: Provenance, rendered: Rendered, opts: { variations?: boolean } = {}): { embeds: APIEmbed[]; files: OutgoingFile[]; components: APIActionRowComponent<APIComponentInMessageActionRow>[] } {
  const short = p.generationId.slice(0, 8);
  // Discord takes 10 files a message: the grid and the animation first, then as many originals as fit.
  const lead: OutgoingFile[] = [];
  if (rendered.grid) lead.push({ name: `genlab-${short}-grid.png`, data: rendered.grid });
  if (rendered.animation) lead.push({ name: `genlab-${short}-animation.gif`, data: rendered.animation });
  for (const a of result.presentation?.attachments ?? []) lead.push({ name: a.name, data: a.data });
  const files: OutgoingFile[] = [...lead, ...rendered.images.slice(0, 10 - lead.length).map((im) => ({ name: `genlab-${short}-${im.index}.png`, data: im.png }))];
  const shown = files[0]!.name;
  const params = Object.entries(result.params)
    .filter(([, v]) => v !== null && v !== undefined) // "label=null" says nothing
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return {
    files,
    components: [resultButtons(p.generationId), ...imageButtons(p.generationId, result.images.length, opts.variations ?? false)],
    embeds: [
      {
        title: `/${p.command}`,
        description: truncate(result.presentation?.note ? `${result.presentation.note}\n${params}` : params, 1000),
        image: { url: `attachment://${shown}` },
        fields: [
          { name: "Model", value: truncate(result.model.name, 200), inline: true },
          { name: "Seed", value: String(result.seed), inline: true },
          { name: "Images", value: String(result.images.length), inline: true },
          ...(result.presentation?.fields ?? []).slice(0, 22).map((f) => ({ name: truncate(f.name, 256), value: truncate(f.value, 1024), inline: true })),
        ],
        footer: { text: `generation ${p.generationId}` },
      },
    ],
  };
}

/** 🎲 reroll, ℹ️ info, 🗑 delete: the ids carry the generation, so they work after a restart. */
export function resultButtons(generationId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  const button = (action: string, emoji: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger) => ({ type: ComponentType.Button as const, style, custom_id: `gen:${action}:${generationId}`, emoji: { name: emoji }, label });
  return {
    type: ComponentType.ActionRow,
    components: [button("reroll", "🎲", "Reroll", ButtonStyle.Primary), button("info", "ℹ️", "Info", ButtonStyle.Secondary), button("delete", "🗑", "Delete", ButtonStyle.Danger)],
  };
}

/**
 * For 2–4 images, as the peers do: U1–U4 post one image alone at full size, V1–V4 ask for
 * variations of it (when the engine can vary a result).
 */
export function imageButtons(generationId: string, n: number, variations: boolean): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  if (n < 2 || n > 4) return [];
  const row = (kind: "u" | "v", style: ButtonStyle.Secondary | ButtonStyle.Primary) => ({
    type: ComponentType.ActionRow as const,
    components: Array.from({ length: n }, (_, i) => ({ type: ComponentType.Button as const, style, custom_id: `gen:${kind}${i + 1}:${generationId}`, label: `${kind.toUpperCase()}${i + 1}` })),
  });
  return [row("u", ButtonStyle.Secondary), ...(variations ? [row("v", ButtonStyle.Secondary)] : [])];
}

/** The Cancel button on a request that is waiting or being drawn. */
export function cancelButton(generationId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  return { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `gen:cancel:${generationId}`, label: "Cancel" }] };
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s || "—";
}
