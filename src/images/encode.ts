import sharp from "sharp";

/** Raw pixels as engines produce them: row-major, interleaved channels, 8 bits each. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export async function toPng(image: RawImage): Promise<Buffer> {
  const { data, width, height, channels } = image;
  if (data.length !== width * height * channels) {
    throw new Error(`raw image is ${data.length} bytes, expected ${width}×${height}×${channels}`);
  }
  const img = sharp(data, { raw: { width, height, channels } });
  // Keep grey images grey (sharp would widen them to sRGB): a third of the bytes for digits.
  return (channels === 1 ? img.toColourspace("b-w") : img).png({ compressionLevel: 6 }).toBuffer();
}

/**
 * Lays images out in a grid (√n columns by default) with a small gutter, upscaling tiny
 * images (28×28 digits) so they stay visible in a Discord embed.
 */
export async function gridPng(images: RawImage[], options: { columns?: number; gap?: number; minCell?: number } = {}): Promise<Buffer> {
  if (images.length === 0) throw new Error("a grid needs at least one image");
  const first = images[0]!;
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length));
  const rows = Math.ceil(images.length / columns);
  const scale = Math.max(1, Math.ceil((options.minCell ?? 128) / Math.max(first.width, first.height)));
  const cellW = first.width * scale;
  const cellH = first.height * scale;
  const gap = options.gap ?? 2;
  const tiles = await Promise.all(
    images.map((img, i) =>
      sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
        .resize(cellW, cellH, { kernel: scale > 1 ? "nearest" : "lanczos3", fit: "contain" })
        .png()
        .toBuffer()
        .then((input) => ({ input, left: (i % columns) * (cellW + gap), top: Math.floor(i / columns) * (cellH + gap) })),
    ),
  );
  return sharp({
    create: { width: columns * cellW + (columns - 1) * gap, height: rows * cellH + (rows - 1) * gap, channels: 3, background: { r: 32, g: 34, b: 37 } },
  })
    .composite(tiles)
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** A looping animated GIF of equally sized frames (interpolations), each shown `frameMs`. */
export async function animatedGif(frames: RawImage[], frameMs: number): Promise<Buffer> {
  if (frames.length === 0) throw new Error("an animation needs at least one frame");
  const pngs = await Promise.all(frames.map((f) => toPng(f)));
  return sharp(pngs, { join: { animated: true } })
    .gif({ loop: 0, delay: frames.map(() => frameMs) })
    .toBuffer();
}
