import { EngineInputError } from "../errors.ts";

/**
 * What a class server lets through as a prompt. A short default list of words a school lab does
 * not want drawn; each server can add its own (Guild.settings.blockedWords, checked by the
 * command). Whole words only, case-insensitive, so "Essex" is not "sex". Negative prompts are
 * not checked: "nsfw" is exactly what people put there.
 */
export const MAX_PROMPT_LENGTH = 500;

export const defaultBlockedWords: readonly string[] = [
  "nsfw", "nude", "nudes", "naked", "nudity", "porn", "porno", "pornographic", "sex", "sexual", "sexy", "erotic", "hentai",
  "topless", "genitals", "gore", "gory", "beheading", "decapitated", "dismembered", "mutilated", "suicide", "self-harm",
  "swastika", "child abuse",
];

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

/**
 * Throws the one-sentence reply when the prompt is empty, too long or has a blocked word.
 * `defaults: false` leaves out the default list (a server's policy for age-restricted channels).
 */
export function checkPrompt(prompt: string, extraBlocked: Iterable<string> = [], opts: { defaults?: boolean } = {}): void {
  if (!prompt.trim()) throw new EngineInputError("The prompt is empty: describe the image you want, e.g. `a cyberpunk street at night`.");
  if (prompt.length > MAX_PROMPT_LENGTH) throw new EngineInputError(`The prompt is ${prompt.length} characters long; the limit is ${MAX_PROMPT_LENGTH}: shorten it.`);
  const blocked = findBlockedWord(prompt, [...(opts.defaults === false ? [] : defaultBlockedWords), ...extraBlocked]);
  if (blocked) throw new EngineInputError(`The prompt contains "${blocked}", which this server does not allow: rephrase it.`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
