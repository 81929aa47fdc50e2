/** The tests' fake Discord is the playground's local Discord (src/playground/local-discord.ts). */
export { LocalDiscord as FakeDiscord, snowflake } from "../../src/playground/local-discord.ts";
export type { FakeAttachment, FakeMessage, InteractionHandle, InteractOptions, RecordedFile, RecordedRequest } from "../../src/playground/local-discord.ts";
