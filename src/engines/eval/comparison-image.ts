import sharp from "sharp";
import type { RawImage } from "../../images/encode.ts";
import { toRawImages } from "../gan/images.ts";
import { esc } from "../../images/bar-chart.ts";
import type { DenoiseReport } from "./denoise.ts";

const SCALE = 4;
const GAP = 6;
const LABEL_W = 170;
const TITLE_H = 50;
const CAPTION_H = 16;
const FOOTER_H = 40;

/**
 * One picture of the denoising comparison: three labelled rows (clean / noisy / the generator's
 * closest image), per-image PSNR under the noisy and projected rows, mean PSNR/SSIM in the labels,
 * and the reminder that the last row is a projection, not a denoiser.
 */
export async function comparisonImage(r: DenoiseReport, shape: { width: number; height: number; channels: 1 | 3 }): Promise<RawImage> {
  const cellW = shape.width * SCALE;
  const cellH = shape.height * SCALE;
  const rowH = cellH + CAPTION_H + GAP;
  const width = LABEL_W + r.n * (cellW + GAP) + GAP;
  const height = TITLE_H + 3 * rowH + FOOTER_H;
  const rows: { label: string; detail: string; images: Float32Array; captions: string[] }[] = [
    { label: "clean", detail: "held-out real images", images: r.clean, captions: r.labels.true.map(() => "") },
    { label: `noisy σ=${r.sigma}`, detail: `PSNR ${fmt(r.mean.noisy.psnr)} dB · SSIM ${r.mean.noisy.ssim.toFixed(3)}`, images: r.noisy, captions: r.noisyScores.map((s) => `${fmt(s.psnr)} dB`) },
    { label: "GAN projection", detail: `PSNR ${fmt(r.mean.inverted.psnr)} dB · SSIM ${r.mean.inverted.ssim.toFixed(3)}`, images: r.inverted, captions: r.invertedScores.map((s) => `${fmt(s.psnr)} dB`) },
  ];
  const tiles = await Promise.all(
    rows.flatMap((row, ri) =>
      toRawImages(row.images, r.n, { ...shape }).map(async (img, i) => ({
        input: await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).resize(cellW, cellH, { kernel: "nearest" }).png().toBuffer(),
        left: LABEL_W + i * (cellW + GAP),
        top: TITLE_H + ri * rowH,
      })),
    ),
  );
  const text = rows
    .map((row, ri) => {
      const y = TITLE_H + ri * rowH;
      const captions = row.captions.map((c, i) => (c ? `<text x="${LABEL_W + i * (cellW + GAP) + cellW / 2}" y="${y + cellH + 12}" fill="#b5bac1" font-size="10" text-anchor="middle">${esc(c)}</text>` : "")).join("");
      return `<text x="10" y="${y + cellH / 2}" fill="#f2f3f5" font-size="14" font-weight="bold">${esc(row.label)}</text>
<text x="10" y="${y + cellH / 2 + 18}" fill="#b5bac1" font-size="10">${esc(row.detail)}</text>${captions}`;
    })
    .join("\n");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#2b2d31"/>
<text x="10" y="22" fill="#f2f3f5" font-size="15" font-weight="bold">${esc(`Denoising by GAN inversion — ${r.model.name}`)}</text>
<text x="10" y="40" fill="#b5bac1" font-size="11">${esc(`Gaussian noise σ=${r.sigma} on the [-1, 1] pixel scale; PSNR/SSIM against the clean image (data range [0, 1]); seed ${r.seed}`)}</text>
${text}
<text x="10" y="${height - 16}" fill="#faa61a" font-size="11">${esc("The projection row is the generator's closest image to the noisy one (z optimised by gradient descent), not a trained denoiser.")}</text>
</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).composite(tiles).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
}

function fmt(db: number): string {
  return Number.isFinite(db) ? db.toFixed(1) : "∞";
}
