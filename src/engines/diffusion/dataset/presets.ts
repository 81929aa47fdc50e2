/**
 * The lab's prompt sets. "lab1" is the synthetic-data exercise's five scenes; "xray" its five
 * medical X-ray prompts, whose images are marked synthetic and not for diagnosis everywhere
 * they are described (metadata, PNG text).
 */
export interface PromptPreset {
  prompts: string[];
  /** Written beside every image of the set. */
  note?: string;
}

export const presets: Record<string, PromptPreset> = {
  lab1: {
    prompts: [
      "a photo of a modern city skyline at sunset",
      "a quiet village with small houses and green fields",
      "a friendly robot standing in a workshop",
      "a cyberpunk street at night with neon signs and rain",
      "an astronaut walking on the surface of Mars",
    ],
  },
  xray: {
    prompts: [
      "a frontal chest X-ray of a healthy adult",
      "a chest X-ray showing pneumonia in the lower right lung",
      "an X-ray of a fractured wrist",
      "a knee X-ray showing osteoarthritis",
      "a panoramic dental X-ray",
    ],
    note: "SYNTHETIC image made by a text-to-image model: not a real radiograph, not for diagnosis or clinical use.",
  },
};

export const presetNames = Object.keys(presets);

/** Prompts from a text file: one per line; blank lines and # comments skipped. */
export function parsePromptFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** A folder name for a prompt: lower-case ASCII words joined by "-", at most 60 characters. */
export function slug(prompt: string): string {
  const s = prompt
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s || "prompt";
}
