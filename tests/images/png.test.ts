import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { addPngText, gridPng, readPngText, toPng, type RawImage } from "../../src/images/index.ts";

const digit: RawImage = { data: new Uint8Array(28 * 28).map((_, i) => (i * 7) % 256), width: 28, height: 28, channels: 1 };

describe("PNG provenance chunks", () => {
  it("round-trips UTF-8 text, compressing long values, and keeps the image valid", async () => {
    const png = await toPng(digit);
    const params = JSON.stringify({ prompt: "a café on Mars, ".repeat(40) });
    const tagged = addPngText(png, { "genlab:generation": "0b8f…", "genlab:params": params });
    expect(readPngText(tagged)).toEqual({ "genlab:generation": "0b8f…", "genlab:params": params });
    expect(tagged.length).toBeLessThan(png.length + params.length); // the long value was deflated
    const meta = await sharp(tagged).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([28, 28, 1]);
    const data = await sharp(tagged).extractChannel(0).raw().toBuffer();
    expect(Buffer.from(data).equals(Buffer.from(digit.data))).toBe(true);
  });

  it("refuses what is not a PNG and keywords PNG does not allow", async () => {
    expect(() => addPngText(Buffer.from("GIF89a........................................"), { a: "b" })).toThrow("not a PNG image");
    expect(() => addPngText(Buffer.from(""), {})).toThrow("not a PNG image");
    expect(() => addPngText(Buffer.alloc(0), {})).toThrow();
    const png = await toPng(digit);
    expect(() => addPngText(png, { "": "x" })).toThrow(/keyword/);
  });
});

describe("grids", () => {
  it("tiles n images √n wide, upscaling small ones with a gutter", async () => {
    const grid = await gridPng([digit, digit, digit, digit, digit]);
    const meta = await sharp(grid).metadata();
    // 3 columns × 2 rows of 140 px cells (28 × 5), 2 px gutters
    expect([meta.width, meta.height]).toEqual([3 * 140 + 2 * 2, 2 * 140 + 2]);
  });

  it("rejects a raw buffer of the wrong size", async () => {
    await expect(toPng({ ...digit, data: new Uint8Array(10) })).rejects.toThrow("raw image is 10 bytes, expected 28×28×1");
  });
});
