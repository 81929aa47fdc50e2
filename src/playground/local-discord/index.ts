export { LocalDiscord, type LocalDiscordOptions } from "./local-discord.ts";
export type { AttachmentGuard } from "./http.ts";
export type { InteractionCallback, InteractionHandle, InteractOptions } from "./interactions.ts";
export { newLocalDiscordIds, type LocalDiscordIds } from "./store.ts";
export { snowflake, type ApiEmbed, type ApiComponent, type HandledRequest, type RecordedFile, type StoredMessage } from "./wire.ts";
