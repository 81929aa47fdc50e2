import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ClipTokenizer } from "../../../src/engines/diffusion/local/clip-tokenizer.ts";
import { tempDir } from "../../support/config.ts";
import { clipVocabulary, writeClipTokenizer } from "../../support/tiny-sd.ts";

/**
 * The real CLIP vocabulary (openai/CLIP's bpe_simple_vocab_16e6.txt.gz), and token ids as the
 * reference tokenizers publish them: "a photo of a cat" is CLIP's canonical example; the others
 * were produced by Hugging Face's CLIPTokenizer (openai/clip-vit-base-patch32) and open_clip's
 * SimpleTokenizer, as recorded in public test suites that pin tokenizers against them.
 */
const tokenizer = new ClipTokenizer(clipVocabulary());
const reference: [string, number[]][] = [
  ["a photo of a cat", [49406, 320, 1125, 539, 320, 2368, 49407]],
  ["a diagram", [49406, 320, 22697, 49407]],
  ["a photo of a waterfall", [49406, 320, 1125, 539, 320, 16403, 49407]],
  ["dog on a beach", [49406, 1929, 525, 320, 2117, 49407]],
  // A word absent from the vocabulary splits by merge rank, and </w> ends only its last piece.
  ["mobileclip", [49406, 9451, 944, 8546, 49407]],
  ["hatbox", [49406, 3447, 2063, 49407]],
  ["hat box", [49406, 3801, 2063, 49407]],
  // Lower-casing, whitespace cleanup, punctuation, digits one by one, contractions.
  ["Hello,   WORLD!", [49406, 3306, 267, 1002, 256, 49407]],
  ["  HELLO   World  ", [49406, 3306, 1002, 49407]],
  ["birthday cake 2024", [49406, 1166, 2972, 273, 271, 273, 275, 49407]],
  ["I can't believe it's not butter", [49406, 328, 753, 713, 2649, 585, 568, 783, 6952, 49407]],
  ["email: user@example.com", [49406, 4462, 281, 7031, 287, 6228, 269, 2464, 49407]],
  ["MacBook Pro 16-inch", [49406, 20617, 2630, 272, 277, 268, 6523, 49407]],
  // Byte-level: accents and emoji are total, never unknown.
  ["café", [49406, 15304, 49407]],
  ["🐶", [49406, 10631, 49407]],
  ["", [49406, 49407]],
];

/**
 * Tricky prompts (CJK ideographs, zero-width and format characters, emoji joined with U+200D, control
 * characters, HTML entities, odd whitespace) with the ids transformers 4.57's CLIPTokenizer gives them
 * on the path a plain `pip install diffusers transformers` takes (no ftfy), recorded by
 * reference_clip_tokenizer.py from the library itself.
 */
const recorded = JSON.parse(readFileSync(new URL("./clip-tokenizer-reference.json", import.meta.url), "utf8")) as { transformers: string; cases: [string, number[]][] };

describe("CLIP BPE tokenizer", () => {
  it("has the 49,408-token vocabulary with BOS 49406 and EOS 49407", () => {
    expect(Object.keys(clipVocabulary().vocab)).toHaveLength(49408);
    expect([tokenizer.bosId, tokenizer.eosId, tokenizer.padId]).toEqual([49406, 49407, 49407]);
  });

  it.each(reference)("%j → reference ids, padded to 77 with EOS", (text, ids) => {
    const encoded = tokenizer.encode(text);
    expect(encoded).toHaveLength(77);
    expect(encoded.slice(0, ids.length)).toEqual(ids);
    expect(new Set(encoded.slice(ids.length))).toEqual(ids.length < 77 ? new Set([49407]) : new Set());
  });

  it("keeps BOS and EOS when a long prompt is truncated", () => {
    const ids = tokenizer.encode("waterfall ".repeat(200));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(49406);
    expect(ids[76]).toBe(49407);
    expect(ids.slice(1, 76).every((id) => id === 16403)).toBe(true);
  });

  it.each(recorded.cases)(`%j → the ids transformers ${recorded.transformers}'s CLIPTokenizer gives without ftfy`, (text, ids) => {
    const encoded = tokenizer.encode(text);
    expect(encoded.slice(0, ids.length)).toEqual(ids);
    expect(new Set(encoded.slice(ids.length))).toEqual(new Set([49407]));
  });

  it("keeps HTML entities as typed, as transformers does without ftfy (OpenAI's CLIP would unescape them)", () => {
    expect(tokenizer.tokenize("cats &amp; dogs")).not.toEqual(tokenizer.tokenize("cats & dogs"));
    expect(tokenizer.tokenize("&amp;")).toEqual([261, 6259, 282]); // "&", "amp", ";"
  });

  // Where a Python with transformers 4.x is at hand (GENLAB_TRANSFORMERS_PYTHON), the recorded ids are
  // checked against the library again, so the fixture cannot drift from what it claims to be.
  const python = process.env.GENLAB_TRANSFORMERS_PYTHON;
  it.runIf(python)("the recorded ids are what the installed transformers gives today", () => {
    const dir = join(tempDir("genlab-clip-ref-"), "tokenizer");
    writeClipTokenizer(dir);
    const script = new URL("./reference_clip_tokenizer.py", import.meta.url).pathname;
    const run = spawnSync(python!, [script, dir], { input: JSON.stringify(recorded.cases.map(([p]) => p)), encoding: "utf8" });
    expect(run.stderr.split("\n").filter((l) => l.includes("Error")).join("\n")).toBe("");
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { ids: number[][] }).ids).toEqual(recorded.cases.map(([, ids]) => ids));
  });

  it("reads a diffusers tokenizer folder and its padding token (SD 2.x pads with \"!\", id 0)", () => {
    const dir = join(tempDir("genlab-clip-"), "tokenizer");
    writeClipTokenizer(dir, { padToken: "!" });
    const t = ClipTokenizer.fromDirectory(dir);
    const ids = t.encode("a photo of a cat");
    expect(ids.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(ids.slice(7).every((id) => id === 0)).toBe(true);
  });
});
