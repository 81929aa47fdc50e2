import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EngineInputError } from "../errors.ts";

/**
 * The 1000 ImageNet (ILSVRC-2012) classes BigGAN is conditioned on, in index order: one line
 * per class, "<WordNet id> <name>, <synonym>, …" (the standard synset_words.txt layout).
 */
export const imagenetClassesFile = fileURLToPath(new URL("../../../assets/biggan/imagenet-classes.txt", import.meta.url));

export interface ImageNetClass {
  index: number;
  wnid: string;
  /** The first name is the one shown; the rest are WordNet synonyms. */
  names: string[];
}

/** A class vector as weights per class index, e.g. 207 → 0.5, 208 → 0.5 (they sum to 1). */
export interface ClassMix {
  weights: { index: number; weight: number }[];
  /** For captions and file names: "golden retriever" or "0.5 golden retriever + 0.5 Labrador retriever". */
  label: string;
}

/** WordNet glosses, shortened, of the classes whose only name another class also has. */
const senses: Record<number, string> = { 134: "the bird", 517: "the machine", 638: "dancer's tights" };

const norm = (s: string) => s.trim().toLowerCase().replace(/[_\s]+/g, " ");

export class ImageNetClasses {
  readonly list: ImageNetClass[];
  private readonly byName = new Map<string, number[]>();
  private readonly byWnid = new Map<string, number>();

  constructor(text: string) {
    this.list = text
      .split("\n")
      .filter((l) => l.trim())
      .map((line, index) => {
        const m = /^(n\d{8})\s+(.+)$/.exec(line.trim());
        if (!m) throw new Error(`ImageNet class list line ${index + 1} is not "<wnid> <names>": ${line}`);
        return { index, wnid: m[1]!, names: m[2]!.split(",").map((s) => s.trim()).filter(Boolean) };
      });
    for (const c of this.list) {
      this.byWnid.set(c.wnid, c.index);
      for (const n of new Set(c.names.map(norm))) this.byName.set(n, [...(this.byName.get(n) ?? []), c.index]);
    }
  }

  static load(file = imagenetClassesFile): ImageNetClasses {
    return new ImageNetClasses(readFileSync(file, "utf8"));
  }

  get size(): number {
    return this.list.length;
  }

  name(index: number): string {
    return this.list[index]?.names[0] ?? String(index);
  }

  /**
   * One class from a number ("207"), a WordNet id ("n02099601") or a name ("golden retriever",
   * any synonym, any case). A name shared by several classes ("crane": the bird 134 and the
   * machine 517) or a misspelling is refused with the choices or the nearest names.
   */
  resolve(raw: string): number {
    const text = raw.trim();
    if (/^-?\d+$/.test(text)) {
      const i = Number(text);
      if (i < 0 || i >= this.size) throw new EngineInputError(`There is no ImageNet class ${text}: use a number from 0 to ${this.size - 1}, or a class name.`);
      return i;
    }
    const wnid = this.byWnid.get(text.toLowerCase());
    if (wnid !== undefined) return wnid;
    const hits = this.byName.get(norm(text)) ?? [];
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      const choices = hits.map((i) => `${i} (${this.describe(i, norm(text))})`).join(" or ");
      throw new EngineInputError(`"${text}" names ${hits.length} ImageNet classes: ${choices} — give the number.`);
    }
    const near = this.suggest(text);
    throw new EngineInputError(`"${text}" is not an ImageNet class name${near.length ? `: did you mean ${near.map((i) => `"${this.name(i)}" (${i})`).join(", ")}?` : ": give a class number from 0 to 999 or pick one from the list."}`);
  }

  /** "207", "golden retriever", or a mix "207:0.5,208:0.5" (weights are normalised to sum 1). */
  parseMix(raw: string): ClassMix {
    const parts = raw.split(",").map((s) => s.trim()).filter(Boolean);
    const weighted = parts.length > 1 || /:\s*[\d.]+\s*$/.test(raw);
    if (!weighted) {
      const index = this.resolve(raw);
      return { weights: [{ index, weight: 1 }], label: this.name(index) };
    }
    const entries = parts.map((part) => {
      const m = /^(.*?):\s*([\d.]+)$/.exec(part);
      const index = this.resolve(m ? m[1]! : part);
      const weight = m ? Number(m[2]) : 1;
      if (!Number.isFinite(weight) || weight <= 0) throw new EngineInputError(`The weight in "${part}" must be a positive number, e.g. 207:0.5,208:0.5.`);
      return { index, weight };
    });
    const merged = new Map<number, number>();
    for (const e of entries) merged.set(e.index, (merged.get(e.index) ?? 0) + e.weight);
    const total = [...merged.values()].reduce((a, b) => a + b, 0);
    const weights = [...merged].map(([index, w]) => ({ index, weight: w / total }));
    const label = weights.length === 1 ? this.name(weights[0]!.index) : weights.map((w) => `${round(w.weight)} ${this.name(w.index)}`).join(" + ");
    return { weights, label };
  }

  /** Dense [numClasses] vector of a mix. */
  vector(mix: ClassMix, numClasses = this.size): Float32Array {
    const v = new Float32Array(numClasses);
    for (const { index, weight } of mix.weights) v[index] = weight;
    return v;
  }

  /** For autocomplete: classes whose number, id or any name contains the typed text, names first. */
  search(typed: string, limit = 25): ImageNetClass[] {
    const t = norm(typed);
    if (!t) return this.list.slice(0, limit);
    const starts: ImageNetClass[] = [];
    const contains: ImageNetClass[] = [];
    for (const c of this.list) {
      const names = c.names.map(norm);
      if (String(c.index) === t || c.wnid === t || names.some((n) => n.startsWith(t))) starts.push(c);
      else if (names.some((n) => n.includes(t))) contains.push(c);
    }
    return [...starts, ...contains].slice(0, limit);
  }

  /** Up to three classes whose names are a small edit away from `text`. */
  suggest(text: string): number[] {
    const t = norm(text);
    const scored: { index: number; d: number }[] = [];
    for (const [name, indices] of this.byName) {
      const d = editDistance(t, name, 3);
      if (d <= Math.max(1, Math.min(3, Math.floor(name.length / 4)))) for (const index of indices) scored.push({ index, d });
    }
    scored.sort((a, b) => a.d - b.d || a.index - b.index);
    return [...new Set(scored.map((s) => s.index))].slice(0, 3);
  }

  /** What tells same-named classes apart: another of its names, or its WordNet sense. */
  private describe(index: number, shared: string): string {
    const other = this.list[index]!.names.find((n) => norm(n) !== shared);
    return other ?? senses[index] ?? this.list[index]!.wnid;
  }
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
