/** The shapes the local Discord stores and sends, its errors, and Discord's constants it honours. */

export interface RecordedFile { name: string; contentType: string; data: Buffer }

export interface ApiUser {
  id: string; username: string; global_name: string | null; discriminator: string; avatar: null;
  bot: boolean; system: boolean; public_flags: number; flags: number;
}
export interface ApiMember {
  user: ApiUser | undefined; roles: string[]; nick: null; avatar: null; banner: null; joined_at: string;
  premium_since: null; deaf: boolean; mute: boolean; flags: number; pending: boolean; communication_disabled_until: null;
}
export interface ApiChannel {
  id: string; type: number; guild_id?: string; name?: string; position?: number; recipients?: ApiUser[];
  permission_overwrites?: unknown[]; parent_id?: null; nsfw?: boolean; topic?: null;
  last_message_id: string | null; rate_limit_per_user?: number; flags: number;
}
export interface ApiEmbed {
  title?: string; description?: string; url?: string; color?: number; image?: { url?: string }; thumbnail?: { url?: string };
  fields?: { name: string; value: string; inline?: boolean }[]; footer?: { text: string }; [key: string]: unknown;
}
export interface ApiComponent { type: number; custom_id?: string; label?: string; style?: number; components?: ApiComponent[]; [key: string]: unknown }
export interface ApiAttachment { id: string; filename: string; size: number; content_type: string; url: string }

/** A message create or edit body (JSON, or a multipart body's payload_json). */
export interface MessageBody {
  content?: string | null; embeds?: ApiEmbed[] | null; components?: ApiComponent[] | null; flags?: number | null;
  attachments?: { id: string | number }[]; nonce?: string | number | null; enforce_nonce?: boolean; [key: string]: unknown;
}
/** The data of an interaction callback (a message body, autocomplete choices or a modal). */
export interface CallbackData extends MessageBody { choices?: { name: string; value: string | number }[] }

export interface StoredMessage {
  id: string; channel_id: string; content: string; embeds: ApiEmbed[]; components: ApiComponent[];
  attachments: ApiAttachment[];
  /** the bytes behind `attachments`, same order */
  files: RecordedFile[];
  nonce?: string; interactionToken?: string; deleted: boolean; edits: number; author: ApiUser | undefined; timestamp: string; flags?: number;
  /** Discord's message type, the last edit's time, and the webhook id interaction messages carry */
  type?: number; editedTimestamp?: string | null; webhookId?: string;
}

export interface ApiCommand { id: string; name: string; type: number; [key: string]: unknown }

/** A raw Discord option object, e.g. { name: "n", type: 4, value: 4 }. */
export interface ApiOption { name: string; type: number; value?: string | number | boolean; focused?: boolean; options?: ApiOption[] }

export const DISCORD_EPOCH = 1420070400000;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MESSAGE_FLAG_EPHEMERAL = 1 << 6;
export const MESSAGE_FLAG_COMPONENTS_V2 = 1 << 15;
const perms = (...bits: number[]) => bits.reduce((acc, bit) => acc | (1n << BigInt(bit)), 0n).toString();
// VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_MESSAGE_HISTORY, ADD_REACTIONS, USE_APPLICATION_COMMANDS
export const EVERYONE_PERMISSIONS = perms(10, 11, 14, 15, 16, 6, 31);
// ...plus USE_EXTERNAL_EMOJIS, MANAGE_MESSAGES, SEND_MESSAGES_IN_THREADS for the bot's managed role
export const BOT_PERMISSIONS = perms(10, 11, 14, 15, 16, 6, 31, 18, 13, 38);

let lastSnowflake = 0n;
/** Increasing snowflakes built from the clock, like Discord's. */
export function snowflake(): string {
  const fromClock = BigInt(Date.now() - DISCORD_EPOCH) << 22n;
  lastSnowflake = fromClock > lastSnowflake ? fromClock : lastSnowflake + 1n;
  return lastSnowflake.toString();
}

export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Thrown by route handlers; becomes a Discord-shaped JSON error response. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: number, message: string, readonly extra: object = {}) {
    super(message);
  }
}
export const unknownMessage = () => new ApiError(404, 10008, "Unknown Message");
export const unknownChannel = () => new ApiError(404, 10003, "Unknown Channel");
export const formError = (field: string, code: string, message: string) =>
  new ApiError(400, 50035, "Invalid Form Body", { errors: { [field]: { _errors: [{ code, message }] } } });

/** What a route answers: a JSON body, raw bytes, or nothing. */
export interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const NO_CONTENT: Reply = { status: 204 };

/** A parsed REST request as a route sees it. */
export interface Ctx { method: string; path: string; params: Record<string, string>; query: URLSearchParams; body: MessageBody | null; files: RecordedFile[] }

/** A REST request once answered, as the local Discord reports it to whoever watches its traffic. */
export interface HandledRequest {
  method: string;
  /** decoded, without the /api/v10 prefix, e.g. "/webhooks/APP/TOKEN/messages/@original" */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** parsed JSON body, or the parsed payload_json of a multipart body; null when there is none */
  body: MessageBody | null;
  files: RecordedFile[];
  at: number;
  status: number;
}
