import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BigGanEngine, ImageNetClasses, imageSeed, truncatedNoise } from "../../../src/engines/biggan/index.ts";
import { tempDir } from "../../support/config.ts";
import { libraryRow, writeTinyBigGan, type TinyBigGan } from "../../support/tiny-biggan.ts";

/**
 * pytorch-pretrained-biggan picks batch-norm statistics with `math.modf(truncation / 0.02)` on a
 * Python float (float64). At 13 of the 51 grid values a float32 truncation lands on another row
 * (0.6 → row 31, the library row 30). The tiny model's output depends on the row, so every pixel
 * shows whether GenLab feeds the truncation so that the graph picks the library's row.
 */
const ctx = { signal: new AbortController().signal };
const classes = ImageNetClasses.load();
/** 0.00, 0.02 … 1.00 as the Python floats a user types. */
const grid = Array.from({ length: 51 }, (_, k) => Number((k * 0.02).toFixed(2)));

function oneHot(index: number, n = 1000) {
  const v = new Float32Array(n);
  v[index] = 1;
  return v;
}

function worstPixel(img: { data: Uint8Array }, want: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(img.data[i]! - (want[i]! + 1) * 127.5));
  return worst;
}

describe("BigGAN truncation → batch-norm statistics row, at every grid value", () => {
  let tiny: TinyBigGan;
  let engine: BigGanEngine;
  beforeAll(() => {
    tiny = writeTinyBigGan(join(tempDir("genlab-biggan-rows-"), "tiny"), { externalData: true });
    engine = new BigGanEngine({ modelDir: tiny.dir, provider: "cpu", threads: 1, classes });
  });

  it("the reference discriminates: float32 arithmetic picks other statistics at 13 of 51 values", () => {
    const dominant = (pos: number) => {
      const start = Math.trunc(pos);
      const coef = pos - start;
      return coef === 0 || coef >= 0.5 ? start : start + 1; // the library weighs row start by coef
    };
    const float32Row = (t: number) => dominant(Math.fround(Math.fround(t) / Math.fround(0.02)));
    const differ = grid.filter((t) => float32Row(t) !== libraryRow(t));
    expect(differ).toEqual([0.14, 0.18, 0.28, 0.3, 0.36, 0.54, 0.56, 0.58, 0.6, 0.66, 0.72, 0.94, 0.98]);
    expect([libraryRow(0.6), float32Row(0.6)]).toEqual([30, 31]);
  });

  it("draws exactly the library's statistics at every truncation GenLab accepts (0.02 … 1.00)", async () => {
    const wrong: string[] = [];
    for (const t of grid.filter((v) => v > 0)) {
      const r = await engine.generate(engine.validate({ class: 207, n: 1, truncation: t, seed: 3 }), ctx);
      expect(r.params.truncation).toBe(t);
      const worst = worstPixel(r.images[0]!, tiny.expected(truncatedNoise(imageSeed(3, 0), 128, t), oneHot(207), t));
      if (worst > 0.51 + 1e-3) wrong.push(`${t} (off by ${worst.toFixed(1)} levels)`);
    }
    expect(wrong).toEqual([]);
  });

  it("snaps a value between grid points to the grid value, the row the library uses for it", async () => {
    const r = await engine.generate(engine.validate({ class: 207, n: 1, truncation: 0.6000001, seed: 3 }), ctx);
    expect(r.params).toMatchObject({ truncation: 0.6, truncationAsked: 0.6000001 });
    expect(worstPixel(r.images[0]!, tiny.expected(truncatedNoise(3, 128, 0.6), oneHot(207), 0.6))).toBeLessThanOrEqual(0.51 + 1e-3);
  });
});
