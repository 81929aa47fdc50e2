import { randomBytes } from "node:crypto";
import type { DiscordStore } from "./store.ts";
import {
  ApiError, BOT_PERMISSIONS, MAX_UPLOAD_BYTES, MESSAGE_FLAG_EPHEMERAL, NO_CONTENT, formError, json, snowflake, unknownMessage,
  type ApiChannel, type ApiComponent, type ApiOption, type ApiUser, type CallbackData, type Ctx, type RecordedFile, type Reply, type StoredMessage,
} from "./wire.ts";

export interface InteractOptions {
  /** 2 command (default), 3 component, 4 autocomplete, 5 modal submit */
  type?: 2 | 3 | 4 | 5;
  name?: string;
  /** raw Discord option objects, e.g. [{ name: "n", type: 4, value: 4 }] */
  options?: unknown[];
  customId?: string; componentType?: number; values?: string[]; messageId?: string;
  userId?: string; username?: string;
  /** member permissions bitfield string; default "0" (no permissions); "8" = administrator, "32" = manage guild */
  permissions?: string;
  roles?: string[];
  /** null → DM */
  guildId?: string | null;
  channelId?: string;
  /** raw `data.resolved` (users/members/roles/channels/attachments referenced by options) */
  resolved?: object;
  /** raw modal components for type 5 (e.g. [{ type: 18, component: { type: 4, custom_id, value } }]) */
  components?: object[];
  /**
   * Discord sends this interaction to an HTTP-interactions endpoint, not the gateway:
   * POST `handle.payload` there yourself and pass its answer to `handle.respond()`.
   */
  http?: boolean;
}

export interface InteractionCallback { type: number; data?: CallbackData; files: RecordedFile[] }

export interface InteractionHandle {
  id: string; token: string;
  /** resolves with the callback body when the bot answers POST /interactions/:id/:token/callback */
  callback(timeoutMs?: number): Promise<InteractionCallback>;
  /** the current "original response" message, if any */
  original(): StoredMessage | undefined;
  /** follow-up messages posted with this token */
  followUps(): StoredMessage[];
  /** the INTERACTION_CREATE data, which is also the body Discord POSTs to an HTTP-interactions endpoint */
  payload: Record<string, unknown>;
  /** the endpoint's HTTP answer, taken as this interaction's callback (for `http` interactions) */
  respond(body: { type: number; data?: CallbackData }, files?: RecordedFile[]): void;
}

export interface InteractionState {
  id: string; token: string; type: number; channelId: string; guildId: string | null; user: ApiUser;
  callback?: InteractionCallback;
  /** id of the original response: reserved on defer, the component's message for type 6/7 */
  originalId?: string;
  followUpIds: string[];
  componentMessageId?: string;
  expired: boolean;
  /** delivered to an HTTP-interactions endpoint: its webhook routes wait for the endpoint's answer */
  http?: boolean;
  /** when it was sent: like Discord, a first response later than 3 s is refused */
  sentAt: number;
}

type WaitUntil = <T>(probe: () => T | undefined, timeoutMs: number, what: string) => Promise<T>;

const INTERACTION_ACK_MS = 3000;
const LOADING_FLAG = 1 << 7;

/**
 * Interactions: building what INTERACTION_CREATE carries, and answering the callback and
 * webhook routes the bot uses to respond (defer, edit, follow up, delete), quirks included.
 */
export class Interactions {
  /** Interactions whose first response came after Discord's 3 s (refused with 10062). */
  lateCallbacks = 0;
  private readonly byId = new Map<string, InteractionState>();
  private readonly byToken = new Map<string, InteractionState>();

  constructor(
    private readonly store: DiscordStore,
    private readonly deliver: (guildId: string | null, payload: Record<string, unknown>) => number,
    private readonly waitUntil: WaitUntil,
    private readonly notify: () => void,
  ) {}

  withToken(token: string): InteractionState | undefined {
    return this.byToken.get(token);
  }

  create(opts: InteractOptions): InteractionHandle {
    const { ids } = this.store;
    const type = opts.type ?? 2;
    const guildId = opts.guildId === undefined ? ids.guildId : opts.guildId;
    const user = this.store.addUser(opts.userId ?? ids.defaultUserId, opts.username ?? "tester");
    const channel = guildId === null ? this.store.dmChannel(user) : this.store.channelFor(opts.channelId ?? ids.channelId, guildId);
    const state: InteractionState = {
      id: snowflake(), token: `aW50ZXJhY3Rpb246${randomBytes(96).toString("base64url")}`,
      type, channelId: channel.id, guildId, user, followUpIds: [], expired: false, http: opts.http, sentAt: Date.now(),
    };
    if (type === 3) state.componentMessageId = this.componentMessage(channel.id, opts).id;
    this.byId.set(state.id, state);
    this.byToken.set(state.token, state);
    const payload = this.payload(state, channel, opts);
    const delivered = opts.http ? 1 : this.deliver(guildId, payload);
    const what = `a callback to interaction ${state.id}${delivered ? "" : " (no gateway session received it: is the client logged in?)"}`;
    return {
      id: state.id,
      token: state.token,
      callback: (timeoutMs = 60_000) => this.waitUntil(() => state.callback, timeoutMs, what),
      original: () => (state.originalId ? this.store.messages.get(state.originalId) : undefined),
      followUps: () => state.followUpIds.map((id) => this.store.messages.get(id)!),
      payload,
      respond: (body, files = []) => {
        const path = `/interactions/${state.id}/${state.token}/callback`;
        this.onCallback({ method: "POST", path, params: { id: state.id, token: state.token }, query: new URLSearchParams(), body, files });
        this.notify();
      },
    };
  }

  /** Discord applies an endpoint's HTTP answer before anything else can use the interaction's token. */
  async untilHttpAnswered(token: string | undefined): Promise<void> {
    const state = token ? this.byToken.get(token) : undefined;
    if (state?.http) await this.waitUntil(() => state.callback, 5000, "the HTTP answer").catch(() => undefined);
  }

  private payload(state: InteractionState, channel: ApiChannel, opts: InteractOptions): Record<string, unknown> {
    const inGuild = state.guildId !== null;
    const payload: Record<string, unknown> = {
      id: state.id, application_id: this.store.ids.applicationId, type: state.type, token: state.token, version: 1,
      data: this.data(state, opts), channel: { ...channel, ...(inGuild ? { permissions: BOT_PERMISSIONS } : {}) },
      channel_id: channel.id, app_permissions: BOT_PERMISSIONS, locale: "en-US", entitlements: [],
      authorizing_integration_owners: { "0": inGuild ? state.guildId : "0" }, context: inGuild ? 0 : 1,
      attachment_size_limit: MAX_UPLOAD_BYTES,
    };
    if (inGuild) {
      payload.guild_id = state.guildId;
      payload.guild = { id: state.guildId, locale: "en-US", features: [] };
      payload.guild_locale = "en-US";
      payload.member = { ...this.store.addMember(state.user.id, opts.roles ?? []), permissions: opts.permissions ?? "0" };
    } else {
      payload.user = state.user;
    }
    if (state.componentMessageId) payload.message = this.store.toApiMessage(this.store.messages.get(state.componentMessageId)!);
    return payload;
  }

  private data(state: InteractionState, opts: InteractOptions): Record<string, unknown> {
    if (state.type === 3) {
      return { custom_id: opts.customId ?? "button", component_type: opts.componentType ?? 2, ...(opts.values ? { values: opts.values } : {}) };
    }
    if (state.type === 5) return { custom_id: opts.customId ?? "modal", components: opts.components ?? [], ...(opts.resolved ? { resolved: opts.resolved } : {}) };
    const name = opts.name ?? "ping";
    // Options go out as given: the bot under test must cope with whatever Discord could send.
    const given = opts.options as ApiOption[] | undefined;
    const options = state.type === 4 ? markFocused(given ?? []) : given;
    return {
      id: this.store.commandIdFor(name, state.guildId), name, type: 1,
      ...(options ? { options } : {}), ...(opts.resolved ? { resolved: opts.resolved } : {}),
    };
  }

  /** Component interactions come from a message; use the named one or post a bot message with a button. */
  private componentMessage(channelId: string, opts: InteractOptions): StoredMessage {
    const existing = opts.messageId ? this.store.messages.get(opts.messageId) : undefined;
    if (existing) return existing;
    const button: ApiComponent = { type: 2, style: 1, label: "Button", custom_id: opts.customId ?? "button" };
    return this.store.storeMessage(this.store.newMessage(channelId, { content: "component message", components: [{ type: 1, components: [button] }] }, [], opts.messageId));
  }

  private fromWebhook(ctx: Ctx): InteractionState {
    if (ctx.params.appId !== this.store.ids.applicationId) throw new ApiError(404, 10015, "Unknown Webhook");
    const state = this.byToken.get(ctx.params.token!);
    if (!state || state.expired) throw new ApiError(401, 50027, "Invalid Webhook Token");
    return state;
  }

  onCallback(ctx: Ctx): Reply {
    const state = this.byId.get(ctx.params.id!);
    if (!state || state.token !== ctx.params.token || state.expired) throw new ApiError(404, 10062, "Unknown interaction");
    if (state.callback) throw new ApiError(400, 40060, "Interaction has already been acknowledged.");
    // Discord drops an interaction that is not acknowledged within 3 seconds.
    if (Date.now() - state.sentAt > INTERACTION_ACK_MS) { state.expired = true; this.lateCallbacks++; throw new ApiError(404, 10062, "Unknown interaction"); }
    const type = Number(ctx.body?.type);
    const data = ctx.body?.data as CallbackData | undefined;
    if (![1, 4, 5, 6, 7, 8, 9, 10, 12].includes(type)) throw formError("type", "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.");
    let message: StoredMessage | undefined;
    if (type === 4) {
      message = this.store.storeMessage(this.store.newMessage(state.channelId, data ?? {}, ctx.files, undefined, state));
      state.originalId = message.id;
    } else if (type === 5) {
      state.originalId = snowflake(); // the message itself appears with the first edit (or follow-up)
    } else if (type === 6 || type === 7) {
      if (!state.componentMessageId) throw formError("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type is invalid for this interaction.");
      message = this.store.messages.get(state.componentMessageId)!;
      if (type === 7) this.store.editMessage(message, data ?? {}, ctx.files);
      state.originalId = message.id;
    }
    state.callback = { type, data, files: ctx.files };
    if (ctx.query.get("with_response") !== "true") return NO_CONTENT;
    const interaction = {
      id: state.id, type: state.type, response_message_id: state.originalId,
      response_message_loading: type === 5, response_message_ephemeral: Boolean((data?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL),
    };
    const shown = message ?? (type === 5 ? this.loadingMessage(state) : undefined);
    return json({ interaction, resource: { type, ...(shown ? { message: this.store.toApiMessage(shown) } : {}) } });
  }

  /** Resolves "@original" or a follow-up id to a live message of this interaction. */
  private webhookMessage(state: InteractionState, messageId: string): StoredMessage {
    const id = messageId === "@original" ? state.originalId : messageId;
    const owned = id !== undefined && (id === state.originalId || state.followUpIds.includes(id));
    const message = owned ? this.store.messages.get(id) : undefined;
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }

  /** Deferred (type 5) and nothing has replaced the "thinking…" placeholder yet. */
  private isPendingDefer(state: InteractionState, messageId = "@original"): boolean {
    return messageId === "@original" && state.callback?.type === 5 && !this.store.messages.has(state.originalId!);
  }

  /** Ephemerality is decided by the defer; whatever replaces the placeholder keeps it. */
  private deferFlags(state: InteractionState): number {
    return (state.callback?.data?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL;
  }

  /** The "thinking…" placeholder (flag LOADING) Discord shows for a deferred reply; not stored. */
  private loadingMessage(state: InteractionState): StoredMessage {
    const message = this.store.blankMessage(state.channelId, state.originalId, state);
    message.flags = this.deferFlags(state) | LOADING_FLAG;
    return message;
  }

  onWebhookGet(ctx: Ctx): Reply {
    const state = this.fromWebhook(ctx);
    if (this.isPendingDefer(state, ctx.params.messageId)) return json(this.store.toApiMessage(this.loadingMessage(state)));
    return json(this.store.toApiMessage(this.webhookMessage(state, ctx.params.messageId!)));
  }

  onWebhookEdit(ctx: Ctx): Reply {
    const state = this.fromWebhook(ctx);
    if (this.isPendingDefer(state, ctx.params.messageId)) {
      // The first edit of a deferred reply turns the placeholder into the message.
      const body = { ...ctx.body, flags: this.deferFlags(state) | (ctx.body?.flags ?? 0) };
      const message = this.store.newMessage(state.channelId, body, ctx.files, state.originalId, state);
      message.edits = 1;
      message.editedTimestamp = message.timestamp;
      return json(this.store.toApiMessage(this.store.storeMessage(message)));
    }
    const message = this.webhookMessage(state, ctx.params.messageId!);
    this.store.editMessage(message, ctx.body ?? {}, ctx.files);
    return json(this.store.toApiMessage(message));
  }

  onWebhookDelete(ctx: Ctx): Reply {
    const state = this.fromWebhook(ctx);
    if (this.isPendingDefer(state, ctx.params.messageId)) {
      this.store.storeMessage({ ...this.loadingMessage(state), deleted: true });
      return NO_CONTENT;
    }
    this.webhookMessage(state, ctx.params.messageId!).deleted = true;
    return NO_CONTENT;
  }

  onFollowUp(ctx: Ctx): Reply {
    const state = this.fromWebhook(ctx);
    if (!state.callback) throw new ApiError(404, 10015, "Unknown Webhook");
    if (this.isPendingDefer(state)) {
      // Discord quirk: the first follow-up after a defer replaces the "thinking…" message (keeping its ephemerality).
      const body = { ...ctx.body, flags: this.deferFlags(state) | (ctx.body?.flags ?? 0) };
      return json(this.store.toApiMessage(this.store.storeMessage(this.store.newMessage(state.channelId, body, ctx.files, state.originalId, state))));
    }
    const message = this.store.storeMessage(this.store.newMessage(state.channelId, ctx.body ?? {}, ctx.files, undefined, state));
    state.followUpIds.push(message.id);
    return json(this.store.toApiMessage(message));
  }
}

/** Autocomplete always has exactly one focused option; mark the last one when the test did not. */
function markFocused(options: ApiOption[]): ApiOption[] {
  if (options.some((o) => o.focused) || options.length === 0) return options;
  return options.map((o, i) => (i === options.length - 1 && o.type >= 3 ? { ...o, focused: true } : o));
}
