import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/engines/gan/datasets/index.ts";
import { GanCatalog, loadModel, trainGan, type EpochMetrics, type TrainEvent } from "../../../src/engines/gan/index.ts";
import { tempDir } from "../../support/config.ts";

const fashion = await loadDataset("fashion-mnist", { limit: 640 });

async function train(outDir: string, epochs: number, extra: Partial<Parameters<typeof trainGan>[0]> = {}) {
  const events: TrainEvent[] = [];
  const result = await trainGan({ dataset: fashion, arch: "mlp", conditional: false, epochs, batch: 64, sampleEvery: 1, seed: 5, outDir, resume: false, onEvent: (e) => void events.push(e), ...extra });
  return { result, events, epochs: events.filter((e) => e.type === "epoch").map((e) => (e as { metrics: EpochMetrics }).metrics) };
}

describe("GAN training (lab MLP recipe)", () => {
  it("reports every epoch's metrics and leaves model, samples, metrics.csv and a checkpoint", async () => {
    const out = tempDir("genlab-train-");
    const { result, events, epochs } = await train(out, 2);
    expect(result).toEqual({ modelDir: join(out, "model"), epochsDone: 2, stopped: false });
    expect(events[0]).toMatchObject({ type: "start", startEpoch: 1, epochs: 2, stepsPerEpoch: 10, images: 640, resumed: false });
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2]);
    for (const m of epochs) {
      for (const v of [m.d_loss, m.g_loss, m.d_acc, m.seconds, m.images_per_s]) expect(Number.isFinite(v)).toBe(true);
      expect(m.d_acc).toBeGreaterThanOrEqual(0);
      expect(m.d_acc).toBeLessThanOrEqual(1);
      expect(Object.keys(m.g_weight_norms)).toEqual(["dense0.kernel", "dense0.bias", "dense1.kernel", "dense1.bias", "dense2.kernel", "dense2.bias", "dense3.kernel", "dense3.bias"]);
      expect(Object.values(m.g_grad_norms).every((v) => v > 0)).toBe(true);
    }
    expect(readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n")).toHaveLength(3);
    const sample = await sharp(join(out, "samples", "epoch-002.png")).metadata();
    expect([sample.width, sample.height]).toEqual([8 * 140 + 7 * 2, 8 * 140 + 7 * 2]);
    const final = await sharp(join(out, "final-grid.png")).metadata();
    expect([final.width, final.height]).toEqual([10 * 140 + 9 * 2, 10 * 140 + 9 * 2]);
    const model = loadModel(join(out, "model"));
    expect(model.manifest.spec).toMatchObject({ arch: "mlp", height: 28, width: 28, channels: 1, zDim: 100 });
    expect(model.generator.map((p) => p.length)).toEqual([100 * 256, 256, 256 * 512, 512, 512 * 1024, 1024, 1024 * 784, 784]);
    expect(existsSync(join(out, "checkpoint", "optimizer.bin"))).toBe(true);
  });

  it("resuming after epoch 1 ends exactly where an uninterrupted run ends", async () => {
    const straight = tempDir("genlab-train-");
    await train(straight, 2);
    const resumed = tempDir("genlab-train-");
    await train(resumed, 1);
    // As if killed after writing epoch 2's metrics row but before its checkpoint.
    appendFileSync(join(resumed, "metrics.csv"), "2,9,9,0,0,0,1,1\n");
    const { events } = await train(resumed, 2, { resume: true });
    expect(readFileSync(join(resumed, "metrics.csv"), "utf8").trim().split("\n").map((l) => l.split(",")[0])).toEqual(["epoch", "1", "2"]);
    expect(events[0]).toMatchObject({ type: "start", startEpoch: 2, resumed: true });
    const a = loadModel(join(straight, "model"), { discriminator: true });
    const b = loadModel(join(resumed, "model"), { discriminator: true });
    expect(b.sha256).toBe(a.sha256);
    expect(readFileSync(join(resumed, "metrics.csv"), "utf8").split("\n")[2]!.split(",").slice(0, 3)).toEqual(readFileSync(join(straight, "metrics.csv"), "utf8").split("\n")[2]!.split(",").slice(0, 3));
  });

  it("the model is the moving average of G over epochs (warm-up decay), the checkpoint keeps the last G; emaDecay 0 ships the last G", async () => {
    const one = tempDir("genlab-train-");
    await train(one, 1);
    const g1 = loadModel(join(one, "model")).generator; // one update: the average is G itself
    const two = tempDir("genlab-train-");
    await train(two, 2);
    const g2 = loadModel(join(two, "checkpoint")).generator;
    const model = loadModel(join(two, "model"));
    expect(model.manifest.training).toMatchObject({ weightAverage: { decay: 0.9, epochs: 2 } });
    const b = 2 / 11; // second update: min(0.9, (1 + 1) / (10 + 1))
    let worst = 0;
    model.generator.forEach((w, i) => w.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - (b * g1[i]![j]! + (1 - b) * g2[i]![j]!))))));
    expect(worst).toBeLessThan(1e-6);
    expect(model.sha256).not.toBe(loadModel(join(two, "checkpoint")).sha256);

    const plain = tempDir("genlab-train-");
    await train(plain, 2, { emaDecay: 0 });
    expect(loadModel(join(plain, "model")).sha256).toBe(loadModel(join(two, "checkpoint")).sha256);
    expect(loadModel(join(plain, "model")).manifest.training).toMatchObject({ weightAverage: null });
    // Resumed with the average turned off, it ships the last G.
    await train(two, 3, { resume: true, emaDecay: 0 });
    expect(loadModel(join(two, "model")).sha256).toBe(loadModel(join(two, "checkpoint")).sha256);
    await expect(train(tempDir("genlab-train-"), 1, { emaDecay: 1 })).rejects.toThrow(/^The weight-average decay must be at least 0 and below 1 \(0 turns it off\), not 1\.$/);
  });

  it("stops at an abort, keeping the last finished epoch's checkpoint", async () => {
    const out = tempDir("genlab-train-");
    const ac = new AbortController();
    const { result } = await train(out, 5, { signal: ac.signal, onEvent: (e) => void (e.type === "epoch" && e.metrics.epoch === 1 && ac.abort()) });
    expect(result).toMatchObject({ stopped: true, epochsDone: 1 });
    expect(loadModel(join(out, "checkpoint")).manifest.training).toMatchObject({ epoch: 1 });
  });

  it("trains a conditional model (an AC-GAN unless told otherwise) and refuses one without labels", async () => {
    const out = tempDir("genlab-train-");
    const { epochs } = await train(out, 1, { conditional: true });
    expect(epochs).toHaveLength(1);
    // D's class head: share of real / generated images it names right, reported each epoch.
    expect(epochs[0]!.d_class_real).toBeGreaterThan(0.1);
    expect(epochs[0]!.d_class_fake).toBeGreaterThanOrEqual(0);
    const model = loadModel(join(out, "model"), { discriminator: true });
    expect(model.manifest.spec.auxClassifier).toBe(true);
    // The run folder itself works wherever a model folder is asked for (`--model runs/x`).
    expect(new GanCatalog([], { allowPaths: true }).get(out).dir).toBe(join(out, "model"));
    expect(model.generator[0]!.length).toBe(110 * 256);
    expect(model.manifest.networks.discriminator!.at(-1)).toEqual([11]); // real/fake + 10 classes
    expect(model.discriminator![0]!.length).toBe(784 * 512); // D sees the image alone
    await expect(train(tempDir("genlab-train-"), 1, { conditional: true, dataset: { ...fashion, labels: null } })).rejects.toThrow(/A conditional GAN needs labels/);
    await expect(train(tempDir("genlab-train-"), 1, { auxClassifier: true })).rejects.toThrow(/auxiliary-classifier discriminator is for conditional GANs: add --conditional/);
  });

  it("--conditioning concat gives D the label; a resumed run keeps what its checkpoint used", async () => {
    const out = tempDir("genlab-train-");
    const { epochs } = await train(out, 1, { conditional: true, auxClassifier: false });
    expect(epochs[0]!.d_class_real).toBeUndefined();
    const model = loadModel(join(out, "model"), { discriminator: true });
    expect(model.manifest.spec.auxClassifier).toBeUndefined();
    expect(model.discriminator![0]!.length).toBe(794 * 512);
    // No --conditioning on resume: the concat checkpoint goes on as concat.
    const resumed = await train(out, 2, { conditional: true, resume: true });
    expect(resumed.epochs.map((m) => m.epoch)).toEqual([2]);
    expect(loadModel(join(out, "model")).manifest.spec.auxClassifier).toBeUndefined();
    // Asking for the other kind is refused with what to do.
    await expect(train(out, 3, { conditional: true, resume: true, auxClassifier: true })).rejects.toThrow(/checkpoint .* is for a different GAN \(auxClassifier differ\)/);
  });
});
