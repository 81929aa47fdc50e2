import {
  ApiError, BOT_PERMISSIONS, EVERYONE_PERMISSIONS, MAX_UPLOAD_BYTES, MESSAGE_FLAG_COMPONENTS_V2, MESSAGE_FLAG_EPHEMERAL,
  compareIds, formError, snowflake, unknownChannel, unknownMessage,
  type ApiAttachment, type ApiChannel, type ApiCommand, type ApiMember, type ApiUser, type MessageBody, type RecordedFile, type StoredMessage,
} from "./wire.ts";

/** The ids that make a local Discord the same server across restarts (the playground keeps them). */
export interface LocalDiscordIds { applicationId: string; guildId: string; channelId: string; secondChannelId: string; ownerId: string; defaultUserId: string; botRoleId: string }

export function newLocalDiscordIds(): LocalDiscordIds {
  return { applicationId: snowflake(), guildId: snowflake(), channelId: snowflake(), secondChannelId: snowflake(), ownerId: snowflake(), defaultUserId: snowflake(), botRoleId: snowflake() };
}

/** Who a stored message came from through an interaction: its token and the interaction's type. */
export interface MessageOrigin { token: string; type: number }

/**
 * The local Discord's world: one guild with its users, members, channels, messages and
 * registered commands, and the API objects Discord would return for them.
 */
export class DiscordStore {
  readonly messages = new Map<string, StoredMessage>();
  readonly commands: { global: ApiCommand[]; guild: Map<string, ApiCommand[]> } = { global: [], guild: new Map() };
  readonly botUserId: string;
  private readonly users = new Map<string, ApiUser>();
  private readonly members = new Map<string, ApiMember>();
  private readonly channels = new Map<string, ApiChannel>();
  private readonly deletedChannels = new Set<string>();
  private readonly commandIds = new Map<string, string>();

  constructor(readonly ids: LocalDiscordIds, private readonly botName: string, private readonly baseUrl: () => string) {
    this.botUserId = ids.applicationId; // a bot user shares its application's id
    this.addUser(this.botUserId, botName, true);
    this.addUser(ids.ownerId, "guild-owner");
    this.addUser(ids.defaultUserId, "tester");
    this.addMember(this.botUserId, [ids.botRoleId]);
    this.addMember(ids.ownerId, []);
    this.addChannel(ids.channelId, "general", 0);
    this.addChannel(ids.secondChannelId, "second", 1);
  }

  user(id: string): ApiUser | undefined { return this.users.get(id); }
  member(id: string): ApiMember | undefined { return this.members.get(id); }
  hasChannel(id: string): boolean { return this.channels.has(id); }
  /** Later requests for the channel answer Unknown Channel, as after a deletion in Discord. */
  deleteChannel(id: string): void { this.deletedChannels.add(id); }

  addUser(id: string, username: string, bot = false): ApiUser {
    const existing = this.users.get(id);
    if (existing) return existing;
    const user = { id, username, global_name: bot ? null : username, discriminator: bot ? "0001" : "0", avatar: null, bot, system: false, public_flags: 0, flags: 0 };
    this.users.set(id, user);
    return user;
  }

  addMember(userId: string, roles: string[]): ApiMember {
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
      id, type: 0, guild_id: this.ids.guildId, name, position, permission_overwrites: [], parent_id: null, nsfw: false,
      topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0,
    });
  }

  dmChannel(user: ApiUser): ApiChannel {
    const existing = [...this.channels.values()].find((c) => c.type === 1 && c.recipients?.[0]?.id === user.id);
    if (existing) return existing;
    const channel = { id: snowflake(), type: 1, recipients: [user], last_message_id: null, flags: 0 };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A guild channel for an interaction; unknown ids become text channels so tests may invent them. */
  channelFor(channelId: string, guildId: string): ApiChannel {
    if (!this.channels.has(channelId)) this.addChannel(channelId, `channel-${channelId}`, this.channels.size);
    return { ...this.channels.get(channelId)!, guild_id: guildId };
  }

  liveChannel(channelId: string): ApiChannel {
    const channel = this.channels.get(channelId);
    if (!channel || this.deletedChannels.has(channelId)) throw unknownChannel();
    return channel;
  }

  /** A live message of a live channel, or Discord's 404. */
  channelMessage(channelId: string, messageId: string): StoredMessage {
    this.liveChannel(channelId);
    const message = this.messages.get(messageId);
    if (!message || message.deleted || message.channel_id !== channelId) throw unknownMessage();
    return message;
  }

  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel_id === channelId && !m.deleted)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  roles(): object[] {
    const role = (id: string, name: string, position: number, permissions: string, extra: object = {}) => ({
      id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false,
      icon: null, unicode_emoji: null, position, permissions, managed: false, mentionable: false, flags: 0, ...extra,
    });
    return [
      role(this.ids.guildId, "@everyone", 0, EVERYONE_PERMISSIONS),
      role(this.ids.botRoleId, this.botName, 1, BOT_PERMISSIONS, { managed: true, tags: { bot_id: this.botUserId } }),
    ];
  }

  guildObject(): object {
    return {
      id: this.ids.guildId, name: "Fake Guild", icon: null, splash: null, discovery_splash: null, banner: null,
      description: null, owner_id: this.ids.ownerId, afk_channel_id: null, afk_timeout: 300, verification_level: 0,
      default_message_notifications: 0, explicit_content_filter: 0, roles: this.roles(), emojis: [], stickers: [],
      features: [], mfa_level: 0, application_id: null, system_channel_id: this.ids.channelId, system_channel_flags: 0,
      rules_channel_id: null, public_updates_channel_id: null, safety_alerts_channel_id: null, max_members: 500000,
      vanity_url_code: null, premium_tier: 0, premium_subscription_count: 0, preferred_locale: "en-US",
      nsfw_level: 0, premium_progress_bar_enabled: false,
    };
  }

  guildChannels(): ApiChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === this.ids.guildId && !this.deletedChannels.has(c.id));
  }

  /** GUILD_CREATE carries the guild plus its channels and members, which makes `interaction.guild/channel` resolve. */
  guildCreatePayload(): object {
    return {
      ...this.guildObject(), joined_at: new Date().toISOString(), large: false, unavailable: false,
      member_count: this.members.size, members: [...this.members.values()], channels: this.guildChannels(), threads: [], presences: [],
      voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------- messages

  blankMessage(channelId: string, id = snowflake(), origin?: MessageOrigin): StoredMessage {
    return {
      id, channel_id: channelId, content: "", embeds: [], components: [], attachments: [], files: [],
      deleted: false, edits: 0, author: this.users.get(this.botUserId), timestamp: new Date().toISOString(),
      flags: 0, type: origin?.type === 2 ? 20 : 0, editedTimestamp: null,
      ...(origin ? { interactionToken: origin.token, webhookId: this.ids.applicationId } : {}),
    };
  }

  /** A message built from a create request; throws Discord's errors for invalid bodies. */
  newMessage(channelId: string, body: MessageBody, files: RecordedFile[], id?: string, origin?: MessageOrigin): StoredMessage {
    const message = this.blankMessage(channelId, id, origin);
    if (body.nonce !== undefined && body.nonce !== null) message.nonce = String(body.nonce);
    this.applyBody(message, body, files);
    return message;
  }

  storeMessage(message: StoredMessage): StoredMessage {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel) channel.last_message_id = message.id;
    return message;
  }

  editMessage(message: StoredMessage, body: MessageBody, files: RecordedFile[]): void {
    // Edits cannot change whether a message is ephemeral.
    const flags = body.flags == null ? undefined : (body.flags & ~MESSAGE_FLAG_EPHEMERAL) | ((message.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL);
    this.applyBody(message, { ...body, flags }, files);
    message.edits += 1;
    message.editedTimestamp = new Date().toISOString();
  }

  /** Copies content/embeds/components/attachments from a request body, then checks the result like Discord does. */
  private applyBody(message: StoredMessage, body: MessageBody, files: RecordedFile[]): void {
    const next = { ...message };
    if (body.content !== undefined) next.content = body.content ?? "";
    if (body.embeds !== undefined) next.embeds = body.embeds ?? [];
    if (body.components !== undefined) next.components = body.components ?? [];
    if (body.flags !== undefined && body.flags !== null) next.flags = body.flags;
    if (files.length > 0 || body.attachments !== undefined) {
      // v10: `attachments` lists what survives (existing ids) plus the new uploads (by index).
      const kept = new Set((body.attachments ?? message.attachments).map((a) => String(a.id)));
      const keep = message.attachments.map((a, i) => ({ a, f: message.files[i]! })).filter(({ a }) => kept.has(a.id));
      const added = files.map((f) => ({ a: this.attachmentFor(message.id, f), f }));
      next.attachments = [...keep, ...added].map(({ a }) => a);
      next.files = [...keep, ...added].map(({ f }) => f);
    }
    validateMessage(next, files);
    Object.assign(message, next);
  }

  private attachmentFor(messageId: string, file: RecordedFile): ApiAttachment {
    return {
      id: snowflake(), filename: file.name, size: file.data.length, content_type: file.contentType,
      url: `${this.baseUrl()}/attachments/${messageId}/${encodeURIComponent(file.name)}`,
    };
  }

  /** A stored message as Discord's API returns it. */
  toApiMessage(m: StoredMessage): Record<string, unknown> {
    const channel = this.channels.get(m.channel_id);
    return {
      id: m.id, type: m.type ?? 0, channel_id: m.channel_id, ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      author: m.author, content: m.content, embeds: m.embeds, components: m.components,
      attachments: m.attachments.map((a) => ({ ...a, proxy_url: a.url })), timestamp: m.timestamp,
      edited_timestamp: m.editedTimestamp ?? null, flags: m.flags ?? 0, tts: false, mention_everyone: false,
      mentions: [], mention_roles: [], mention_channels: [], pinned: false, reactions: [],
      ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
      ...(m.webhookId ? { webhook_id: m.webhookId, application_id: this.ids.applicationId } : {}),
    };
  }

  // ---------------------------------------------------------------- commands

  overwriteCommands(appId: string | undefined, list: unknown, guildId?: string): ApiCommand[] {
    if (appId !== this.ids.applicationId) throw new ApiError(403, 50001, "Missing Access");
    if (!Array.isArray(list)) throw formError("_errors", "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType");
    const saved = (list as Record<string, unknown>[]).map((c) => ({
      id: this.stableCommandId(`${String(c.name)}:${Number(c.type ?? 1)}:${guildId ?? ""}`), application_id: this.ids.applicationId,
      version: snowflake(), type: Number(c.type ?? 1), name: String(c.name), description: c.description ?? "", options: c.options ?? [],
      default_member_permissions: c.default_member_permissions ?? null, nsfw: c.nsfw ?? false,
      contexts: c.contexts ?? null, integration_types: c.integration_types ?? [0],
      name_localizations: c.name_localizations ?? null, description_localizations: c.description_localizations ?? null,
      ...(guildId ? { guild_id: guildId } : { dm_permission: c.dm_permission ?? true }),
    }));
    if (guildId) this.commands.guild.set(guildId, saved);
    else this.commands.global = saved;
    return saved;
  }

  /** The registered command's id, else one kept stable per name so repeated interactions agree. */
  commandIdFor(name: string, guildId: string | null): string {
    const registered = [...(guildId ? this.commands.guild.get(guildId) ?? [] : []), ...this.commands.global].find((c) => c.name === name);
    return registered?.id ?? this.stableCommandId(`${name}:1:`);
  }

  private stableCommandId(key: string): string {
    if (!this.commandIds.has(key)) this.commandIds.set(key, snowflake());
    return this.commandIds.get(key)!;
  }
}

function validateMessage(m: StoredMessage, uploads: RecordedFile[]): void {
  const componentsV2 = ((m.flags ?? 0) & MESSAGE_FLAG_COMPONENTS_V2) !== 0;
  if (!m.content && m.embeds.length === 0 && m.attachments.length === 0 && m.components.length === 0 && !componentsV2) {
    throw new ApiError(400, 50006, "Cannot send an empty message");
  }
  if (m.content.length > 2000) throw formError("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
  if (m.embeds.length > 10) throw formError("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  if (uploads.reduce((n, f) => n + f.data.length, 0) > MAX_UPLOAD_BYTES) throw new ApiError(413, 40005, "Request entity too large");
}
