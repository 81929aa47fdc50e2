import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Gateway } from "./gateway.ts";
import { HttpApi, type AttachmentGuard } from "./http.ts";
import { Interactions, type InteractionHandle, type InteractOptions } from "./interactions.ts";
import { DiscordStore, newLocalDiscordIds, type LocalDiscordIds } from "./store.ts";
import { NO_CONTENT, json, type HandledRequest, type MessageBody, type RecordedFile, type Reply, type StoredMessage } from "./wire.ts";

export interface LocalDiscordOptions {
  port?: number;
  /** the shard count /gateway/bot recommends */
  shards?: number;
  botName?: string;
  /** checks attachment downloads (the playground's password) */
  attachmentGuard?: AttachmentGuard;
  ids?: LocalDiscordIds;
}

/**
 * A local Discord (REST API + gateway, one guild, loopback only) that the real discord.js
 * Client logs in to. The playground runs GenLab's unchanged bot against it, so the web page
 * goes through the very same commands, job queue, workers and provenance as Discord; the
 * tests' fake Discord (tests/support) is this class with fault switches added.
 *
 * Start it, pass `apiUrl` as `rest.api` and log in with `token`; the client fetches
 * `/gateway/bot`, connects to the websocket, gets READY + GUILD_CREATE and becomes ready.
 * Interactions are injected with `interact()`; what the bot sent is in `messages` and the
 * interaction handles, and `watch()` reports changes.
 */
export class LocalDiscord {
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly secondChannelId: string;
  readonly token: string;
  protected readonly store: DiscordStore;
  protected readonly http: HttpApi;
  protected readonly gateway: Gateway;
  protected readonly interactions: Interactions;
  private readonly listeners = new Set<() => void>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private port = 0;

  constructor(private readonly opts: LocalDiscordOptions = {}) {
    const ids = opts.ids ?? newLocalDiscordIds();
    ({ applicationId: this.applicationId, guildId: this.guildId, channelId: this.channelId, secondChannelId: this.secondChannelId } = ids);
    this.store = new DiscordStore(ids, opts.botName ?? "genlab-test-bot", () => this.baseUrl);
    this.botUserId = this.store.botUserId;
    this.token = [Buffer.from(this.botUserId).toString("base64url"), randomBytes(4).toString("base64url"), randomBytes(28).toString("base64url")].join(".");
    this.http = new HttpApi({
      token: this.token,
      attachmentGuard: opts.attachmentGuard,
      attachment: (messageId, filename) => {
        const message = this.store.messages.get(messageId);
        const index = message?.attachments.findIndex((a) => a.filename === filename) ?? -1;
        return index >= 0 ? message!.files[index] : undefined;
      },
      beforeWebhook: (token) => this.interactions.untilHttpAnswered(token),
      intercept: (request) => this.intercept(request),
      handled: (request) => {
        this.handled(request);
        this.notify();
      },
    });
    this.gateway = new Gateway(this.http.server, this.store, this.token, () => this.gatewayUrl);
    this.interactions = new Interactions(
      this.store,
      (guildId, payload) => this.gateway.sendToShardOf(guildId, "INTERACTION_CREATE", payload),
      (probe, timeoutMs, what) => this.waitUntil(probe, timeoutMs, what),
      () => this.notify(),
    );
    this.defineRoutes();
  }

  /** A local Discord listening on loopback. */
  static async start(opts: LocalDiscordOptions = {}): Promise<LocalDiscord> {
    const local = new LocalDiscord(opts);
    await local.listen(opts.port ?? 0);
    return local;
  }

  /** "http://127.0.0.1:PORT": attachment URLs live here. */
  get baseUrl(): string { return `http://127.0.0.1:${this.port}`; }
  /** Pass as `rest.api` to the discord.js Client. */
  get apiUrl(): string { return `${this.baseUrl}/api`; }
  private get gatewayUrl(): string { return `ws://127.0.0.1:${this.port}`; }
  get messages(): Map<string, StoredMessage> { return this.store.messages; }
  /** Interactions whose first response came after Discord's 3 s (refused with 10062). */
  get lateCallbacks(): number { return this.interactions.lateCallbacks; }

  interact(opts: InteractOptions = {}): InteractionHandle {
    return this.interactions.create(opts);
  }

  channelMessages(channelId: string): StoredMessage[] {
    return this.store.channelMessages(channelId);
  }

  /** Whether a channel (or DM) id belongs to this local Discord. */
  ownsChannel(channelId: string): boolean {
    return this.store.hasChannel(channelId);
  }

  /** A stored message as Discord's API would return it. */
  apiMessage(m: StoredMessage): Record<string, unknown> {
    return this.store.toApiMessage(m);
  }

  /** Calls `listener` after every change (a request handled, an interaction injected); returns an unsubscribe. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
    this.http.server.closeAllConnections();
    await new Promise<void>((resolve) => this.http.server.close(() => resolve()));
  }

  /** A reply that replaces the route's; the product has none, the tests' fault switches do. */
  protected intercept(_request: { method: string; path: string }): Reply | undefined {
    return undefined;
  }

  /** Sees every answered request; the product keeps none (it would hold every uploaded image). */
  protected handled(_request: HandledRequest): void {}

  /** What a timeout message adds about the traffic so far. */
  protected describeTraffic(): string {
    return "";
  }

  /** Resolves with the first defined value `probe` returns, checked now and after every change. */
  protected waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
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
        reject(new Error(`LocalDiscord: timed out after ${timeoutMs}ms waiting for ${what}.\n${this.describeTraffic()}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  protected async listen(port: number): Promise<void> {
    const { server } = this.http;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
  }

  private defineRoutes(): void {
    const { store, http, interactions: ix } = this;
    const bot = () => store.user(this.botUserId);
    http.route("GET", "/gateway/bot", () => json({
      url: this.gatewayUrl, shards: this.opts.shards ?? 1,
      // max_concurrency 16 lets sharded clients identify all shards at once instead of 5 s apart.
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 16 },
    }));
    http.route("GET", "/gateway", () => json({ url: this.gatewayUrl }), false);
    http.route("GET", "/users/@me", () => json({ ...bot(), verified: true, mfa_enabled: false }));
    http.route("GET", "/applications/@me", () => json({
      id: this.applicationId, name: bot()?.username, icon: null, description: "", summary: "", bot_public: true,
      bot_require_code_grant: false, verify_key: "0".repeat(64), flags: 0, team: null,
      owner: store.user(store.ids.ownerId), bot: bot(), approximate_guild_count: 1,
    }));
    http.route("POST", "/users/@me/channels", (c) => json(store.dmChannel(store.addUser(String(c.body?.recipient_id), "dm-user"))));

    http.route("POST", "/interactions/:id/:token/callback", (c) => ix.onCallback(c), false);
    http.route("POST", "/webhooks/:appId/:token", (c) => ix.onFollowUp(c), false);
    http.route("GET", "/webhooks/:appId/:token/messages/:messageId", (c) => ix.onWebhookGet(c), false);
    http.route("PATCH", "/webhooks/:appId/:token/messages/:messageId", (c) => ix.onWebhookEdit(c), false);
    http.route("DELETE", "/webhooks/:appId/:token/messages/:messageId", (c) => ix.onWebhookDelete(c), false);

    http.route("GET", "/channels/:channelId", (c) => json(store.liveChannel(c.params.channelId!)));
    http.route("POST", "/channels/:channelId/typing", (c) => (store.liveChannel(c.params.channelId!), NO_CONTENT));
    http.route("POST", "/channels/:channelId/messages", (c) => this.onChannelPost(c.params.channelId!, c.body ?? {}, c.files));
    http.route("GET", "/channels/:channelId/messages", (c) => {
      store.liveChannel(c.params.channelId!);
      const limit = Number(c.query.get("limit") ?? 50);
      return json(store.channelMessages(c.params.channelId!).reverse().slice(0, limit).map((m) => store.toApiMessage(m)));
    });
    http.route("GET", "/channels/:channelId/messages/:messageId", (c) => json(store.toApiMessage(store.channelMessage(c.params.channelId!, c.params.messageId!))));
    http.route("PATCH", "/channels/:channelId/messages/:messageId", (c) => {
      const message = store.channelMessage(c.params.channelId!, c.params.messageId!);
      store.editMessage(message, c.body ?? {}, c.files);
      return json(store.toApiMessage(message));
    });
    http.route("DELETE", "/channels/:channelId/messages/:messageId", (c) => ((store.channelMessage(c.params.channelId!, c.params.messageId!).deleted = true), NO_CONTENT));

    http.route("GET", "/guilds/:guildId", (c) => (c.params.guildId === this.guildId ? json(store.guildObject()) : json({ message: "Unknown Guild", code: 10004 }, 404)));
    http.route("GET", "/guilds/:guildId/channels", () => json(store.guildChannels()));
    http.route("GET", "/guilds/:guildId/roles", () => json(store.roles()));
    http.route("GET", "/guilds/:guildId/members/:userId", (c) => {
      const member = store.member(c.params.userId!);
      return member ? json(member) : json({ message: "Unknown Member", code: 10007 }, 404);
    });

    http.route("PUT", "/applications/:appId/commands", (c) => json(store.overwriteCommands(c.params.appId, c.body)));
    http.route("GET", "/applications/:appId/commands", () => json(store.commands.global));
    http.route("PUT", "/applications/:appId/guilds/:guildId/commands", (c) => json(store.overwriteCommands(c.params.appId, c.body, c.params.guildId)));
    http.route("GET", "/applications/:appId/guilds/:guildId/commands", (c) => json(store.commands.guild.get(c.params.guildId!) ?? []));
  }

  /** POST /channels/:id/messages, honouring `enforce_nonce` (same nonce within 10 minutes → same message). */
  private onChannelPost(channelId: string, body: MessageBody, files: RecordedFile[]): Reply {
    this.store.liveChannel(channelId);
    const nonceKey = body.nonce !== undefined ? `${channelId}:${body.nonce}` : undefined;
    const seen = nonceKey ? this.nonces.get(nonceKey) : undefined;
    if (body.enforce_nonce && seen && Date.now() - seen.at < NONCE_WINDOW_MS) {
      return json(this.store.toApiMessage(this.store.messages.get(seen.messageId)!));
    }
    const message = this.store.storeMessage(this.store.newMessage(channelId, body, files));
    if (nonceKey) this.nonces.set(nonceKey, { messageId: message.id, at: Date.now() });
    return json(this.store.toApiMessage(message));
  }
}

const NONCE_WINDOW_MS = 10 * 60 * 1000;
