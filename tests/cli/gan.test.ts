import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readPngText } from "../../src/images/index.ts";
import { spawn } from "node:child_process";
import { childEnv, exited, genlabBin, runGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";

describe("genlab train / genlab sample", () => {
  it("train --json prints one object per epoch; sample draws from the result", async () => {
    const out = tempDir("genlab-cli-train-");
    const r = await runGenlab(["train", "--dataset", "fashion-mnist", "--limit", "256", "--arch", "mlp", "--epochs", "2", "--json", "--out", out], {});
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.epoch)).toEqual([1, 2]);
    for (const l of lines) for (const k of ["d_loss", "g_loss", "d_acc", "seconds", "g_weight_norms", "g_grad_norms"]) expect(l).toHaveProperty(k);
    expect(r.stderr).toMatch(/^Training mlp on fashion-mnist \(256 images\) with /);
    expect(r.stderr).toMatch(/Done after 2 epochs: model in .*\/model/);

    const png = join(out, "s.png");
    const s = await runGenlab(["sample", "--model", join(out, "model"), "--n", "9", "--seed", "3", "--out", png], {});
    expect(s.code).toBe(0);
    expect(existsSync(png)).toBe(true);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([3 * 140 + 2 * 2, 3 * 140 + 2 * 2]);
    expect(readPngText((await import("node:fs")).readFileSync(png))["genlab:seed"]).toBe("3");
  });

  it("sample draws a class from the shipped conditional generator by name", async () => {
    const png = join(tempDir("genlab-cli-sample-"), "bags.png");
    const s = await runGenlab(["sample", "--model", "fashion-mnist-mlp-cond", "--n", "4", "--label", "Bag", "--out", png], {});
    expect(s.stderr).toMatch(/^Wrote 4 samples of fashion-mnist-mlp-cond \(seed \d+\)/);
    expect(JSON.parse(readPngText((await import("node:fs")).readFileSync(png))["genlab:params"]!)).toMatchObject({ label: 8, class: "Bag" });
  });

  it("a training run killed with SIGKILL resumes after its last finished epoch", async () => {
    const out = tempDir("genlab-cli-kill-");
    // Small epochs, enough of them that the kill lands mid-run.
    const epochs = 12;
    const all = Array.from({ length: epochs }, (_, i) => i + 1);
    const args = ["train", "--dataset", "fashion-mnist", "--limit", "1024", "--epochs", String(epochs), "--json", "--out", out];
    const child = spawn(process.execPath, [genlabBin, ...args], { env: childEnv({}) });
    const printed: number[] = [];
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        for (const line of d.toString().trim().split("\n")) printed.push((JSON.parse(line) as { epoch: number }).epoch);
        child.kill("SIGKILL");
        resolve();
      });
    });
    await exited(child);
    const last = printed.at(-1)!;
    expect(last).toBeLessThan(epochs);
    const r = await runGenlab([...args, "--resume"], {});
    expect(r.code).toBe(0);
    // An epoch is printed just before its checkpoint is written, so the run resumes after
    // the printed epoch, or repeats it (bit-identically) if the kill fell in between.
    const from = Number(/resuming at epoch (\d+)/.exec(r.stderr)?.[1] ?? 1); // no checkpoint yet: starts over
    expect([last, last + 1]).toContain(from);
    expect(r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { epoch: number }).epoch)).toEqual(all.filter((e) => e >= from));
    expect(readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n").slice(1).map((l) => Number(l.split(",")[0]))).toEqual(all);
  });

  it.each([
    [["train", "--dataset", "imagenet", "--out", "/tmp/x"], /^genlab: Unknown dataset "imagenet": use mnist, fashion-mnist/],
    [["train", "--dataset", "mnist"], /^genlab: genlab train needs --dataset and --out/],
    [["train", "--dataset", "mnist", "--out", "/tmp/x", "--epochs", "0"], /^genlab: --epochs must be a whole number from 1 to 10000, not 0\.$/],
    [["train", "--dataset", "mnist", "--out", "/tmp/x", "--conditional", "--conditioning", "both"], /^genlab: --conditioning must be ac \(D predicts the class\) or concat \(D is given the class\), not both\.$/],
    [["train", "--dataset", "mnist", "--out", "/tmp/x", "--ema", "abc"], /^genlab: --ema must be a number from 0 \(off\) to below 1, such as 0\.9, not abc\.$/],
    [["sample", "--model", "nope", "--out", "/tmp/x.png"], /^genlab: There is no GAN model named "nope": choose one of /],
  ])("%j fails with one sentence", async (args, message) => {
    const r = await runGenlab(args, {});
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
