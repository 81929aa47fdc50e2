/**
 * A local Discord (REST API + gateway, one guild, loopback only) that the real discord.js
 * Client logs in to. The playground runs GenLab's unchanged bot against it, so the web page
 * goes through the very same commands, job queue, workers and provenance as Discord; the
 * tests use it as their fake Discord (with its fault knobs: 429s, expired tokens, dropped
 * gateway connections, deleted channels).
 *
 * Start it, pass `apiUrl` as `rest.api` and log in with `token`; the client fetches
 * `/gateway/bot`, connects to the websocket, gets READY + GUILD_CREATE and becomes ready.
 * Interactions are injected with `interact()`; what the bot sent is in `requests` (unless
 * recording is off), `messages` and the interaction handles, and `watch()` reports changes.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface RecordedFile { name: string; contentType: string; data: Buffer }
export interface RecordedRequest {
  method: string;
  /** decoded, without the /api/v10 prefix, e.g. '/webhooks/APP/TOKEN/messages/@original' */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** parsed JSON body, or the parsed payload_json of a multipart body; null when there is none */
  body: any;
  files: RecordedFile[];
  at: number;
  /** HTTP status the fake answered with (addition) */
  status: number;
}
export interface FakeAttachment { id: string; filename: string; size: number; content_type: string; url: string }
export interface FakeMessage {
  id: string; channel_id: string; content: string; embeds: any[]; components: any[];
  attachments: FakeAttachment[];
  /** the bytes behind `attachments`, same order */
  files: RecordedFile[];
  nonce?: string; interactionToken?: string; deleted: boolean; edits: number; author: any; timestamp: string; flags?: number;
  /** additions: Discord message type, last edit time, webhook id (set for interaction messages) */
  type?: number; editedTimestamp?: string | null; webhookId?: string;
}
export interface InteractOptions {
  /** 2 command (default), 3 component, 4 autocomplete, 5 modal submit */
  type?: 2 | 3 | 4 | 5;
  name?: string;
  /** raw Discord option objects, e.g. [{ name: 'n', type: 4, value: 4 }] */
  options?: any[];
  customId?: string; componentType?: number; values?: string[]; messageId?: string;
  userId?: string; username?: string;
  /** member permissions bitfield string; default '0' (no permissions); '8' = administrator, '32' = manage guild */
  permissions?: string;
  roles?: string[];
  /** null → DM */
  guildId?: string | null;
  channelId?: string;
  /** addition: raw `data.resolved` (users/members/roles/channels/attachments referenced by options) */
  resolved?: any;
  /** addition: raw modal components for type 5 (e.g. [{ type: 18, component: { type: 4, custom_id, value } }]) */
  components?: any[];
  /**
   * addition: Discord sends this interaction to an HTTP-interactions endpoint, not the gateway:
   * POST `handle.payload` there yourself and pass its answer to `handle.respond()`.
   */
  http?: boolean;
}
export interface InteractionHandle {
  id: string; token: string;
  /** resolves with the callback body when the bot answers POST /interactions/:id/:token/callback */
  callback(timeoutMs?: number): Promise<{ type: number; data?: any; files: RecordedFile[] }>;
  /** the current 'original response' message, if any */
  original(): FakeMessage | undefined;
  /** follow-up messages posted with this token */
  followUps(): FakeMessage[];
  /** addition: the INTERACTION_CREATE data, which is also the body Discord POSTs to an HTTP-interactions endpoint */
  payload: any;
  /** addition: the endpoint's HTTP answer, taken as this interaction's callback (for `http` interactions) */
  respond(body: any, files?: RecordedFile[]): void;
}

const DISCORD_EPOCH = 1420070400000;
const API_PREFIX = /^\/api\/v\d+(?=\/|$)/;
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const NONCE_WINDOW_MS = 10 * 60 * 1000;
const INTERACTION_ACK_MS = 3000;
const MESSAGE_FLAG_EPHEMERAL = 1 << 6;
const MESSAGE_FLAG_COMPONENTS_V2 = 1 << 15;
const perms = (...bits: number[]) => bits.reduce((acc, bit) => acc | (1n << BigInt(bit)), 0n).toString();
// VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_MESSAGE_HISTORY, ADD_REACTIONS, USE_APPLICATION_COMMANDS
const EVERYONE_PERMISSIONS = perms(10, 11, 14, 15, 16, 6, 31);
// ...plus USE_EXTERNAL_EMOJIS, MANAGE_MESSAGES, SEND_MESSAGES_IN_THREADS for the bot's managed role
const BOT_PERMISSIONS = perms(10, 11, 14, 15, 16, 6, 31, 18, 13, 38);

let lastSnowflake = 0n;
/** Increasing snowflakes built from the clock, like Discord's. */
export function snowflake(): string {
  const fromClock = BigInt(Date.now() - DISCORD_EPOCH) << 22n;
  lastSnowflake = fromClock > lastSnowflake ? fromClock : lastSnowflake + 1n;
  return lastSnowflake.toString();
}

/** Thrown by route handlers; becomes a Discord-shaped JSON error response. */
class ApiError extends Error {
  constructor(readonly status: number, readonly code: number, message: string, readonly extra: object = {}) {
    super(message);
  }
}
const unknownMessage = () => new ApiError(404, 10008, 'Unknown Message');
const unknownChannel = () => new ApiError(404, 10003, 'Unknown Channel');
const formError = (field: string, code: string, message: string) =>
  new ApiError(400, 50035, 'Invalid Form Body', { errors: { [field]: { _errors: [{ code, message }] } } });

interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
const json = (body: unknown, status = 200): Reply => ({ status, body });
const NO_CONTENT: Reply = { status: 204 };

interface Ctx { method: string; path: string; params: Record<string, string>; query: URLSearchParams; body: any; files: RecordedFile[] }
interface Route { method: string; re: RegExp; keys: string[]; auth: boolean; handler: (ctx: Ctx) => Reply | Promise<Reply> }

interface InteractionState {
  id: string; token: string; type: number; channelId: string; guildId: string | null; user: any;
  callback?: { type: number; data?: any; files: RecordedFile[] };
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

interface GatewaySession {
  id: string; shard: [number, number]; intents: number; seq: number;
  /** every dispatch, kept for replay on RESUME */
  log: { op: 0; t: string; s: number; d: unknown }[];
  socket: WebSocket | null;
}

/** Why a download is refused (status, one sentence, headers), or undefined to serve it. */
export type AttachmentGuard = (req: IncomingMessage) => { status: number; sentence: string; headers?: Record<string, string> } | undefined;

interface RateLimitRule { match: (r: { method: string; path: string }) => boolean; retryAfter: number; left: number }

/** The ids that make a local Discord the same server across restarts (the playground keeps them). */
export interface LocalDiscordIds { applicationId: string; guildId: string; channelId: string; secondChannelId: string; ownerId: string; defaultUserId: string; botRoleId: string }

export function newLocalDiscordIds(): LocalDiscordIds {
  return { applicationId: snowflake(), guildId: snowflake(), channelId: snowflake(), secondChannelId: snowflake(), ownerId: snowflake(), defaultUserId: snowflake(), botRoleId: snowflake() };
}

export class LocalDiscord {
  readonly applicationId: string;
  readonly botUserId: string; // a bot user shares its application's id
  readonly guildId: string;
  readonly channelId: string;
  readonly secondChannelId: string;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly commands: { global: any[]; guild: Map<string, any[]> } = { global: [], guild: new Map() };

  private readonly ownerId: string;
  private readonly defaultUserId: string;
  private readonly botRoleId: string;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private port = 0;
  private recommendedShards = 1;
  private readonly routes: Route[] = [];
  private readonly users = new Map<string, any>();
  private readonly members = new Map<string, any>();
  private readonly channels = new Map<string, any>();
  private readonly deletedChannels = new Set<string>();
  private readonly interactions = new Map<string, InteractionState>();
  private readonly interactionsByToken = new Map<string, InteractionState>();
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly sockets = new Set<WebSocket>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private readonly commandIds = new Map<string, string>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly failures: { match: (r: { method: string; path: string }) => boolean; status: number; left: number }[] = [];
  private readonly listeners = new Set<() => void>();

  private recordRequests = true;
  /** When set, who may download attachments (the playground's password); undefined lets anyone. */
  private attachmentGuard?: AttachmentGuard;
  /** Interactions whose first response came after Discord's 3 s (refused with 10062). */
  lateCallbacks = 0;

  private constructor(private readonly botName: string, ids: LocalDiscordIds) {
    ({ applicationId: this.applicationId, guildId: this.guildId, channelId: this.channelId, secondChannelId: this.secondChannelId, ownerId: this.ownerId, defaultUserId: this.defaultUserId, botRoleId: this.botRoleId } = ids);
    this.botUserId = this.applicationId;
    this.token = [Buffer.from(this.botUserId).toString('base64url'), randomBytes(4).toString('base64url'), randomBytes(28).toString('base64url')].join('.');
    this.addUser(this.botUserId, botName, true);
    this.addUser(this.ownerId, 'guild-owner');
    this.addUser(this.defaultUserId, 'tester');
    this.addMember(this.botUserId, [this.botRoleId]);
    this.addMember(this.ownerId, []);
    this.addChannel(this.channelId, 'general', 0);
    this.addChannel(this.secondChannelId, 'second', 1);
    this.defineRoutes();
    this.server = createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket, req) => this.onSocket(socket, req));
  }

  /** `shards` (addition) is the shard count /gateway/bot recommends; `attachmentGuard` (addition) checks attachment downloads. */
  static async start(opts: { port?: number; shards?: number; botName?: string; recordRequests?: boolean; attachmentGuard?: AttachmentGuard; ids?: LocalDiscordIds } = {}): Promise<LocalDiscord> {
    const fake = new LocalDiscord(opts.botName ?? 'genlab-test-bot', opts.ids ?? newLocalDiscordIds());
    fake.recommendedShards = opts.shards ?? 1;
    fake.recordRequests = opts.recordRequests ?? true;
    fake.attachmentGuard = opts.attachmentGuard;
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** 'http://127.0.0.1:PORT' (addition) — attachment URLs live here. */
  get baseUrl(): string { return `http://127.0.0.1:${this.port}`; }
  /** Pass as `rest.api` to the discord.js Client. */
  get apiUrl(): string { return `${this.baseUrl}/api`; }
  private get gatewayUrl(): string { return `ws://127.0.0.1:${this.port}`; }

  // ---------------------------------------------------------------- test controls

  interact(opts: InteractOptions = {}): InteractionHandle {
    const type = opts.type ?? 2;
    const guildId = opts.guildId === undefined ? this.guildId : opts.guildId;
    const user = this.addUser(opts.userId ?? this.defaultUserId, opts.username ?? 'tester');
    const channel = guildId === null ? this.dmChannel(user) : this.channelFor(opts.channelId ?? this.channelId, guildId);
    const state: InteractionState = {
      id: snowflake(), token: `aW50ZXJhY3Rpb246${randomBytes(96).toString('base64url')}`,
      type, channelId: channel.id, guildId, user, followUpIds: [], expired: false, http: opts.http, sentAt: Date.now(),
    };
    if (type === 3) state.componentMessageId = this.componentMessage(channel.id, opts).id;
    this.interactions.set(state.id, state);
    this.interactionsByToken.set(state.token, state);
    const payload = this.interactionPayload(state, channel, opts);
    const delivered = opts.http ? 1 : this.sendToShardOf(guildId, 'INTERACTION_CREATE', payload);
    const what = `a callback to interaction ${state.id}${delivered ? '' : ' (no gateway session received it: is the client logged in?)'}`;
    return {
      id: state.id,
      token: state.token,
      callback: (timeoutMs = 60_000) => this.waitUntil(() => state.callback, timeoutMs, what),
      original: () => (state.originalId ? this.messages.get(state.originalId) : undefined),
      followUps: () => state.followUpIds.map((id) => this.messages.get(id)!),
      payload,
      respond: (body, files = []) => {
        const path = `/interactions/${state.id}/${state.token}/callback`;
        this.onCallback({ method: 'POST', path, params: { id: state.id, token: state.token }, query: new URLSearchParams(), body, files });
        this.notify();
      },
    };
  }

  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 60_000): Promise<RecordedRequest> {
    return this.waitUntil(() => this.requests.find(pred), timeoutMs, 'a matching request');
  }

  waitForMessage(pred: (m: FakeMessage) => boolean, timeoutMs = 60_000): Promise<FakeMessage> {
    return this.waitUntil(() => [...this.messages.values()].find(pred), timeoutMs, 'a matching message');
  }

  channelMessages(channelId: string): FakeMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel_id === channelId && !m.deleted)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  expireToken(token: string): void {
    const state = this.interactionsByToken.get(token);
    if (!state) throw new Error(`LocalDiscord.expireToken: unknown interaction token`);
    state.expired = true;
  }

  /** The next `count` matching requests fail with a server error (Discord's 500s and 502s happen). */
  failNext(match: RegExp, count = 1, status = 500): void {
    this.failures.push({ match: (r) => match.test(r.path), status, left: count });
  }

  rateLimitNext(match: RegExp | ((r: { method: string; path: string }) => boolean), retryAfterSeconds: number, count = 1): void {
    const test = match instanceof RegExp ? (r: { path: string }) => match.test(r.path) : match;
    this.rateLimits.push({ match: test, retryAfter: retryAfterSeconds, left: count });
  }

  deleteChannel(channelId: string): void {
    this.deletedChannels.add(channelId);
  }

  connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN).length;
  }

  /** Close every gateway socket with 4000 (unknown error); discord.js reconnects and resumes. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.close(4000, 'LocalDiscord: connection dropped');
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Calls `listener` after every change (a request handled, an interaction injected); returns an unsubscribe. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a channel (or DM) id belongs to this local Discord. */
  ownsChannel(channelId: string): boolean {
    return this.channels.has(channelId);
  }

  /** A stored message as Discord's API would return it. */
  apiMessage(m: FakeMessage): any {
    return this.toApiMessage(m);
  }

  // ---------------------------------------------------------------- waiting

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves with the first defined value `probe` returns, checked now and after every change. */
  private waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = () => { clearTimeout(timer); this.listeners.delete(check); };
      const check = () => {
        try {
          const value = probe();
          if (value !== undefined) { finish(); resolve(value); }
        } catch (err) { finish(); reject(err); }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`LocalDiscord: timed out after ${timeoutMs}ms waiting for ${what}.\n${this.describeRequests()}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  private describeRequests(): string {
    if (this.requests.length === 0) return 'No requests were recorded.';
    const lines = this.requests.map((r) => `  ${r.status} ${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`);
    return `Recorded requests:\n${lines.join('\n')}`;
  }

  // ---------------------------------------------------------------- world objects

  private addUser(id: string, username: string, bot = false): any {
    const existing = this.users.get(id);
    if (existing) return existing;
    const user = { id, username, global_name: bot ? null : username, discriminator: bot ? '0001' : '0', avatar: null, bot, system: false, public_flags: 0, flags: 0 };
    this.users.set(id, user);
    return user;
  }

  private addMember(userId: string, roles: string[]): any {
    const member = this.members.get(userId) ?? {
      user: this.users.get(userId), roles, nick: null, avatar: null, banner: null, joined_at: new Date().toISOString(),
      premium_since: null, deaf: false, mute: false, flags: 0, pending: false, communication_disabled_until: null,
    };
    member.roles = roles;
    this.members.set(userId, member);
    return member;
  }

  private addChannel(id: string, name: string, position: number): void {
    this.channels.set(id, {
      id, type: 0, guild_id: this.guildId, name, position, permission_overwrites: [], parent_id: null, nsfw: false,
      topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0,
    });
  }

  private dmChannel(user: any): any {
    const existing = [...this.channels.values()].find((c) => c.type === 1 && c.recipients[0].id === user.id);
    if (existing) return existing;
    const channel = { id: snowflake(), type: 1, recipients: [user], last_message_id: null, flags: 0 };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A guild channel for an interaction; unknown ids become text channels so tests may invent them. */
  private channelFor(channelId: string, guildId: string): any {
    if (!this.channels.has(channelId)) this.addChannel(channelId, `channel-${channelId}`, this.channels.size);
    return { ...this.channels.get(channelId), guild_id: guildId };
  }

  private roles(): any[] {
    const role = (id: string, name: string, position: number, permissions: string, extra: object = {}) => ({
      id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false,
      icon: null, unicode_emoji: null, position, permissions, managed: false, mentionable: false, flags: 0, ...extra,
    });
    return [
      role(this.guildId, '@everyone', 0, EVERYONE_PERMISSIONS),
      role(this.botRoleId, this.botName, 1, BOT_PERMISSIONS, { managed: true, tags: { bot_id: this.botUserId } }),
    ];
  }

  private guildObject(): any {
    return {
      id: this.guildId, name: 'Fake Guild', icon: null, splash: null, discovery_splash: null, banner: null,
      description: null, owner_id: this.ownerId, afk_channel_id: null, afk_timeout: 300, verification_level: 0,
      default_message_notifications: 0, explicit_content_filter: 0, roles: this.roles(), emojis: [], stickers: [],
      features: [], mfa_level: 0, application_id: null, system_channel_id: this.channelId, system_channel_flags: 0,
      rules_channel_id: null, public_updates_channel_id: null, safety_alerts_channel_id: null, max_members: 500000,
      vanity_url_code: null, premium_tier: 0, premium_subscription_count: 0, preferred_locale: 'en-US',
      nsfw_level: 0, premium_progress_bar_enabled: false,
    };
  }

  /** GUILD_CREATE carries the guild plus its channels and members, which makes `interaction.guild/channel` resolve. */
  private guildCreatePayload(): any {
    const channels = [...this.channels.values()].filter((c) => c.guild_id === this.guildId && !this.deletedChannels.has(c.id));
    return {
      ...this.guildObject(), joined_at: new Date().toISOString(), large: false, unavailable: false,
      member_count: this.members.size, members: [...this.members.values()], channels, threads: [], presences: [],
      voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------- interactions

  private interactionPayload(state: InteractionState, channel: any, opts: InteractOptions): any {
    const inGuild = state.guildId !== null;
    const payload: any = {
      id: state.id, application_id: this.applicationId, type: state.type, token: state.token, version: 1,
      data: this.interactionData(state, opts), channel: { ...channel, ...(inGuild ? { permissions: BOT_PERMISSIONS } : {}) },
      channel_id: channel.id, app_permissions: BOT_PERMISSIONS, locale: 'en-US', entitlements: [],
      authorizing_integration_owners: { '0': inGuild ? state.guildId : '0' }, context: inGuild ? 0 : 1,
      attachment_size_limit: MAX_UPLOAD_BYTES,
    };
    if (inGuild) {
      payload.guild_id = state.guildId;
      payload.guild = { id: state.guildId, locale: 'en-US', features: [] };
      payload.guild_locale = 'en-US';
      payload.member = { ...this.addMember(state.user.id, opts.roles ?? []), permissions: opts.permissions ?? '0' };
    } else {
      payload.user = state.user;
    }
    if (state.componentMessageId) payload.message = this.toApiMessage(this.messages.get(state.componentMessageId)!);
    return payload;
  }

  private interactionData(state: InteractionState, opts: InteractOptions): any {
    if (state.type === 3) {
      return { custom_id: opts.customId ?? 'button', component_type: opts.componentType ?? 2, ...(opts.values ? { values: opts.values } : {}) };
    }
    if (state.type === 5) return { custom_id: opts.customId ?? 'modal', components: opts.components ?? [], ...(opts.resolved ? { resolved: opts.resolved } : {}) };
    const name = opts.name ?? 'ping';
    const options = state.type === 4 ? markFocused(opts.options ?? []) : opts.options;
    return {
      id: this.commandIdFor(name, state.guildId), name, type: 1,
      ...(options ? { options } : {}), ...(opts.resolved ? { resolved: opts.resolved } : {}),
    };
  }

  /** Component interactions come from a message; use the named one or post a bot message with a button. */
  private componentMessage(channelId: string, opts: InteractOptions): FakeMessage {
    const existing = opts.messageId ? this.messages.get(opts.messageId) : undefined;
    if (existing) return existing;
    const button = { type: 2, style: 1, label: 'Button', custom_id: opts.customId ?? 'button' };
    return this.storeMessage(this.newMessage(channelId, { content: 'component message', components: [{ type: 1, components: [button] }] }, [], opts.messageId));
  }

  private commandIdFor(name: string, guildId: string | null): string {
    const registered = [...(guildId ? this.commands.guild.get(guildId) ?? [] : []), ...this.commands.global].find((c) => c.name === name);
    return registered?.id ?? this.stableCommandId(`${name}:1:`);
  }

  private stableCommandId(key: string): string {
    if (!this.commandIds.has(key)) this.commandIds.set(key, snowflake());
    return this.commandIds.get(key)!;
  }

  private interactionFromWebhook(ctx: Ctx): InteractionState {
    if (ctx.params.appId !== this.applicationId) throw new ApiError(404, 10015, 'Unknown Webhook');
    const state = this.interactionsByToken.get(ctx.params.token!);
    if (!state || state.expired) throw new ApiError(401, 50027, 'Invalid Webhook Token');
    return state;
  }

  private onCallback(ctx: Ctx): Reply {
    const state = this.interactions.get(ctx.params.id!);
    if (!state || state.token !== ctx.params.token || state.expired) throw new ApiError(404, 10062, 'Unknown interaction');
    if (state.callback) throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
    // Discord drops an interaction that is not acknowledged within 3 seconds.
    if (Date.now() - state.sentAt > INTERACTION_ACK_MS) { state.expired = true; this.lateCallbacks++; throw new ApiError(404, 10062, 'Unknown interaction'); }
    const type = Number(ctx.body?.type);
    const data = ctx.body?.data;
    if (![1, 4, 5, 6, 7, 8, 9, 10, 12].includes(type)) throw formError('type', 'BASE_TYPE_CHOICES', 'Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.');
    let message: FakeMessage | undefined;
    if (type === 4) {
      message = this.storeMessage(this.newMessage(state.channelId, data ?? {}, ctx.files, undefined, state));
      state.originalId = message.id;
    } else if (type === 5) {
      state.originalId = snowflake(); // the message itself appears with the first edit (or follow-up)
    } else if (type === 6 || type === 7) {
      if (!state.componentMessageId) throw formError('type', 'INTERACTION_RESPONSE_TYPE_INVALID', 'Interaction response type is invalid for this interaction.');
      message = this.messages.get(state.componentMessageId)!;
      if (type === 7) this.editMessage(message, data ?? {}, ctx.files);
      state.originalId = message.id;
    }
    state.callback = { type, data, files: ctx.files };
    if (ctx.query.get('with_response') !== 'true') return NO_CONTENT;
    const interaction = {
      id: state.id, type: state.type, response_message_id: state.originalId,
      response_message_loading: type === 5, response_message_ephemeral: Boolean((data?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL),
    };
    const shown = message ?? (type === 5 ? this.loadingMessage(state) : undefined);
    return json({ interaction, resource: { type, ...(shown ? { message: this.toApiMessage(shown) } : {}) } });
  }

  /** Resolves '@original' or a follow-up id to a live message of this interaction. */
  private webhookMessage(state: InteractionState, messageId: string): FakeMessage {
    const id = messageId === '@original' ? state.originalId : messageId;
    const owned = id !== undefined && (id === state.originalId || state.followUpIds.includes(id));
    const message = owned ? this.messages.get(id) : undefined;
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }

  /** Deferred (type 5) and nothing has replaced the "thinking…" placeholder yet. */
  private isPendingDefer(state: InteractionState, messageId = '@original'): boolean {
    return messageId === '@original' && state.callback?.type === 5 && !this.messages.has(state.originalId!);
  }

  /** Ephemerality is decided by the defer; whatever replaces the placeholder keeps it. */
  private deferFlags(state: InteractionState): number {
    return (state.callback?.data?.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL;
  }

  /** The "thinking…" placeholder (flag LOADING) Discord shows for a deferred reply; not stored. */
  private loadingMessage(state: InteractionState): FakeMessage {
    const message = this.blankMessage(state.channelId, state.originalId, state);
    message.flags = this.deferFlags(state) | 128;
    return message;
  }

  private onWebhookGet(ctx: Ctx): Reply {
    const state = this.interactionFromWebhook(ctx);
    if (this.isPendingDefer(state, ctx.params.messageId)) return json(this.toApiMessage(this.loadingMessage(state)));
    return json(this.toApiMessage(this.webhookMessage(state, ctx.params.messageId!)));
  }

  private onWebhookEdit(ctx: Ctx): Reply {
    const state = this.interactionFromWebhook(ctx);
    if (this.isPendingDefer(state, ctx.params.messageId)) {
      // The first edit of a deferred reply turns the placeholder into the message.
      const body = { ...ctx.body, flags: this.deferFlags(state) | (ctx.body?.flags ?? 0) };
      const message = this.newMessage(state.channelId, body, ctx.files, state.originalId, state);
      message.edits = 1;
      message.editedTimestamp = message.timestamp;
      return json(this.toApiMessage(this.storeMessage(message)));
    }
    const message = this.webhookMessage(state, ctx.params.messageId!);
    this.editMessage(message, ctx.body ?? {}, ctx.files);
    return json(this.toApiMessage(message));
  }

  private onWebhookDelete(ctx: Ctx): Reply {
    const state = this.interactionFromWebhook(ctx);
    if (this.isPendingDefer(state, ctx.params.messageId)) {
      this.storeMessage({ ...this.loadingMessage(state), deleted: true });
      return NO_CONTENT;
    }
    this.webhookMessage(state, ctx.params.messageId!).deleted = true;
    return NO_CONTENT;
  }

  private onFollowUp(ctx: Ctx): Reply {
    const state = this.interactionFromWebhook(ctx);
    if (!state.callback) throw new ApiError(404, 10015, 'Unknown Webhook');
    if (this.isPendingDefer(state)) {
      // Discord quirk: the first follow-up after a defer replaces the "thinking…" message (keeping its ephemerality).
      const body = { ...ctx.body, flags: this.deferFlags(state) | (ctx.body?.flags ?? 0) };
      return json(this.toApiMessage(this.storeMessage(this.newMessage(state.channelId, body, ctx.files, state.originalId, state))));
    }
    const message = this.storeMessage(this.newMessage(state.channelId, ctx.body ?? {}, ctx.files, undefined, state));
    state.followUpIds.push(message.id);
    return json(this.toApiMessage(message));
  }

  // ---------------------------------------------------------------- messages

  private blankMessage(channelId: string, id = snowflake(), state?: InteractionState): FakeMessage {
    return {
      id, channel_id: channelId, content: '', embeds: [], components: [], attachments: [], files: [],
      deleted: false, edits: 0, author: this.users.get(this.botUserId), timestamp: new Date().toISOString(),
      flags: 0, type: state?.type === 2 ? 20 : 0, editedTimestamp: null,
      ...(state ? { interactionToken: state.token, webhookId: this.applicationId } : {}),
    };
  }

  /** A message built from a create request; throws Discord's errors for invalid bodies. */
  private newMessage(channelId: string, body: any, files: RecordedFile[], id?: string, state?: InteractionState): FakeMessage {
    const message = this.blankMessage(channelId, id, state);
    if (body.nonce !== undefined && body.nonce !== null) message.nonce = String(body.nonce);
    this.applyBody(message, body, files);
    return message;
  }

  private storeMessage(message: FakeMessage): FakeMessage {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel) channel.last_message_id = message.id;
    return message;
  }

  private editMessage(message: FakeMessage, body: any, files: RecordedFile[]): void {
    // Edits cannot change whether a message is ephemeral.
    const flags = body.flags == null ? undefined : (body.flags & ~MESSAGE_FLAG_EPHEMERAL) | ((message.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL);
    this.applyBody(message, { ...body, flags }, files);
    message.edits += 1;
    message.editedTimestamp = new Date().toISOString();
  }

  /** Copies content/embeds/components/attachments from a request body, then checks the result like Discord does. */
  private applyBody(message: FakeMessage, body: any, files: RecordedFile[]): void {
    const next = { ...message };
    if (body.content !== undefined) next.content = body.content ?? '';
    if (body.embeds !== undefined) next.embeds = body.embeds ?? [];
    if (body.components !== undefined) next.components = body.components ?? [];
    if (body.flags !== undefined && body.flags !== null) next.flags = body.flags;
    if (files.length > 0 || body.attachments !== undefined) {
      // v10: `attachments` lists what survives (existing ids) plus the new uploads (by index).
      const kept = new Set((body.attachments ?? message.attachments).map((a: any) => String(a.id)));
      const keep = message.attachments.map((a, i) => ({ a, f: message.files[i]! })).filter(({ a }) => kept.has(a.id));
      const added = files.map((f) => ({ a: this.attachmentFor(message.id, f), f }));
      next.attachments = [...keep, ...added].map(({ a }) => a);
      next.files = [...keep, ...added].map(({ f }) => f);
    }
    validateMessage(next, files);
    Object.assign(message, next);
  }

  private attachmentFor(messageId: string, file: RecordedFile): FakeAttachment {
    return {
      id: snowflake(), filename: file.name, size: file.data.length, content_type: file.contentType,
      url: `${this.baseUrl}/attachments/${messageId}/${encodeURIComponent(file.name)}`,
    };
  }

  private toApiMessage(m: FakeMessage): any {
    const channel = this.channels.get(m.channel_id);
    return {
      id: m.id, type: m.type ?? 0, channel_id: m.channel_id, ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      author: m.author, content: m.content, embeds: m.embeds, components: m.components,
      attachments: m.attachments.map((a) => ({ ...a, proxy_url: a.url })), timestamp: m.timestamp,
      edited_timestamp: m.editedTimestamp ?? null, flags: m.flags ?? 0, tts: false, mention_everyone: false,
      mentions: [], mention_roles: [], mention_channels: [], pinned: false, reactions: [],
      ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
      ...(m.webhookId ? { webhook_id: m.webhookId, application_id: this.applicationId } : {}),
    };
  }

  private liveChannel(channelId: string): any {
    const channel = this.channels.get(channelId);
    if (!channel || this.deletedChannels.has(channelId)) throw unknownChannel();
    return channel;
  }

  private channelMessage(ctx: Ctx): FakeMessage {
    this.liveChannel(ctx.params.channelId!);
    const message = this.messages.get(ctx.params.messageId!);
    if (!message || message.deleted || message.channel_id !== ctx.params.channelId) throw unknownMessage();
    return message;
  }

  /** POST /channels/:id/messages, honouring `enforce_nonce` (same nonce within 10 minutes → same message). */
  private onChannelPost(ctx: Ctx): Reply {
    const channelId = ctx.params.channelId!;
    this.liveChannel(channelId);
    const body = ctx.body ?? {};
    const nonceKey = body.nonce !== undefined ? `${channelId}:${body.nonce}` : undefined;
    const seen = nonceKey ? this.nonces.get(nonceKey) : undefined;
    if (body.enforce_nonce && seen && Date.now() - seen.at < NONCE_WINDOW_MS) {
      return json(this.toApiMessage(this.messages.get(seen.messageId)!));
    }
    const message = this.storeMessage(this.newMessage(channelId, body, ctx.files));
    if (nonceKey) this.nonces.set(nonceKey, { messageId: message.id, at: Date.now() });
    return json(this.toApiMessage(message));
  }

  // ---------------------------------------------------------------- commands

  private overwriteCommands(appId: string | undefined, list: any, guildId?: string): any[] {
    if (appId !== this.applicationId) throw new ApiError(403, 50001, 'Missing Access');
    if (!Array.isArray(list)) throw formError('_errors', 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    const saved = list.map((c: any) => ({
      id: this.stableCommandId(`${c.name}:${c.type ?? 1}:${guildId ?? ''}`), application_id: this.applicationId,
      version: snowflake(), type: c.type ?? 1, name: c.name, description: c.description ?? '', options: c.options ?? [],
      default_member_permissions: c.default_member_permissions ?? null, nsfw: c.nsfw ?? false,
      contexts: c.contexts ?? null, integration_types: c.integration_types ?? [0],
      name_localizations: c.name_localizations ?? null, description_localizations: c.description_localizations ?? null,
      ...(guildId ? { guild_id: guildId } : { dm_permission: c.dm_permission ?? true }),
    }));
    if (guildId) this.commands.guild.set(guildId, saved);
    else this.commands.global = saved;
    return saved;
  }

  // ---------------------------------------------------------------- REST routing

  private route(method: string, pattern: string, handler: Route['handler'], auth = true): void {
    const keys: string[] = [];
    const source = pattern.replace(/:(\w+)/g, (_m, key: string) => { keys.push(key); return '([^/]+)'; });
    this.routes.push({ method, re: new RegExp(`^${source}$`), keys, auth, handler });
  }

  private defineRoutes(): void {
    const user = () => this.users.get(this.botUserId);
    this.route('GET', '/gateway/bot', () => json({
      url: this.gatewayUrl, shards: this.recommendedShards,
      // max_concurrency 16 lets sharded clients identify all shards at once instead of 5 s apart.
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 16 },
    }));
    this.route('GET', '/gateway', () => json({ url: this.gatewayUrl }), false);
    this.route('GET', '/users/@me', () => json({ ...user(), verified: true, mfa_enabled: false }));
    this.route('GET', '/applications/@me', () => json({
      id: this.applicationId, name: user().username, icon: null, description: '', summary: '', bot_public: true,
      bot_require_code_grant: false, verify_key: '0'.repeat(64), flags: 0, team: null,
      owner: this.users.get(this.ownerId), bot: user(), approximate_guild_count: 1,
    }));
    this.route('POST', '/users/@me/channels', (c) => json(this.dmChannel(this.addUser(String(c.body?.recipient_id), 'dm-user'))));

    this.route('POST', '/interactions/:id/:token/callback', (c) => this.onCallback(c), false);
    this.route('POST', '/webhooks/:appId/:token', (c) => this.onFollowUp(c), false);
    this.route('GET', '/webhooks/:appId/:token/messages/:messageId', (c) => this.onWebhookGet(c), false);
    this.route('PATCH', '/webhooks/:appId/:token/messages/:messageId', (c) => this.onWebhookEdit(c), false);
    this.route('DELETE', '/webhooks/:appId/:token/messages/:messageId', (c) => this.onWebhookDelete(c), false);

    this.route('GET', '/channels/:channelId', (c) => json(this.liveChannel(c.params.channelId!)));
    this.route('POST', '/channels/:channelId/typing', (c) => (this.liveChannel(c.params.channelId!), NO_CONTENT));
    this.route('POST', '/channels/:channelId/messages', (c) => this.onChannelPost(c));
    this.route('GET', '/channels/:channelId/messages', (c) => {
      this.liveChannel(c.params.channelId!);
      const limit = Number(c.query.get('limit') ?? 50);
      return json(this.channelMessages(c.params.channelId!).reverse().slice(0, limit).map((m) => this.toApiMessage(m)));
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', (c) => json(this.toApiMessage(this.channelMessage(c))));
    this.route('PATCH', '/channels/:channelId/messages/:messageId', (c) => {
      const message = this.channelMessage(c);
      this.editMessage(message, c.body ?? {}, c.files);
      return json(this.toApiMessage(message));
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', (c) => ((this.channelMessage(c).deleted = true), NO_CONTENT));

    this.route('GET', '/guilds/:guildId', (c) => (c.params.guildId === this.guildId ? json(this.guildObject()) : json({ message: 'Unknown Guild', code: 10004 }, 404)));
    this.route('GET', '/guilds/:guildId/channels', () => json(this.guildCreatePayload().channels));
    this.route('GET', '/guilds/:guildId/roles', () => json(this.roles()));
    this.route('GET', '/guilds/:guildId/members/:userId', (c) => {
      const member = this.members.get(c.params.userId!);
      return member ? json(member) : json({ message: 'Unknown Member', code: 10007 }, 404);
    });

    this.route('PUT', '/applications/:appId/commands', (c) => json(this.overwriteCommands(c.params.appId, c.body)));
    this.route('GET', '/applications/:appId/commands', () => json(this.commands.global));
    this.route('PUT', '/applications/:appId/guilds/:guildId/commands', (c) => json(this.overwriteCommands(c.params.appId, c.body, c.params.guildId)));
    this.route('GET', '/applications/:appId/guilds/:guildId/commands', (c) => json(this.commands.guild.get(c.params.guildId!) ?? []));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v ?? '']));
    const raw = await readBody(req);
    const isApi = API_PREFIX.test(url.pathname);
    const path = decodePath(url.pathname.replace(API_PREFIX, ''));
    let body: any = null;
    let files: RecordedFile[] = [];
    let reply: Reply;
    try {
      ({ body, files } = await parseBody(raw, headers['content-type'] ?? ''));
      reply = isApi ? await this.dispatch(method, path, url.searchParams, headers, body, files) : this.serveAttachment(method, path, req);
    } catch (err) {
      reply = err instanceof ApiError
        ? json({ message: err.message, code: err.code, ...err.extra }, err.status)
        : json({ message: `500: Internal Server Error (${String(err)})`, code: 0 }, 500);
    }
    // A long-running playground keeps no request log (it would hold every uploaded image).
    if (this.recordRequests) this.requests.push({ method, path, query: url.searchParams, headers, body, files, at, status: reply.status });
    this.send(res, reply);
    this.notify();
  }

  private async dispatch(method: string, path: string, query: URLSearchParams, headers: Record<string, string>, body: any, files: RecordedFile[]): Promise<Reply> {
    const failure = this.failures.find((f) => f.left > 0 && f.match({ method, path }));
    if (failure) {
      failure.left -= 1;
      return json({ message: `${failure.status}: Internal Server Error`, code: 0 }, failure.status);
    }
    const limited = this.rateLimits.find((r) => r.left > 0 && r.match({ method, path }));
    if (limited) {
      limited.left -= 1;
      return {
        status: 429, body: { message: 'You are being rate limited.', retry_after: limited.retryAfter, global: false },
        headers: { 'retry-after': String(limited.retryAfter), 'x-ratelimit-scope': 'user' },
      };
    }
    for (const route of this.routes) {
      const match = route.method === method ? route.re.exec(path) : null;
      if (!match) continue;
      if (route.auth && headers.authorization !== `Bot ${this.token}`) return json({ message: '401: Unauthorized', code: 0 }, 401);
      const params = Object.fromEntries(route.keys.map((k, i) => [k, match[i + 1]!]));
      if (path.startsWith('/webhooks/')) await this.untilHttpAnswered(params.token);
      return route.handler({ method, path, params, query, body, files });
    }
    return json({ message: '404: Not Found', code: 0 }, 404);
  }

  /** Discord applies an endpoint's HTTP answer before anything else can use the interaction's token. */
  private async untilHttpAnswered(token: string | undefined): Promise<void> {
    const state = token ? this.interactionsByToken.get(token) : undefined;
    if (state?.http) await this.waitUntil(() => state.callback, 5000, 'the HTTP answer').catch(() => undefined);
  }

  /** GET /attachments/:messageId/:filename — the bytes behind an attachment URL. */
  private serveAttachment(method: string, path: string, req: IncomingMessage): Reply {
    const refused = this.attachmentGuard?.(req);
    if (refused) return { status: refused.status, body: { message: refused.sentence, code: 0 }, headers: refused.headers };
    const [, kind, messageId, filename] = path.split('/');
    const message = kind === 'attachments' && method === 'GET' ? this.messages.get(messageId ?? '') : undefined;
    const index = message?.attachments.findIndex((a) => a.filename === filename) ?? -1;
    const file = index >= 0 ? message!.files[index] : undefined;
    if (!file) return json({ message: '404: Not Found', code: 0 }, 404);
    return { status: 200, body: file.data, headers: { 'content-type': file.contentType || 'application/octet-stream' } };
  }

  private send(res: ServerResponse, reply: Reply): void {
    const isBytes = Buffer.isBuffer(reply.body);
    const payload = reply.status === 204 || reply.body === undefined ? undefined : isBytes ? (reply.body as Buffer) : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(payload !== undefined && !isBytes ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    });
    res.end(payload);
  }

  // ---------------------------------------------------------------- gateway

  private onSocket(socket: WebSocket, req: IncomingMessage): void {
    this.sockets.add(socket);
    let session: GatewaySession | undefined;
    const encoding = new URL(req.url ?? '/', this.gatewayUrl).searchParams.get('encoding') ?? 'json';
    // We only speak plain JSON text frames; zlib-stream is not needed since discord.js reads text frames as JSON.
    if (encoding !== 'json') return socket.close(4002, 'LocalDiscord only supports encoding=json');
    const send = (payload: object) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: 41250 } });

    socket.on('message', (data) => {
      let payload: any;
      try { payload = JSON.parse(data.toString()); } catch { return socket.close(4002, 'Error while decoding payload.'); }
      if (payload.op === 1) return send({ op: 11 });
      if (payload.op === 2 || payload.op === 6) {
        if (session) return socket.close(4005, 'Already authenticated.');
        if (payload.d?.token !== this.token) return socket.close(4004, 'Authentication failed.');
        session = payload.op === 2 ? this.identify(socket, payload.d) : this.resume(socket, payload.d);
        return;
      }
      if (!session && payload.op !== 3 && payload.op !== 8) socket.close(4003, 'Not authenticated.');
    });
    socket.on('close', (code) => {
      this.sockets.delete(socket);
      if (!session || session.socket !== socket) return;
      session.socket = null;
      // A client that closes normally has ended its session; anything else may be resumed.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    });
  }

  private identify(socket: WebSocket, d: any): GatewaySession {
    const shard: [number, number] = Array.isArray(d.shard) ? [d.shard[0], d.shard[1]] : [0, 1];
    const session: GatewaySession = { id: randomBytes(16).toString('hex'), shard, intents: Number(d.intents ?? 0), seq: 0, log: [], socket };
    this.sessions.set(session.id, session);
    const ownsGuild = this.shardOf(this.guildId, shard[1]) === shard[0];
    this.dispatchTo(session, 'READY', {
      v: 10, user: { ...this.users.get(this.botUserId), verified: true, mfa_enabled: false },
      guilds: ownsGuild ? [{ id: this.guildId, unavailable: true }] : [], session_id: session.id,
      resume_gateway_url: this.gatewayUrl, application: { id: this.applicationId, flags: 0 }, shard,
      private_channels: [], relationships: [], presences: [], guild_join_requests: [], user_settings: {}, _trace: ['fake-discord'],
    });
    // Without the GUILDS intent Discord sends no GUILD_CREATE; discord.js then marks the guild unavailable.
    if (ownsGuild && session.intents & 1) this.dispatchTo(session, 'GUILD_CREATE', this.guildCreatePayload());
    return session;
  }

  /** RESUME: re-attach the socket, replay what the client missed, then RESUMED. Unknown session → op 9. */
  private resume(socket: WebSocket, d: any): GatewaySession | undefined {
    const session = this.sessions.get(d.session_id);
    if (!session) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return undefined;
    }
    session.socket?.close(4000, 'LocalDiscord: session resumed elsewhere');
    session.socket = socket;
    for (const event of session.log) if (event.s > Number(d.seq ?? 0)) socket.send(JSON.stringify(event));
    this.dispatchTo(session, 'RESUMED', { _trace: ['fake-discord'] });
    return session;
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    const event = { op: 0 as const, t, s: ++session.seq, d };
    session.log.push(event);
    if (session.log.length > 1000) session.log.shift();
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(event));
  }

  private shardOf(guildId: string | null, shardCount: number): number {
    return guildId === null ? 0 : Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
  }

  /** Events for a guild go to the session of the shard that owns it (DMs to shard 0), in every connected client. */
  private sendToShardOf(guildId: string | null, t: string, d: unknown): number {
    const targets = [...this.sessions.values()].filter((s) => this.shardOf(guildId, s.shard[1]) === s.shard[0]);
    for (const session of targets) this.dispatchTo(session, t, d);
    return targets.length;
  }
}

// ---------------------------------------------------------------- helpers

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Autocomplete always has exactly one focused option; mark the last one when the test did not. */
function markFocused(options: any[]): any[] {
  if (options.some((o) => o.focused) || options.length === 0) return options;
  return options.map((o, i) => (i === options.length - 1 && o.type >= 3 ? { ...o, focused: true } : o));
}

function validateMessage(m: FakeMessage, uploads: RecordedFile[]): void {
  const componentsV2 = ((m.flags ?? 0) & MESSAGE_FLAG_COMPONENTS_V2) !== 0;
  if (!m.content && m.embeds.length === 0 && m.attachments.length === 0 && m.components.length === 0 && !componentsV2) {
    throw new ApiError(400, 50006, 'Cannot send an empty message');
  }
  if (m.content.length > 2000) throw formError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  if (m.embeds.length > 10) throw formError('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  if (uploads.reduce((n, f) => n + f.data.length, 0) > MAX_UPLOAD_BYTES) throw new ApiError(413, 40005, 'Request entity too large');
}

function decodePath(pathname: string): string {
  return pathname.split('/').map((segment) => decodeURIComponent(segment)).join('/') || '/';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON bodies, or multipart bodies with `payload_json` and `files[N]` parts. */
async function parseBody(raw: Buffer, contentType: string): Promise<{ body: any; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (!contentType.startsWith('multipart/form-data')) {
    try { return { body: JSON.parse(raw.toString('utf8')), files: [] }; } catch {
      throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
    }
  }
  const init = { method: 'POST', headers: { 'content-type': contentType }, body: raw, duplex: 'half' };
  const form = await new Request('http://fake-discord.local/', init as RequestInit).formData();
  let body: any = {};
  const indexed: { index: number; file: RecordedFile }[] = [];
  for (const [key, value] of form.entries()) {
    if (key === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
    const fileIndex = /^files\[(\d+)\]$/.exec(key);
    if (fileIndex && typeof value !== 'string') {
      const file = { name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) };
      indexed.push({ index: Number(fileIndex[1]), file });
    }
  }
  return { body, files: indexed.sort((a, b) => a.index - b.index).map((x) => x.file) };
}
