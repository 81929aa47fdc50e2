import { DiscordAPIError, REST, Routes, type APIMessage, type RESTPostAPIChannelMessageJSONBody } from "discord.js";
import type { APIEmbed, APIActionRowComponent, APIComponentInMessageActionRow } from "discord.js";

export interface OutgoingFile {
  name: string;
  data: Buffer;
}

export interface OutgoingMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files?: OutgoingFile[];
}

/** Where a job's result goes: the interaction reply while its token lives, else the channel. */
export interface ResultTarget {
  applicationId: string | null;
  interactionToken: string | null;
  tokenExpiresAt: Date | null;
  channelId: string | null;
  requesterId: string;
  /** Stable per result, so a retried post is recognised by Discord and not doubled. */
  nonce: string;
}

export interface Delivered {
  messageId: string;
  channelId: string;
  via: "interaction" | "channel";
}

/**
 * A stable nonce for one post (Discord allows 25 characters): the record's id hex digits,
 * plus a suffix when one record posts several messages (a run's epochs).
 */
export function discordNonce(id: string, suffix = ""): string {
  return id.replace(/-/g, "").slice(0, 25 - suffix.length) + suffix;
}

/** Discord error codes that mean "GenLab can no longer post in that channel". */
export const CHANNEL_GONE = new Set([10003, 50001, 50013]);

export function isChannelGone(e: unknown): boolean {
  return e instanceof DiscordAPIError && CHANNEL_GONE.has(Number(e.code));
}

/** Discord error codes that mean "this interaction token can no longer be used". */
const DEAD_TOKEN = new Set([50027, 10015]);
/** Tokens live 15 minutes; stop using one a minute early rather than race its expiry. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * Posts job results over Discord's REST API (no gateway needed, so a GPU host running only
 * workers can post too). Both paths are idempotent: editing the original reply twice leaves
 * one message, and a channel post carries a nonce with enforce_nonce, which Discord dedupes.
 */
export class DiscordPublisher {
  constructor(private readonly rest: REST) {}

  static fromToken(token: string, apiUrl: string): DiscordPublisher {
    return new DiscordPublisher(new REST({ api: apiUrl }).setToken(token));
  }

  async deliver(target: ResultTarget, message: OutgoingMessage): Promise<Delivered> {
    if (this.tokenUsable(target)) {
      try {
        const m = await this.editOriginal(target.applicationId!, target.interactionToken!, message);
        return { messageId: m.id, channelId: m.channel_id, via: "interaction" };
      } catch (e) {
        if (!(e instanceof DiscordAPIError && DEAD_TOKEN.has(Number(e.code)))) throw e;
      }
    }
    if (!target.channelId) throw new Error("the interaction token expired and the request has no channel to post to");
    const m = await this.postToChannel(target.channelId, {
      ...message,
      // Past the token's life the reply is a new message: say who it is for.
      content: `<@${target.requesterId}> ${message.content ?? ""}`.trim(),
    }, target.nonce, [target.requesterId]);
    return { messageId: m.id, channelId: m.channel_id, via: "channel" };
  }

  editOriginal(applicationId: string, token: string, message: OutgoingMessage): Promise<APIMessage> {
    return this.rest.patch(Routes.webhookMessage(applicationId, token, "@original"), {
      body: { ...body(message), allowed_mentions: { parse: [] } },
      files: message.files?.map((f) => ({ name: f.name, data: f.data })),
      auth: false,
    }) as Promise<APIMessage>;
  }

  postToChannel(channelId: string, message: OutgoingMessage, nonce?: string, mentionUsers: string[] = []): Promise<APIMessage> {
    const payload: RESTPostAPIChannelMessageJSONBody = {
      ...body(message),
      allowed_mentions: { parse: [], users: mentionUsers },
      ...(nonce ? { nonce, enforce_nonce: true } : {}),
    };
    return this.rest.post(Routes.channelMessages(channelId), {
      body: payload,
      files: message.files?.map((f) => ({ name: f.name, data: f.data })),
    }) as Promise<APIMessage>;
  }

  /**
   * Shows progress on the interaction reply while its token lives; does nothing after (a
   * channel post per progress step would be noise, and the result posts there anyway).
   */
  async progress(target: ResultTarget, message: OutgoingMessage): Promise<void> {
    if (this.tokenUsable(target)) await this.editOriginal(target.applicationId!, target.interactionToken!, message);
  }

  editChannelMessage(channelId: string, messageId: string, message: OutgoingMessage): Promise<APIMessage> {
    return this.rest.patch(Routes.channelMessage(channelId, messageId), {
      body: { ...body(message), allowed_mentions: { parse: [] } },
      files: message.files?.map((f) => ({ name: f.name, data: f.data })),
    }) as Promise<APIMessage>;
  }

  private tokenUsable(t: ResultTarget): boolean {
    return Boolean(t.applicationId && t.interactionToken && t.tokenExpiresAt && t.tokenExpiresAt.getTime() - TOKEN_MARGIN_MS > Date.now());
  }
}

function body(message: OutgoingMessage) {
  return {
    content: message.content ?? "",
    embeds: message.embeds ?? [],
    components: message.components ?? [],
    // Replaces any earlier attachments; ids index into `files`.
    attachments: (message.files ?? []).map((f, i) => ({ id: i, filename: f.name })),
  };
}

/** What the workers need to post results and training progress. */
export type Publisher = Pick<DiscordPublisher, "deliver" | "progress" | "postToChannel" | "editChannelMessage">;

/**
 * Sends each post to the Discord its request came from: the playground's local Discord owns
 * its application and channels; everything else goes to the real one (when there is a token).
 */
export class RoutingPublisher implements Publisher {
  constructor(
    private readonly local: { publisher: DiscordPublisher; applicationId: string; ownsChannel: (channelId: string) => boolean },
    private readonly remote?: DiscordPublisher,
  ) {}

  deliver(target: ResultTarget, message: OutgoingMessage): Promise<Delivered> {
    return this.pick(this.isLocal(target)).deliver(target, message);
  }

  progress(target: ResultTarget, message: OutgoingMessage): Promise<void> {
    return this.pick(this.isLocal(target)).progress(target, message);
  }

  private isLocal(target: ResultTarget): boolean {
    return target.applicationId === this.local.applicationId || (target.channelId !== null && this.local.ownsChannel(target.channelId));
  }

  postToChannel(channelId: string, message: OutgoingMessage, nonce?: string, mentionUsers?: string[]): Promise<APIMessage> {
    return this.pick(this.local.ownsChannel(channelId)).postToChannel(channelId, message, nonce, mentionUsers);
  }

  editChannelMessage(channelId: string, messageId: string, message: OutgoingMessage): Promise<APIMessage> {
    return this.pick(this.local.ownsChannel(channelId)).editChannelMessage(channelId, messageId, message);
  }

  private pick(local: boolean): DiscordPublisher {
    if (local) return this.local.publisher;
    if (!this.remote) throw new Error("this request came from Discord, but this process has no DISCORD_TOKEN to post with");
    return this.remote;
  }
}
