import sharp from "sharp";

export interface Series {
  name: string;
  values: number[];
  color: string;
}

export interface Panel {
  title: string;
  series: Series[];
  /** Plot values on a log scale (weight/gradient norms span decades). */
  log?: boolean;
}

/**
 * Small line charts as a PNG (SVG rendered by sharp): one panel per row, x = epoch.
 * Made for Discord embeds: dark background, a legend, readable at 600 px.
 */
export async function chartPng(panels: Panel[], opts: { width?: number; panelHeight?: number } = {}): Promise<Buffer> {
  const width = opts.width ?? 640;
  const ph = opts.panelHeight ?? 200;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${ph * panels.length}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#2b2d31"/>
${panels.map((p, i) => panelSvg(p, 0, i * ph, width, ph)).join("\n")}
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const m = { left: 56, right: 12, top: 26, bottom: 24 };
  const pw = w - m.left - m.right;
  const phh = h - m.top - m.bottom;
  const tf = (v: number) => (p.log ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = p.series.flatMap((s) => s.values.filter(Number.isFinite).map(tf));
  const n = Math.max(1, ...p.series.map((s) => s.values.length));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const px = (i: number) => x0 + m.left + (n === 1 ? pw / 2 : (i / (n - 1)) * pw);
  const py = (v: number) => y0 + m.top + (1 - (tf(v) - lo) / (hi - lo)) * phh;
  const fmt = (v: number) => (p.log ? `1e${v.toFixed(1)}` : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
  const lines = p.series
    .map((s) => {
      const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : "")).filter(Boolean);
      const dots = pts.length === 1 ? `<circle cx="${pts[0]!.split(",")[0]}" cy="${pts[0]!.split(",")[1]}" r="3" fill="${s.color}"/>` : "";
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(" ")}"/>${dots}`;
    })
    .join("");
  const legend = p.series.map((s, i) => `<text x="${x0 + m.left + 8 + i * 120}" y="${y0 + m.top + 12}" fill="${s.color}" font-size="11">● ${esc(s.name)}</text>`).join("");
  return `<g>
<text x="${x0 + m.left}" y="${y0 + 17}" fill="#f2f3f5" font-size="13" font-weight="bold">${esc(p.title)}</text>
<rect x="${x0 + m.left}" y="${y0 + m.top}" width="${pw}" height="${phh}" fill="none" stroke="#4e5058"/>
<text x="${x0 + m.left - 4}" y="${y0 + m.top + 10}" fill="#b5bac1" font-size="10" text-anchor="end">${fmt(hi)}</text>
<text x="${x0 + m.left - 4}" y="${y0 + m.top + phh}" fill="#b5bac1" font-size="10" text-anchor="end">${fmt(lo)}</text>
<text x="${x0 + m.left}" y="${y0 + h - 8}" fill="#b5bac1" font-size="10">epoch 1</text>
<text x="${x0 + w - m.right}" y="${y0 + h - 8}" fill="#b5bac1" font-size="10" text-anchor="end">epoch ${n}</text>
${lines}${legend}</g>`;
}

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
