import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset, type Dataset } from "../../../src/engines/gan/datasets/index.ts";
import { GanCatalog, GanSampler, shippedModelsDir } from "../../../src/engines/gan/index.ts";

/** Nearest class mean (in pixel space) over a labelled dataset: a crude but honest classifier. */
function centroids(ds: Dataset): Float32Array[] {
  const pix = ds.height * ds.width * ds.channels;
  const sums = Array.from({ length: ds.classes.length }, () => new Float64Array(pix));
  const counts = new Array<number>(ds.classes.length).fill(0);
  for (let i = 0; i < ds.count; i++) {
    const k = ds.labels![i]!;
    counts[k]!++;
    for (let j = 0; j < pix; j++) sums[k]![j]! += ds.images[i * pix + j]!;
  }
  return sums.map((s, k) => Float32Array.from(s, (v) => v / counts[k]!));
}

function nearest(c: Float32Array[], image: Uint8Array): number {
  let best = -1;
  let bestD = Infinity;
  c.forEach((m, k) => {
    let d = 0;
    for (let j = 0; j < m.length; j++) d += (image[j]! / 127.5 - 1 - m[j]!) ** 2;
    if (d < bestD) [best, bestD] = [k, d];
  });
  return best;
}

const catalog = new GanCatalog([shippedModelsDir]);

describe("shipped generators (assets/gan)", () => {
  it("match SHA256SUMS and stay under 25 MB in all", () => {
    const sums = readFileSync(join(shippedModelsDir, "SHA256SUMS"), "utf8").trim().split("\n");
    let bytes = 0;
    for (const line of sums) {
      const [hash, file] = line.split(/\s+/);
      const data = readFileSync(join(shippedModelsDir, file!));
      bytes += data.length;
      expect(createHash("sha256").update(data).digest("hex"), file).toBe(hash);
    }
    const listed = new Set(sums.map((l) => l.split(/\s+/)[1]));
    const walk = (dir: string, rel = ""): string[] => readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e), `${rel}${e}/`) : [`${rel}${e}`]));
    for (const f of walk(shippedModelsDir)) if (!["SHA256SUMS", "README.md"].includes(f)) expect(listed.has(f), `${f} is not in SHA256SUMS`).toBe(true);
    expect(bytes).toBeLessThan(25e6);
    expect(catalog.names()).toEqual(["fashion-mnist-dcgan-cond", "fashion-mnist-mlp-cond", "mnist-mlp"]);
  });

  it("/gan sample's default is the conditional Fashion-MNIST DCGAN, the one that draws best", () => {
    expect(catalog.defaultName()).toBe("fashion-mnist-dcgan-cond");
    expect(catalog.manifest("fashion-mnist-dcgan-cond").spec).toMatchObject({ arch: "dcgan", conditional: true, height: 28, width: 28, channels: 1 });
  });

  describe("quality, judged by nearest class mean", () => {
    let fashion: Float32Array[];
    let digits: Float32Array[];
    beforeAll(() => {
      fashion = centroids(loadDataset("fashion-mnist:test"));
      digits = centroids(loadDataset("mnist"));
    });

    /** The share of images, `perClass` asked of each class, that the nearest class mean names right. */
    async function classHits(model: string, perClass: number, seedBase: number): Promise<number> {
      const sampler = await GanSampler.open(catalog.get(model));
      let hits = 0;
      for (let k = 0; k < 10; k++) {
        const { images } = sampler.sample({ n: perClass, seed: seedBase + k, label: k });
        hits += images.filter((im) => nearest(fashion, im.data) === k).length;
      }
      return hits / (10 * perClass);
    }

    // Real test images score ≈ 0.68 with this classifier; a generator ignoring labels, ≈ 0.1.
    it("the conditional Fashion-MNIST MLP draws the class it is asked for", async () => {
      expect(await classHits("fashion-mnist-mlp-cond", 50, 100)).toBeGreaterThan(0.6);
    });

    it("the conditional Fashion-MNIST DCGAN draws the class it is asked for", async () => {
      expect(await classHits("fashion-mnist-dcgan-cond", 20, 200)).toBeGreaterThan(0.6);
    });

    it("the unconditional MNIST generator draws every digit", async () => {
      const sampler = await GanSampler.open(catalog.get("mnist-mlp"));
      const { images } = sampler.sample({ n: 2000, seed: 7 });
      const counts = new Array<number>(10).fill(0);
      for (const im of images) counts[nearest(digits, im.data)]!++;
      // No mode dropped: every digit is at least 1 % of the samples (a plain MLP GAN is not
      // balanced: it favours 1s, ~31 % here, and draws few 2s, ~3.5 %).
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(20);
    });
  });
});
