import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineInputError } from "../errors.ts";
import { concatParams, sha256, splitParams } from "../gan/model-files.ts";
import { cnnShapes, type CnnSpec } from "./cnn.ts";

/** Classifiers shipped with GenLab, trained by scripts/train-classifier.ts. */
export const shippedClassifiersDir = fileURLToPath(new URL("../../../assets/eval", import.meta.url));

export const CLASSIFIER_FORMAT = "genlab-classifier/1";

/** Which real images a classifier never saw in training: its accuracy and the FD's reference set. */
export interface HeldOutSet {
  /** "mnist" or "fashion-mnist:test" (the loader's names). */
  dataset: string;
  /** How the images were chosen, in words. */
  description: string;
  count: number;
}

export interface ClassifierManifest {
  format: typeof CLASSIFIER_FORMAT;
  name: string;
  /** The dataset family it recognises: "mnist" or "fashion-mnist". */
  dataset: string;
  classes: string[];
  /** Pixel scale of its input. */
  input: "[-1, 1]";
  architecture: CnnSpec & { description: string; parameters: number };
  training: Record<string, unknown>;
  heldOut: HeldOutSet;
  /** Accuracy on heldOut (all of it). */
  accuracy: number;
  files: { "weights.bin": string };
  /** sha256 of weights.bin: the classifier's identity in provenance and cache keys. */
  sha256: string;
}

export interface LoadedClassifier {
  dir: string;
  manifest: ClassifierManifest;
  weights: Float32Array[];
}

export function saveClassifier(dir: string, manifest: Omit<ClassifierManifest, "format" | "files" | "sha256">, weights: Float32Array[]): ClassifierManifest {
  mkdirSync(dir, { recursive: true });
  const blob = concatParams(weights);
  const hash = sha256(blob);
  const full: ClassifierManifest = { format: CLASSIFIER_FORMAT, ...manifest, files: { "weights.bin": hash }, sha256: hash };
  writeFileSync(join(dir, "weights.bin"), blob);
  writeFileSync(join(dir, "classifier.json"), JSON.stringify(full, null, 2) + "\n");
  return full;
}

/** Reads and hash-checks a classifier folder; every failure is one sentence. */
export function loadClassifier(dir: string): LoadedClassifier {
  const manifestPath = join(dir, "classifier.json");
  if (!existsSync(manifestPath)) throw new EngineInputError(`${dir} is not a GenLab classifier (no classifier.json): restore assets/eval or run scripts/train-classifier.ts.`);
  let manifest: ClassifierManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ClassifierManifest;
  } catch {
    throw new EngineInputError(`${manifestPath} is not valid JSON: restore it from assets/eval.`);
  }
  if (manifest.format !== CLASSIFIER_FORMAT) throw new EngineInputError(`${manifestPath} has format ${String(manifest.format)}, expected ${CLASSIFIER_FORMAT}: this GenLab cannot read it.`);
  const path = join(dir, "weights.bin");
  if (!existsSync(path)) throw new EngineInputError(`${path} is missing: restore assets/eval or retrain with scripts/train-classifier.ts.`);
  const data = readFileSync(path);
  if (sha256(data) !== manifest.sha256) throw new EngineInputError(`${path} does not match the sha256 in classifier.json: the file is damaged or was replaced.`);
  const sizes = cnnShapes(manifest.architecture).map((s) => s.reduce((a, b) => a * b, 1));
  if (data.byteLength !== sizes.reduce((a, b) => a + b, 0) * 4) throw new EngineInputError(`${path} does not fit the architecture in classifier.json: the classifier folder is inconsistent.`);
  return { dir, manifest, weights: splitParams(data, sizes) };
}

/** Names of the shipped classifiers (folders with a classifier.json). */
export function shippedClassifierNames(dir = shippedClassifiersDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "classifier.json")))
    .map((e) => e.name)
    .sort();
}
