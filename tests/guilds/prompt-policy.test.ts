import { describe, expect, it } from "vitest";
import { DatasetEngine, DiffusionEngine } from "../../src/engines/diffusion/index.ts";
import { EngineInputError } from "../../src/engines/errors.ts";
import { promptPolicyFor } from "../../src/guilds/prompt-policy.ts";
import type { GuildSettings } from "../../src/guilds/settings.ts";
import { tempDir } from "../support/config.ts";

/**
 * One prompt policy: which word lists a channel's prompts are held to, decided from the server's
 * settings and the channel, and the diffusion engines holding a request to exactly that.
 */
const ordinary = { id: "1", nsfw: false };
const ageRestricted = { id: "2", nsfw: true };
const SERVER_WORD = '"red car", which this server does not allow';
const DEFAULT_WORD = '"nude", which this server does not allow';

// No network: validate() only reads the provider's defaults; nothing is drawn.
const diffusion = () => new DiffusionEngine({ hfToken: "hf_unused", hfEndpointUrl: "http://127.0.0.1:9/generate" });
const refusal = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineInputError);
    return (e as Error).message;
  }
};

describe("promptPolicyFor: the server's settings and the channel decide the word lists", () => {
  it.each<[string, GuildSettings, unknown, { defaultWords: boolean; serverWords: string[] }]>([
    ["no settings: GenLab's default list alone", {}, ordinary, { defaultWords: true, serverWords: [] }],
    ["the server's own words add to the default list", { blockedWords: ["red car"] }, ordinary, { defaultWords: true, serverWords: ["red car"] }],
    ["an age-restricted channel where the server has not allowed it keeps the default list", { blockedWords: ["red car"] }, ageRestricted, { defaultWords: true, serverWords: ["red car"] }],
    ["an age-restricted channel where the server blocks everywhere keeps the default list", { nsfw: "block" }, ageRestricted, { defaultWords: true, serverWords: [] }],
    ["an age-restricted channel where the server allows it lifts the default list, not the server's words", { nsfw: "age-restricted", blockedWords: ["red car"] }, ageRestricted, { defaultWords: false, serverWords: ["red car"] }],
    ["an ordinary channel of that server keeps the default list", { nsfw: "age-restricted" }, ordinary, { defaultWords: true, serverWords: [] }],
    ["a DM (no channel object) keeps the default list", { nsfw: "age-restricted" }, null, { defaultWords: true, serverWords: [] }],
    ["a channel claiming nsfw as a string is not age-restricted", { nsfw: "age-restricted" }, { nsfw: "true" }, { defaultWords: true, serverWords: [] }],
  ])("%s", (_name, settings, channel, expected) => {
    expect(promptPolicyFor(settings, channel)).toEqual(expected);
  });
});

describe("the diffusion engine holds a prompt to the policy it is given", () => {
  const lifted = promptPolicyFor({ nsfw: "age-restricted", blockedWords: ["red car"] }, ageRestricted);
  const kept = promptPolicyFor({ blockedWords: ["red car"] }, ageRestricted);

  it("refuses the default list unless told otherwise, and the server's words always", () => {
    const e = diffusion();
    expect(refusal(() => e.validate({ prompt: "a nude statue" }))).toContain(DEFAULT_WORD);
    expect(refusal(() => e.validate({ prompt: "a nude statue" }, { promptPolicy: kept }))).toContain(DEFAULT_WORD);
    expect(refusal(() => e.validate({ prompt: "a red car" }, { promptPolicy: kept }))).toBe(`The prompt contains ${SERVER_WORD}: rephrase it.`);
    expect(refusal(() => e.validate({ prompt: "A Red  Car at night" }, { promptPolicy: lifted }))).toBe(`The prompt contains ${SERVER_WORD}: rephrase it.`);
    expect(e.validate({ prompt: "a red car" })).not.toHaveProperty("defaultWordsLifted");
  });

  it("a request made under the lifted list says so in its parameters, and the worker re-reads it under the same lists", () => {
    const e = diffusion();
    const p = e.validate({ prompt: "a nude statue", seed: 3 }, { promptPolicy: lifted });
    expect(p).toMatchObject({ prompt: "a nude statue", seed: 3, defaultWordsLifted: true });
    expect(e.validate(p, { queued: true })).toEqual(p);
    // Without that record the stored request is held to the default list again.
    const { defaultWordsLifted: _lifted, ...plain } = p;
    expect(refusal(() => e.validate(plain, { queued: true }))).toContain(DEFAULT_WORD);
  });

  it("a request queued before the upgrade (its record says ageRestricted) is still drawn, under the lifted list", () => {
    const e = diffusion();
    const stored = { ...e.validate({ prompt: "a nude statue", seed: 3 }, { promptPolicy: lifted }), defaultWordsLifted: undefined, ageRestricted: true };
    expect(e.validate(stored, { queued: true })).toMatchObject({ prompt: "a nude statue", seed: 3, defaultWordsLifted: true });
  });

  it("a request cannot lift the list itself: only the caller's policy does", () => {
    const e = diffusion();
    for (const smuggled of [{ defaultWordsLifted: true }, { ageRestricted: true }]) {
      expect(refusal(() => e.validate({ prompt: "a nude statue", ...smuggled }))).toContain(DEFAULT_WORD);
      expect(refusal(() => e.validate({ prompt: "a nude statue", ...smuggled }, { promptPolicy: kept }))).toContain(DEFAULT_WORD);
    }
    // A reroll of a lifted request in a channel where the list applies now is refused.
    const p = e.validate({ prompt: "a nude statue" }, { promptPolicy: lifted });
    expect(refusal(() => e.validate({ ...p, seed: undefined }, { promptPolicy: kept }))).toContain(DEFAULT_WORD);
  });

  it("/dataset holds every prompt, preset ones included, to the same policy and records it", () => {
    const d = new DatasetEngine(diffusion(), tempDir("genlab-policy-"));
    expect(refusal(() => d.validate({ prompts: "a city; a nude statue" }))).toContain(DEFAULT_WORD);
    expect(refusal(() => d.validate({ prompts: "a city; a red car" }, { promptPolicy: lifted }))).toBe(`The prompt contains ${SERVER_WORD}: rephrase it.`);
    expect(refusal(() => d.validate({ preset: "lab1" }, { promptPolicy: promptPolicyFor({ blockedWords: ["robot"] }, ordinary) }))).toBe('The prompt contains "robot", which this server does not allow: rephrase it.');
    const p = d.validate({ prompts: "a city; a nude statue", seed: 4 }, { promptPolicy: lifted });
    expect(p).toMatchObject({ prompts: ["a city", "a nude statue"], defaultWordsLifted: true });
    expect(d.validate(p, { queued: true })).toEqual(p);
    expect(d.validate({ prompts: "a city" }, { promptPolicy: lifted })).toMatchObject({ defaultWordsLifted: true });
    expect(d.validate({ prompts: "a city" }, { promptPolicy: kept })).not.toHaveProperty("defaultWordsLifted");
  });
});
