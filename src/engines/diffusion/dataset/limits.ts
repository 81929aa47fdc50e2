/**
 * Discord-sized datasets (bigger ones are for `genlab dataset` on the GPU host), in a module
 * that imports nothing: the slash-command definitions show them without loading the engine.
 */
export const MAX_DISCORD_PROMPTS = 10;
export const MAX_PER_PROMPT = 8;
export const MAX_DISCORD_IMAGES = 40;
