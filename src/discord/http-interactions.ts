import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, DefaultRestOptions, Events, type Interaction } from "discord.js";
import { ConfigError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { discordPublicKey, isSignedByDiscord } from "./interaction-signature.ts";

/** Interaction payloads are a few KiB; anything near this is not from Discord. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Discord gives up after 3 s; a command still silent after this gets a deferral in time. */
const DEFER_AFTER_MS = 2500;
const CALLBACK_PATH = /\/interactions\/(\d+)\/([^/]+)\/callback$/;
const PING = 1;
const AUTOCOMPLETE = 4;
const NOT_AN_INTERACTION = "The body is not a Discord interaction (a JSON object with id, type, token and application_id).";

type ResponseLike = Awaited<ReturnType<typeof DefaultRestOptions.makeRequest>>;
type RequestInit = Parameters<typeof DefaultRestOptions.makeRequest>[1];

export interface InteractionsEndpoint {
  /** where Discord should POST: http://HOST:PORT/interactions */
  url: string;
  /** the discord.js client the interactions belong to (never logged in to a gateway) */
  client: Client;
  stop(): Promise<void>;
}

export interface InteractionsEndpointOptions {
  /** the application's Ed25519 public key, hex */
  publicKey: string;
  /** bot token, for everything the commands send besides the first response */
  token: string;
  apiUrl: string;
  host: string;
  port: number;
  log: Logger;
  onInteraction: (interaction: Interaction) => Promise<void>;
  /** tests shorten it; default 2.5 s */
  deferAfterMs?: number;
}

/** An interaction whose HTTP request is still open, or was answered with a deferral. */
interface Pending {
  applicationId: string;
  token: string;
  type: number;
  /** set while the HTTP request waits for the first response */
  res?: ServerResponse;
  deferred: boolean;
  /** discord.js made an Interaction of it (it skips types it does not know) */
  handled: boolean;
}

/**
 * Discord's HTTP-interactions mode: Discord POSTs each interaction here (signed), and the first
 * response goes back in the HTTP answer. The interactions become ordinary discord.js objects
 * for the same router as the gateway's; the client's REST layer turns their first response
 * (`POST /interactions/:id/:token/callback`) into the HTTP answer, and everything after it
 * (edits, follow-ups, channel posts) goes to Discord's API as usual.
 */
export async function startInteractionsEndpoint(opts: InteractionsEndpointOptions): Promise<InteractionsEndpoint> {
  const key = discordPublicKey(opts.publicKey);
  const deferAfterMs = opts.deferAfterMs ?? DEFER_AFTER_MS;
  const pending = new Map<string, Pending>();

  const client = new Client({
    intents: [],
    rest: { api: opts.apiUrl, makeRequest: (url, init) => answerOrSend(url, init as RequestInit) },
    allowedMentions: { parse: [] },
  });
  client.rest.setToken(opts.token);
  client.on(Events.InteractionCreate, (interaction) => {
    const p = pending.get(interaction.id);
    if (p) p.handled = true;
    void opts.onInteraction(interaction).finally(() => finish(interaction));
  });
  // Not part of discord.js's typings, but what its gateway handler calls for INTERACTION_CREATE.
  const actions = (client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }).actions;

  const server = createServer((req, res) => void serve(req, res).catch((err) => {
    opts.log.error({ err }, "interactions endpoint failed");
    if (!res.headersSent) reply(res, 500, { error: "internal error" });
  }));

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? "/", "http://endpoint").pathname !== "/interactions") return reply(res, 404, { error: "not found" });
    if (req.method !== "POST") return reply(res, 405, { error: "POST only" });
    const body = await readBody(req, MAX_BODY_BYTES);
    // A client that hangs up mid-body is the network's doing, not ours: no error, no stack.
    if (body === "aborted") return void opts.log.debug("an interactions request was abandoned before its body arrived");
    if (body === "too large") return reply(res, 413, { error: "The body is over 1 MiB, and no interaction is that large." }, { connection: "close" });
    const signed = isSignedByDiscord(key, { signature: header(req, "x-signature-ed25519"), timestamp: header(req, "x-signature-timestamp"), body });
    if (!signed) return reply(res, 401, { error: "The request signature is not Discord's (or is over 5 minutes old)." });
    const data = interactionOf(body);
    if (data === "ping") return reply(res, 200, { type: PING });
    if (!data) return reply(res, 400, { error: NOT_AN_INTERACTION });
    const p: Pending = { applicationId: data.application_id, token: data.token, type: Number(data.type), res, deferred: false, handled: false };
    pending.set(data.id, p);
    const timer = setTimeout(() => deferInTime(p), deferAfterMs);
    res.on("close", () => {
      clearTimeout(timer);
      p.res = undefined;
      if (!p.deferred) pending.delete(data.id!);
    });
    try {
      actions.InteractionCreate.handle(data);
    } catch (err) {
      // discord.js could not make an interaction of it (fields missing): Discord never sends that.
      opts.log.debug({ message: err instanceof Error ? err.message : String(err) }, "a signed body discord.js could not read as an interaction");
    }
    if (!p.handled) {
      pending.delete(data.id);
      clearTimeout(timer);
      if (!res.headersSent) reply(res, 400, { error: NOT_AN_INTERACTION });
    }
  }

  /** The command is slow: acknowledge now so Discord keeps the interaction, answer later by edit. */
  function deferInTime(p: Pending): void {
    if (!p.res) return;
    // Autocomplete cannot be deferred: an empty list is the only answer left.
    const body = p.type === AUTOCOMPLETE ? { type: 8, data: { choices: [] } } : { type: 5 };
    p.deferred = p.type !== AUTOCOMPLETE;
    reply(p.res, 200, body);
    p.res = undefined;
  }

  /** The handler is done; one that never responded gets an error answer, as the gateway would show. */
  function finish(interaction: Interaction): void {
    const p = pending.get(interaction.id);
    if (p?.res) {
      opts.log.warn({ interaction: interaction.id }, "interaction handled without a response");
      reply(p.res, 500, { error: "no response" });
      p.res = undefined;
    }
    pending.delete(interaction.id);
  }

  async function answerOrSend(url: string, init: RequestInit): Promise<ResponseLike> {
    const match = CALLBACK_PATH.exec(new URL(url).pathname);
    const p = match ? pending.get(match[1]!) : undefined;
    if (!match || !p || p.token !== decodeURIComponent(match[2]!)) return DefaultRestOptions.makeRequest(url, init);
    if (p.res) {
      const res = p.res;
      p.res = undefined;
      pending.delete(match[1]!);
      await answerWith(res, init.body);
      return noContent();
    }
    return lateCallback(url, init, p);
  }

  /**
   * The deferral went out already: a reply (4) or message update (7) becomes an edit of the
   * original response; a defer (5, 6) has nothing left to do.
   */
  async function lateCallback(url: string, init: RequestInit, p: Pending): Promise<ResponseLike> {
    const { callback, form } = await readCallback(init.body);
    if (callback.type !== 4 && callback.type !== 7) {
      if (callback.type !== 5 && callback.type !== 6) opts.log.warn({ type: callback.type }, "a response of this type cannot follow a deferral; dropped");
      return noContent();
    }
    const edit = new URL(url);
    edit.pathname = edit.pathname.replace(CALLBACK_PATH, `/webhooks/${p.applicationId}/${encodeURIComponent(p.token)}/messages/%40original`);
    edit.search = "";
    const message = JSON.stringify(callback.data ?? {});
    const res = await DefaultRestOptions.makeRequest(edit.toString(), { ...init, method: "PATCH", body: (form ? replacePayload(form, message) : message) as RequestInit["body"] });
    return res.ok ? noContent() : res;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/interactions`,
    client,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.destroy();
    },
  };
}

/**
 * The endpoint `genlab start` serves when GENLAB_INTERACTIONS_PORT is set (undefined when it
 * is not); it needs the public key to check Discord's signatures and the token to post.
 */
export async function startConfiguredInteractionsEndpoint(opts: { config: Config; log: Logger; onInteraction: (i: Interaction) => Promise<void> }): Promise<InteractionsEndpoint | undefined> {
  const { config, log } = opts;
  if (config.GENLAB_INTERACTIONS_PORT === undefined) return undefined;
  if (!config.DISCORD_PUBLIC_KEY) throw new ConfigError("GENLAB_INTERACTIONS_PORT is set but DISCORD_PUBLIC_KEY is not: copy the public key from your application's General Information page.");
  if (!config.DISCORD_TOKEN) throw new ConfigError("GENLAB_INTERACTIONS_PORT is set but DISCORD_TOKEN is not: the endpoint needs the bot token to send results.");
  const endpoint = await startInteractionsEndpoint({
    publicKey: config.DISCORD_PUBLIC_KEY,
    token: config.DISCORD_TOKEN,
    apiUrl: config.DISCORD_API_URL,
    host: config.GENLAB_INTERACTIONS_HOST,
    port: config.GENLAB_INTERACTIONS_PORT,
    log,
    onInteraction: opts.onInteraction,
  });
  log.info({ url: endpoint.url }, `HTTP interactions: serving ${endpoint.url} (Discord's Interactions Endpoint URL is your HTTPS proxy in front of it)`);
  return endpoint;
}

/** Writes the callback body discord.js made (JSON, or multipart when it carries files) as the HTTP answer. */
async function answerWith(res: ServerResponse, body: RequestInit["body"]): Promise<void> {
  if (body instanceof FormData) {
    // Response serialises the form with a fresh boundary, as fetch would.
    const encoded = new Response(body);
    const bytes = Buffer.from(await encoded.arrayBuffer());
    res.writeHead(200, { "content-type": encoded.headers.get("content-type")!, "content-length": bytes.length });
    res.end(bytes);
  } else {
    const text = typeof body === "string" ? body : Buffer.from(body as Uint8Array).toString("utf8");
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }
}

async function readCallback(body: RequestInit["body"]): Promise<{ callback: { type: number; data?: unknown }; form?: FormData }> {
  if (body instanceof FormData) return { callback: JSON.parse(String(body.get("payload_json"))), form: body };
  return { callback: JSON.parse(typeof body === "string" ? body : Buffer.from(body as Uint8Array).toString("utf8")) };
}

/** The same files under a message body instead of a callback body. */
function replacePayload(form: FormData, payloadJson: string): FormData {
  const next = new FormData();
  for (const [name, value] of form.entries()) next.append(name, name === "payload_json" ? payloadJson : value);
  return next;
}

function noContent(): ResponseLike {
  return new Response(null, { status: 204 }) as unknown as ResponseLike;
}

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

type RawInteraction = { id: string; type: number; token: string; application_id: string } & Record<string, unknown>;

/** The interaction, when the body is a JSON object with the fields the endpoint routes by; "ping" for a PING. */
function interactionOf(body: Buffer): RawInteraction | "ping" | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o.type === PING) return "ping";
  if (typeof o.id !== "string" || typeof o.type !== "number" || typeof o.token !== "string" || typeof o.application_id !== "string") return undefined;
  return o as RawInteraction;
}

/**
 * The whole body; "too large" as soon as it passes `limit` bytes (declared or read: the rest is
 * not kept), "aborted" when the client hangs up first.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too large" | "aborted"> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.resolve("too large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | "too large" | "aborted") => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done("too large");
      chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onError = () => done("aborted");
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}
