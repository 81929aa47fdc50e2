import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * CLIP's byte-level BPE tokenizer, as Stable Diffusion's text encoder expects it: the text is
 * cleaned as transformers' CLIPTokenizer does without ftfy (see `clean`) and lower-cased, split with CLIP's regex, each piece's
 * UTF-8 bytes mapped to printable characters, merged by rank with `</w>` marking the end of a
 * word, then framed by BOS/EOS and padded to the context length (77).
 */
export interface ClipTokenizerOptions {
  /** Token → id (vocab.json). */
  vocab: Record<string, number>;
  /** Merge rules in rank order, "a b" each (merges.txt without its "#version" line). */
  merges: string[];
  contextLength?: number;
  /** The padding token's text; CLIP pads with EOS (SD 1.x), SD 2.x pads with "!". */
  padToken?: string;
}

const BOS = "<|startoftext|>";
const EOS = "<|endoftext|>";
// CLIP's pre-tokenizer (openai/CLIP simple_tokenizer.py), case-insensitive as there.
const PIECES = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;

export class ClipTokenizer {
  readonly contextLength: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly vocab: Map<string, number>;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();
  private readonly byteChars = byteToUnicode();

  constructor(options: ClipTokenizerOptions) {
    this.vocab = new Map(Object.entries(options.vocab));
    options.merges.forEach((m, i) => this.ranks.set(m, i));
    this.contextLength = options.contextLength ?? 77;
    this.bosId = this.idOf(BOS);
    this.eosId = this.idOf(EOS);
    this.padId = this.idOf(options.padToken ?? EOS);
  }

  /** Reads a diffusers `tokenizer/` folder: vocab.json, merges.txt and, when present, the padding and length from its config. */
  static fromDirectory(dir: string): ClipTokenizer {
    const vocab = JSON.parse(readFileSync(join(dir, "vocab.json"), "utf8")) as Record<string, number>;
    const merges = parseMerges(readFileSync(join(dir, "merges.txt"), "utf8"));
    const config = readJson(join(dir, "tokenizer_config.json"));
    const special = readJson(join(dir, "special_tokens_map.json"));
    const padToken = tokenText(config?.pad_token) ?? tokenText(special?.pad_token);
    const max = Number(config?.model_max_length);
    // Some configs carry a huge sentinel ("no limit"); CLIP's position table has 77 rows.
    const contextLength = Number.isInteger(max) && max > 2 && max <= 1024 ? max : 77;
    return new ClipTokenizer({ vocab, merges, padToken, contextLength });
  }

  /** The BPE ids of the text alone, without BOS/EOS or padding. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const piece of clean(text).match(PIECES) ?? []) {
      const mapped = Array.from(new TextEncoder().encode(piece), (b) => this.byteChars[b]!).join("");
      for (const token of this.bpe(mapped)) ids.push(this.idOf(token));
    }
    return ids;
  }

  /** BOS, the text's ids (truncated to fit), EOS, padding: exactly `contextLength` ids. */
  encode(text: string): number[] {
    const body = this.tokenize(text).slice(0, this.contextLength - 2);
    const ids = [this.bosId, ...body, this.eosId];
    while (ids.length < this.contextLength) ids.push(this.padId);
    return ids;
  }

  private idOf(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`the CLIP vocabulary has no token "${token}"`);
    return id;
  }

  private bpe(piece: string): string[] {
    if (piece === BOS || piece === EOS) return [piece];
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const chars = Array.from(piece);
    let word = [...chars.slice(0, -1), chars.at(-1)! + "</w>"];
    while (word.length > 1) {
      // The lowest-ranked adjacent pair merges first, everywhere it occurs.
      let best = Infinity;
      let first = "";
      let second = "";
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < best) [best, first, second] = [rank, word[i]!, word[i + 1]!];
      }
      if (best === Infinity) break;
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) merged.push(first + second), i++;
        else merged.push(word[i]!);
      }
      word = merged;
    }
    if (this.cache.size > 10_000) this.cache.clear(); // prompts are short; a bounded cache is plenty
    this.cache.set(piece, word);
    return word;
  }
}

/** merges.txt lines after the "#version" header, one "a b" rule each. */
export function parseMerges(text: string): string[] {
  return text.split("\n").filter((l, i) => l.trim() !== "" && !(i === 0 && l.startsWith("#version")));
}

/**
 * GPT-2/CLIP's reversible byte → character table: printable bytes map to themselves, the rest
 * to characters from U+0100 on, so no byte becomes whitespace or a control character.
 */
export function byteToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table: string[] = new Array(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  return table;
}

/**
 * The cleanup transformers' CLIPTokenizer (the Python tokenizer diffusers' SD pipelines load,
 * transformers 4.x) does when ftfy is not installed, which is what a plain `pip install diffusers
 * transformers` gets: `BasicTokenizer(strip_accents=False, do_split_on_punc=False)`. It drops control
 * and format characters (every Unicode category C*: U+200B, U+200D, U+00AD, U+FEFF, \x07, \x0b …)
 * rather than spacing them, so "👩‍🚀" stays one piece; turns \t \n \r and Zs spaces into " "; puts
 * spaces around CJK ideographs (each becomes its own piece); NFC; splits on whitespace; lower-cases.
 * It does not unescape HTML ("&amp;" stays as typed). With ftfy installed, transformers instead runs
 * ftfy.fix_text, and OpenAI's CLIP also unescapes HTML; transformers 5's tokenizers-backed
 * CLIPTokenizer differs again on these rare characters. Pinned by tests/engines/diffusion/clip-tokenizer-reference.json.
 */
function clean(text: string): string {
  let kept = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\t" || ch === "\n" || ch === "\r" || /\p{Zs}/u.test(ch)) kept += " ";
    else if (cp === 0 || cp === 0xfffd || /\p{C}/u.test(ch)) continue;
    else kept += isCjkIdeograph(cp) ? ` ${ch} ` : ch;
  }
  // After the cleanup only " ", U+2028 and U+2029 are left of what Python's str.split() splits on.
  return kept
    .normalize("NFC")
    .split(/[ \u2028\u2029]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase())
    .join(" ");
}

/** BasicTokenizer._is_chinese_char: the CJK Unified Ideographs blocks and their extensions and compatibility blocks. */
function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function readJson(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : undefined;
}

/** A special token as tokenizer configs write it: a string, or `{ "content": "…" }`. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { content?: unknown }).content === "string") return (v as { content: string }).content;
  return undefined;
}
