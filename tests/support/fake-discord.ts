/**
 * The tests' fake Discord: the playground's local Discord (src/playground/local-discord) plus
 * what only tests need — a log of every request, waiting on requests and messages, and the
 * fault switches (server errors, 429s, expired tokens, dropped gateway connections, deleted
 * channels), so the product does not ship them.
 */
import {
  LocalDiscord, type HandledRequest, type InteractionHandle as LocalHandle, type InteractOptions as LocalOptions, type LocalDiscordOptions, type RecordedFile, type StoredMessage,
} from "../../src/playground/local-discord/index.ts";
import type { Reply } from "../../src/playground/local-discord/wire.ts";
import { waitUntil } from "./wait.ts";

export { snowflake } from "../../src/playground/local-discord/index.ts";
export type { RecordedFile } from "../../src/playground/local-discord/index.ts";
export type { ApiAttachment as FakeAttachment } from "../../src/playground/local-discord/wire.ts";

/**
 * Discord's JSON as tests read it: assertions reach into embeds, components and bodies
 * directly, and a wrong shape fails the assertion, which is the check.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
export interface FakeMessage extends Omit<StoredMessage, "embeds" | "components"> { embeds: Json[]; components: Json[] }
export interface InteractOptions extends Omit<LocalOptions, "options"> { options?: Json[] }
export interface RecordedRequest extends Omit<HandledRequest, "body"> { body: Json }
export interface InteractionHandle extends Omit<LocalHandle, "callback" | "original" | "followUps"> {
  callback(timeoutMs?: number): Promise<{ type: number; data: Json; files: RecordedFile[] }>;
  original(): FakeMessage | undefined;
  followUps(): FakeMessage[];
}

export interface FakeDiscordOptions extends LocalDiscordOptions {
  /** off for long bursts: the log would hold every upload */
  recordRequests?: boolean;
}
type RequestMatch = (r: { method: string; path: string }) => boolean;
interface Fault { match: RequestMatch; left: number; reply: Reply }

export class FakeDiscord extends LocalDiscord {
  /** every answered request, unless started with `recordRequests: false` (a long burst would hold every upload) */
  readonly requests: RecordedRequest[] = [];
  /** server errors, checked before the 429s */
  private readonly failures: Fault[] = [];
  private readonly rateLimits: Fault[] = [];
  private readonly recording: boolean;

  constructor(opts: FakeDiscordOptions = {}) {
    super(opts);
    this.recording = opts.recordRequests ?? true;
  }

  static override async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await fake.listen(opts.port ?? 0);
    return fake;
  }

  override interact(opts: InteractOptions = {}): InteractionHandle {
    return super.interact(opts) as InteractionHandle;
  }

  override get messages(): Map<string, FakeMessage> {
    return super.messages as Map<string, FakeMessage>;
  }

  override channelMessages(channelId: string): FakeMessage[] {
    return super.channelMessages(channelId) as FakeMessage[];
  }

  /**
   * An interaction's first response type, or undefined once this fake Discord has refused one
   * as later than Discord's 3 s (counted from `lateBefore`, the count when it was sent).
   */
  async acknowledged(h: InteractionHandle, lateBefore: number): Promise<number | undefined> {
    let settled = false;
    const refused = waitUntil(async () => settled || this.lateCallbacks > lateBefore, "an acknowledgement or its refusal", 120_000).then(() => undefined);
    const type = await Promise.race([h.callback(120_000).then((cb) => cb.type), refused]);
    settled = true; // its poll ends within 100 ms; the next command need not wait for that
    return type;
  }

  /**
   * `/queue` after `/queue`, each sent the moment the one before is answered, until `watch` says
   * the work being watched has ended (polled every 250 ms): at every moment one command waits for
   * its answer, as in a busy class. Each answer's type (undefined: refused as late) comes with
   * what `watch` last said was going on when it was sent.
   */
  async queueWhile(watch: () => Promise<{ during: string; ended: boolean }>): Promise<{ type: number | undefined; during: string }[]> {
    const sent: { type: number | undefined; during: string }[] = [];
    let state = await watch();
    const watcher = (async () => {
      while (!state.ended) {
        await new Promise((r) => setTimeout(r, 250));
        state = await watch();
      }
    })();
    for (let k = 0; !state.ended; k++) {
      const during = state.during;
      const h = this.interact({ name: "queue", userId: String(600000000000000100n + BigInt(k % 10)) });
      sent.push({ type: await this.acknowledged(h, this.lateCallbacks), during });
    }
    await watcher;
    return sent;
  }

  /** Registered slash commands, as the bot last overwrote them. */
  get commands(): { global: Json[]; guild: Map<string, Json[]> } {
    return this.store.commands;
  }

  /** The next `count` matching requests fail with a server error (Discord's 500s and 502s happen). */
  failNext(match: RegExp, count = 1, status = 500): void {
    this.failures.push({ match: (r) => match.test(r.path), left: count, reply: { status, body: { message: `${status}: Internal Server Error`, code: 0 } } });
  }

  /** The next `count` matching requests get a 429 with `retry-after`. */
  rateLimitNext(match: RegExp | RequestMatch, retryAfterSeconds: number, count = 1): void {
    const test = match instanceof RegExp ? (r: { path: string }) => match.test(r.path) : match;
    this.rateLimits.push({
      match: test, left: count,
      reply: {
        status: 429, body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
        headers: { "retry-after": String(retryAfterSeconds), "x-ratelimit-scope": "user" },
      },
    });
  }

  /** The interaction's token stops working, as after Discord's 15 minutes. */
  expireToken(token: string): void {
    const state = this.interactions.withToken(token);
    if (!state) throw new Error("FakeDiscord.expireToken: unknown interaction token");
    state.expired = true;
  }

  deleteChannel(channelId: string): void {
    this.store.deleteChannel(channelId);
  }

  connectedSessions(): number {
    return this.gateway.connectedSessions();
  }

  /** Close every gateway socket with 4000 (unknown error); discord.js reconnects and resumes. */
  dropConnections(): void {
    for (const socket of this.gateway.sockets) socket.close(4000, "LocalDiscord: connection dropped");
  }

  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 60_000): Promise<RecordedRequest> {
    return this.waitUntil(() => this.requests.find(pred), timeoutMs, "a matching request");
  }

  waitForMessage(pred: (m: FakeMessage) => boolean, timeoutMs = 60_000): Promise<FakeMessage> {
    return this.waitUntil(() => [...this.messages.values()].find(pred), timeoutMs, "a matching message");
  }

  protected override intercept(request: { method: string; path: string }): Reply | undefined {
    const fault = [...this.failures, ...this.rateLimits].find((f) => f.left > 0 && f.match(request));
    if (!fault) return undefined;
    fault.left -= 1;
    return fault.reply;
  }

  protected override handled(request: HandledRequest): void {
    if (this.recording) this.requests.push(request);
  }

  protected override describeTraffic(): string {
    if (this.requests.length === 0) return "No requests were recorded.";
    const lines = this.requests.map((r) => `  ${r.status} ${r.method} ${r.path}${r.query.size ? `?${r.query}` : ""}`);
    return `Recorded requests:\n${lines.join("\n")}`;
  }
}
