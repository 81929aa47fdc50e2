import type { PromptPolicy } from "../engines/types.ts";
import type { GuildSettings } from "./settings.ts";

/**
 * Which word lists a server's prompts are checked against in one channel, decided here once for
 * every request made there (/imagine, /dataset, the result buttons) and handed to the engine,
 * which never lifts a list on its own:
 * - the server's own blocked words, everywhere;
 * - GenLab's default list, except in a channel Discord marks age-restricted of a server whose
 *   nsfw setting is "age-restricted". A generation made there says so in its record.
 */
export function promptPolicyFor(settings: GuildSettings, channel: unknown): PromptPolicy {
  const lifted = settings.nsfw === "age-restricted" && isAgeRestricted(channel);
  return { defaultWords: !lifted, serverWords: settings.blockedWords ?? [] };
}

/** Discord marks a guild text or voice channel age-restricted with `nsfw`; DMs and threads have none here. */
function isAgeRestricted(channel: unknown): boolean {
  return typeof channel === "object" && channel !== null && "nsfw" in channel && (channel as { nsfw: unknown }).nsfw === true;
}
