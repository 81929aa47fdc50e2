import { describe, expect, it } from "vitest";
import type { EpochMetrics } from "../../src/engines/gan/train.ts";
import { epochEmbeds, type RunView } from "../../src/training/embeds.ts";

const view: RunView = {
  id: "run-1",
  name: "fashion-mnist-mlp-cond-1234abcd",
  status: "running",
  config: { dataset: "fashion-mnist", arch: "mlp", conditional: true, epochs: 10, batch: 64, lr: 2e-4, sampleEvery: 1, seed: 1 },
  epochsDone: 3,
};
const metrics: EpochMetrics = { epoch: 3, d_loss: 1.25, g_loss: 0.9, d_acc: 0.62, d_real: 0.55, d_fake: 0.45, seconds: 7.25, images_per_s: 8275, g_weight_norms: {}, g_grad_norms: {} };

describe("training embeds", () => {
  it("an AC-GAN epoch shows how often D's class head names real and generated images right", () => {
    const [epoch] = epochEmbeds(view, { ...metrics, d_class_real: 0.975, d_class_fake: 0.995 }, { grid: "epoch-3.png", chart: "charts.png" });
    expect(epoch!.description).toBe("D_loss **1.2500** · G_loss **0.9000** · D_acc **62.0 %** · D class acc real **97.5 %**, fake **99.5 %** · 8275 images/s · 7.3 s");
  });

  it("other runs show no class accuracy", () => {
    const [epoch] = epochEmbeds(view, metrics, { chart: "charts.png" });
    expect(epoch!.description).not.toMatch(/class acc/);
    expect(epoch!.image).toBeUndefined();
  });
});
