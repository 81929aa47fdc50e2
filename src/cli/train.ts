import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { loadDataset } from "../engines/gan/datasets/index.ts";
import { trainGan, type EpochMetrics } from "../engines/gan/index.ts";
import { ProgressBar } from "./progress.ts";

export const TRAIN_USAGE = `genlab train --dataset mnist|fashion-mnist|cifar10:DIR|idx:IMAGES[,LABELS] --arch mlp|dcgan [--conditional [--conditioning ac|concat]]
             --epochs N [--batch 64] [--limit N] [--sample-every K] [--seed S] --out DIR [--resume] [--json] [--allow-slow]
             [--ema 0.9]   per-epoch decay of the average of G's weights that becomes the model (0: the last G)`;

/** `genlab train`: the lab's GAN training from the command line. */
export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: "string" },
      arch: { type: "string", default: "mlp" },
      conditional: { type: "boolean", default: false },
      conditioning: { type: "string" },
      ema: { type: "string" },
      epochs: { type: "string", default: "50" },
      batch: { type: "string", default: "64" },
      limit: { type: "string" },
      "sample-every": { type: "string", default: "1" },
      seed: { type: "string", default: "0" },
      out: { type: "string" },
      name: { type: "string" },
      resume: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "allow-slow": { type: "boolean", default: false },
    },
  });
  if (!values.dataset || !values.out) throw new UserFacingError(`genlab train needs --dataset and --out:\n  ${TRAIN_USAGE}`);
  if (values.arch !== "mlp" && values.arch !== "dcgan") throw new UserFacingError(`--arch must be mlp or dcgan, not ${values.arch}.`);
  const epochs = int("--epochs", values.epochs, 1, 10_000);
  const dataset = await loadDataset(values.dataset, { limit: values.limit === undefined ? undefined : int("--limit", values.limit, 1, 10_000_000) });
  const bar = new ProgressBar();
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once("SIGINT", onSignal);
  try {
    const result = await trainGan({
      dataset,
      arch: values.arch,
      conditional: values.conditional,
      auxClassifier: conditioning(values.conditioning),
      emaDecay: emaDecay(values.ema),
      epochs,
      batch: int("--batch", values.batch, 1, 1024),
      sampleEvery: int("--sample-every", values["sample-every"], 1, 10_000),
      seed: int("--seed", values.seed, 0, 2 ** 32 - 1),
      outDir: values.out,
      name: values.name,
      resume: values.resume,
      allowSlowBackend: values["allow-slow"],
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === "start") {
          process.stderr.write(`Training ${values.arch}${values.conditional ? " (conditional)" : ""} on ${dataset.name} (${e.images} images) with ${e.implementation}${e.resumed ? `, resuming at epoch ${e.startEpoch}` : ""}.\n`);
        } else if (e.type === "progress") {
          bar.update(`epoch ${e.epoch}/${epochs}`, e.step, e.steps);
        } else if (e.type === "epoch") {
          bar.clear();
          if (values.json) process.stdout.write(JSON.stringify(e.metrics) + "\n");
          else process.stderr.write(describe(e.metrics, epochs) + "\n");
        } else if (e.type === "done") {
          process.stderr.write(`${e.stopped ? "Stopped" : "Done"} after ${e.epochsDone} epochs: model in ${e.modelDir}, 100 samples in ${e.finalGrid}.\n`);
        }
      },
    });
    return result.stopped ? 130 : 0;
  } finally {
    process.removeListener("SIGINT", onSignal);
  }
}

function describe(m: EpochMetrics, epochs: number): string {
  const classes = m.d_class_real === undefined ? "" : `  class acc real ${(m.d_class_real * 100).toFixed(1)}% fake ${((m.d_class_fake ?? 0) * 100).toFixed(1)}%`;
  return `epoch ${m.epoch}/${epochs}  D_loss ${m.d_loss.toFixed(4)}  G_loss ${m.g_loss.toFixed(4)}  D_acc ${(m.d_acc * 100).toFixed(1)}%${classes}  ${m.seconds.toFixed(1)} s  ${m.images_per_s} img/s`;
}

/** `--conditioning ac|concat`: how a conditional GAN's discriminator uses the label (unset: GenLab's default). */
function conditioning(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === "ac" || raw === "concat") return raw === "ac";
  throw new UserFacingError(`--conditioning must be ac (D predicts the class) or concat (D is given the class), not ${raw}.`);
}

function emaDecay(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === "" || !(v >= 0 && v < 1)) throw new UserFacingError(`--ema must be a number from 0 (off) to below 1, such as 0.9, not ${raw}.`);
  return v;
}

export function int(flag: string, raw: string | undefined, min: number, max: number): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UserFacingError(`${flag} must be a whole number from ${min} to ${max}, not ${raw}.`);
  return v;
}
