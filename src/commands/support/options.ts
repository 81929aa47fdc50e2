import type { SlashCommandIntegerOption, SlashCommandNumberOption } from "discord.js";

/** The largest seed a Discord integer option carries (a drawn seed stays below it, so it can be typed back). */
export const MAX_OPTION_SEED = 2 ** 31 - 1;

/** `seed`: a whole number 0 … 2^31 − 1; what it fixes is the command's own words. */
export function seedOption(description = "Seed, to draw the same images again") {
  return (o: SlashCommandIntegerOption) => o.setName("seed").setDescription(description).setMinValue(0).setMaxValue(MAX_OPTION_SEED);
}

/** `n`: how many of something, with its range and default in the description Discord shows. */
export function countOption(max: number, fallback: number, what = "images", min = 1) {
  return (o: SlashCommandIntegerOption) => o.setName("n").setDescription(`How many ${what}, ${min}–${max} (default ${fallback})`).setMinValue(min).setMaxValue(max);
}

/** `truncation`: BigGAN's noise truncation, 0.02 … 1. */
export function truncationOption(fallback: number, description = "lower is more typical, higher more varied") {
  return (o: SlashCommandNumberOption) => o.setName("truncation").setDescription(`0–1: ${description} (default ${fallback})`).setMinValue(0.02).setMaxValue(1);
}
