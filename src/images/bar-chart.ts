import sharp from "sharp";
import type { RawImage } from "./encode.ts";

export interface Bar {
  label: string;
  value: number;
  /** Text above the bar (e.g. "12.3 %"). */
  caption: string;
}

/**
 * A bar chart as raw RGB pixels (engines return RawImage; the job renders PNG): one bar per
 * class, a dashed line for the expected value (the uniform share), a title and subtitle lines.
 * Same look as src/images/chart.ts (dark, Discord-embed sized).
 */
export async function barChart(opts: { title: string; subtitle: string[]; bars: Bar[]; reference?: { value: number; label: string }; width?: number; height?: number }): Promise<RawImage> {
  const width = opts.width ?? 720;
  const height = opts.height ?? 380;
  const m = { left: 48, right: 48, top: 50 + 16 * opts.subtitle.length, bottom: 62 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const max = Math.max(1e-9, ...opts.bars.map((b) => b.value), opts.reference?.value ?? 0) * 1.12;
  const slot = pw / Math.max(1, opts.bars.length);
  const y = (v: number) => m.top + ph - (v / max) * ph;
  const bars = opts.bars
    .map((b, i) => {
      const x = m.left + i * slot + slot * 0.15;
      const w = slot * 0.7;
      const top = y(b.value);
      const cx = x + w / 2;
      return `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${(m.top + ph - top).toFixed(1)}" fill="#5865f2"/>
<text x="${cx.toFixed(1)}" y="${(top - 4).toFixed(1)}" fill="#f2f3f5" font-size="10" text-anchor="middle">${esc(b.caption)}</text>
<text transform="translate(${cx.toFixed(1)},${m.top + ph + 12}) rotate(20)" fill="#b5bac1" font-size="11">${esc(b.label)}</text>`;
    })
    .join("\n");
  const ref = opts.reference
    ? `<line x1="${m.left}" x2="${m.left + pw}" y1="${y(opts.reference.value).toFixed(1)}" y2="${y(opts.reference.value).toFixed(1)}" stroke="#faa61a" stroke-dasharray="6 4" stroke-width="1.5"/>
<line x1="${m.left}" x2="${m.left + 24}" y1="${height - 12}" y2="${height - 12}" stroke="#faa61a" stroke-dasharray="6 4" stroke-width="1.5"/>
<text x="${m.left + 30}" y="${height - 8}" fill="#faa61a" font-size="11">${esc(opts.reference.label)}</text>`
    : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#2b2d31"/>
<text x="${m.left}" y="22" fill="#f2f3f5" font-size="15" font-weight="bold">${esc(opts.title)}</text>
${opts.subtitle.map((line, i) => `<text x="${m.left}" y="${42 + 16 * i}" fill="#b5bac1" font-size="11">${esc(line)}</text>`).join("\n")}
<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#4e5058"/>
${bars}
${ref}
</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
}

export function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
