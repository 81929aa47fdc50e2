import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { EngineRegistry } from "../engines/registry.ts";
import type { Logger } from "../log.ts";
import type { StoredMessage, LocalDiscord } from "./local-discord/index.ts";
import { CommandInputError, parseCommandLine, type CommandJson } from "./parse-command.ts";
import type { PasswordGate } from "./password-gate.ts";
import { allowedHostnames, contentTypeRefusal, hostRefusal, originRefusal, readJsonObject, type Refusal } from "./request-guard.ts";
import { suggest } from "./suggest.ts";

/** The one local user of the playground: may do what a teacher may (Manage Server). */
export const PLAYGROUND_USER = { id: "100000000000000001", username: "you", permissions: "32" };

export interface PlaygroundServerOptions {
  host: string;
  port: number;
  /** the password check, when the playground has a password */
  gate?: PasswordGate;
  local: LocalDiscord;
  commands: CommandJson[];
  engines: EngineRegistry;
  log: Logger;
}

const pageDir = fileURLToPath(new URL("./page/", import.meta.url));
const assets: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

/**
 * The playground's web server: the page, a JSON API that turns typed commands and button
 * clicks into interactions on the local Discord, and a server-sent event stream of the
 * channel's messages as the bot creates and edits them.
 */
export async function startPlaygroundServer(o: PlaygroundServerOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const channelId = o.local.channelId;
  const hostnames = allowedHostnames(o.host);
  let shownUrl = "";
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log.error({ err }, "playground request failed");
      if (!res.headersSent) send(res, 500, { error: "The playground hit an unexpected error; see GenLab's log." });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://playground");
    // Another web page can make the browser send requests here (a form, a fetch, a rebound
    // DNS name); only the playground's own page, at its own address, is obeyed.
    const refusal = hostRefusal(req, hostnames, shownUrl) ?? originRefusal(req) ?? o.gate?.refusal(req) ?? (req.method === "POST" ? contentTypeRefusal(req) : undefined);
    if (refusal) return refuse(res, url.pathname, refusal);
    const asset = req.method === "GET" ? assets[url.pathname] : undefined;
    if (asset) {
      res.writeHead(200, { "content-type": asset.type, "cache-control": "no-store" });
      return void res.end(readFileSync(pageDir + asset.file));
    }
    if (req.method === "GET" && url.pathname === "/api/commands") return send(res, 200, o.commands);
    if (req.method === "GET" && url.pathname === "/api/engines") return send(res, 200, o.engines.list().map((e) => ({ name: e.name, title: e.title, ...e.status() })));
    if (req.method === "GET" && url.pathname === "/api/events") return events(req, res);
    if (req.method === "GET" && url.pathname.startsWith("/files/")) return file(url.pathname, res);
    const post = req.method === "POST" ? postRoutes[url.pathname] : undefined;
    if (post) {
      const body = await readJsonObject(req);
      if (body.ok) return post(body.value, res);
      if ("refusal" in body) return refuse(res, url.pathname, body.refusal);
      return void o.log.debug({ path: url.pathname }, "a playground request was abandoned before its body arrived");
    }
    send(res, 404, { error: `Nothing at ${url.pathname}.` });
  }

  const postRoutes: Record<string, (body: Record<string, unknown>, res: ServerResponse) => Promise<void>> = {
    "/api/command": command,
    "/api/suggest": async (body, res) => send(res, 200, await suggest(String(body.text ?? ""), o.commands, autocomplete)),
    "/api/component": component,
  };

  async function command(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    let parsed;
    try {
      parsed = parseCommandLine(String(body.text ?? ""), o.commands);
    } catch (e) {
      if (e instanceof CommandInputError) return send(res, 400, { error: e.message });
      throw e;
    }
    const h = o.local.interact({ name: parsed.name, options: parsed.options, userId: PLAYGROUND_USER.id, username: PLAYGROUND_USER.username, permissions: PLAYGROUND_USER.permissions });
    const cb = await h.callback(10_000);
    send(res, 200, { interactionId: h.id, callbackType: cb.type });
  }

  async function component(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const message = o.local.messages.get(String(body.messageId ?? ""));
    const customId = String(body.customId ?? "");
    if (!message || !customId) return send(res, 400, { error: "That button's message is gone: run the command again." });
    const h = o.local.interact({ type: 3, customId, componentType: 2, messageId: message.id, userId: PLAYGROUND_USER.id, username: PLAYGROUND_USER.username, permissions: PLAYGROUND_USER.permissions });
    const cb = await h.callback(10_000);
    send(res, 200, { interactionId: h.id, callbackType: cb.type });
  }

  /** Runs an autocomplete interaction through the bot, as Discord does while someone types. */
  async function autocomplete(name: string, options: unknown[]): Promise<{ name: string; value: string | number }[]> {
    const cb = await o.local.interact({ type: 4, name, options, userId: PLAYGROUND_USER.id, username: PLAYGROUND_USER.username, permissions: PLAYGROUND_USER.permissions }).callback(5_000);
    return (cb.data?.choices as { name: string; value: string | number }[] | undefined) ?? [];
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    const seen = new Map<string, string>();
    const push = () => {
      for (const m of o.local.messages.values()) {
        if (m.channel_id !== channelId) continue;
        const version = `${m.edits}|${m.deleted}|${m.attachments.length}|${m.content.length}`;
        if (seen.get(m.id) === version) continue;
        seen.set(m.id, version);
        res.write(`event: message\ndata: ${JSON.stringify(view(m))}\n\n`);
      }
    };
    push();
    const unwatch = o.local.watch(push);
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    req.on("close", () => {
      unwatch();
      clearInterval(ping);
    });
  }

  /** A message for the page: Discord's shape, attachment URLs pointing at this server. */
  function view(m: StoredMessage) {
    const api = o.local.apiMessage(m) as { embeds: { image?: { url?: string } }[] };
    // An embed may show another message's attachment (U1–U4) by its local-Discord URL, which
    // the browser cannot reach off loopback, nor with the password: the page gets it from here.
    const direct = `${o.local.baseUrl}/attachments/`;
    const embeds = api.embeds.map((e) => (e.image?.url?.startsWith(direct) ? { ...e, image: { ...e.image, url: `/files/${e.image.url.slice(direct.length)}` } } : e));
    return {
      ...api,
      embeds,
      deleted: m.deleted,
      attachments: m.attachments.map((a) => ({ ...a, url: `/files/${m.id}/${encodeURIComponent(a.filename)}` })),
    };
  }

  function file(path: string, res: ServerResponse): void {
    const [, , messageId, name] = path.split("/");
    const m = o.local.messages.get(messageId ?? "");
    const i = m ? m.attachments.findIndex((a) => a.filename === decodeURIComponent(name ?? "")) : -1;
    if (!m || i < 0 || m.channel_id !== channelId) return send(res, 404, { error: "No such file." });
    const f = m.files[i]!;
    res.writeHead(200, { "content-type": f.contentType || "application/octet-stream", "cache-control": "max-age=3600" });
    res.end(f.data);
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, o.host, () => resolve());
    });
  try {
    await listen(o.port);
  } catch (e) {
    // Another program (or another GenLab) has the port: any free one beats not starting.
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || o.port === 0) throw e;
    await listen(0);
    o.log.warn({ port: o.port }, `port ${o.port} is taken: the playground uses another (set GENLAB_PLAYGROUND_PORT to choose)`);
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = o.host.includes(":") ? `[${o.host}]` : o.host;
  shownUrl = `http://${shownHost === "0.0.0.0" || shownHost === "[::]" ? "127.0.0.1" : shownHost}:${port}/`;
  return {
    url: shownUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One sentence: JSON `{ error }` for the page's API, plain text for a person's browser. */
function refuse(res: ServerResponse, path: string, r: Refusal): void {
  if (path.startsWith("/api/")) return send(res, r.status, { error: r.sentence }, r.headers);
  res.writeHead(r.status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...r.headers });
  res.end(r.sentence);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}
