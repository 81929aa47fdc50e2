import { EngineInputError } from "../errors.ts";
import type { PromptPolicy, ValidateContext } from "../types.ts";

/**
 * What a class server lets through as a prompt. A short default list of words a school lab does
 * not want drawn; each server can add its own. Which lists apply is a PromptPolicy the caller
 * decides (for Discord: src/guilds/prompt-policy.ts, from the server's settings and the
 * channel). Whole words only, case-insensitive, so "Essex" is not "sex". Negative prompts are
 * not checked: "nsfw" is exactly what people put there.
 */
export const MAX_PROMPT_LENGTH = 500;

export const defaultBlockedWords: readonly string[] = [
  "nsfw", "nude", "nudes", "naked", "nudity", "porn", "porno", "pornographic", "sex", "sexual", "sexy", "erotic", "hentai",
  "topless", "genitals", "gore", "gory", "beheading", "decapitated", "dismembered", "mutilated", "suicide", "self-harm",
  "swastika", "child abuse",
];

/** GenLab's default list alone: what applies unless a caller says otherwise (the CLI, tests). */
export const DEFAULT_PROMPT_POLICY: PromptPolicy = { defaultWords: true, serverWords: [] };

/**
 * The policy a request's prompts are checked under: the caller's, never anything the request
 * says; for a stored request the worker re-reads, the one its record names (its server's words
 * were checked before it was queued).
 */
export function promptPolicyOf(raw: Record<string, unknown>, ctx: ValidateContext = {}): PromptPolicy {
  // Records written before the policy object named the lifted list `ageRestricted`.
  if (ctx.queued) return { defaultWords: raw.defaultWordsLifted !== true && raw.ageRestricted !== true, serverWords: [] };
  return ctx.promptPolicy ?? DEFAULT_PROMPT_POLICY;
}

/** The first blocked word or phrase the text contains, or undefined. */
export function findBlockedWord(text: string, words: Iterable<string>): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();
  const lower = squash(text);
  for (const raw of words) {
    const w = squash(raw);
    if (!w) continue;
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escape(w)}($|[^\\p{L}\\p{N}])`, "u");
    if (pattern.test(lower)) return raw.trim();
  }
  return undefined;
}

/** Throws the one-sentence reply when the prompt is empty, too long or has a word the policy blocks. */
export function checkPrompt(prompt: string, policy: PromptPolicy = DEFAULT_PROMPT_POLICY): void {
  if (!prompt.trim()) throw new EngineInputError("The prompt is empty: describe the image you want, e.g. `a cyberpunk street at night`.");
  if (prompt.length > MAX_PROMPT_LENGTH) throw new EngineInputError(`The prompt is ${prompt.length} characters long; the limit is ${MAX_PROMPT_LENGTH}: shorten it.`);
  const blocked = findBlockedWord(prompt, [...(policy.defaultWords ? defaultBlockedWords : []), ...policy.serverWords]);
  if (blocked) throw new EngineInputError(`The prompt contains "${blocked}", which this server does not allow: rephrase it.`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
