import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ApiError, json, type Ctx, type HandledRequest, type MessageBody, type RecordedFile, type Reply } from "./wire.ts";

const API_PREFIX = /^\/api\/v\d+(?=\/|$)/;

/** Why a download is refused (status, one sentence, headers), or undefined to serve it. */
export type AttachmentGuard = (req: IncomingMessage) => { status: number; sentence: string; headers?: Record<string, string> } | undefined;

interface Route { method: string; re: RegExp; keys: string[]; auth: boolean; handler: (ctx: Ctx) => Reply | Promise<Reply> }

export interface HttpHooks {
  token: string;
  /** the bytes behind an attachment URL, or undefined */
  attachment(messageId: string, filename: string): RecordedFile | undefined;
  attachmentGuard?: AttachmentGuard;
  /** runs before a webhook route: an HTTP-interactions answer must land first */
  beforeWebhook(token: string | undefined): Promise<void>;
  /** an answer that replaces the route's (a fault a test asked for), or undefined */
  intercept(request: { method: string; path: string }): Reply | undefined;
  /** every request once answered */
  handled(request: HandledRequest): void;
}

/**
 * The local Discord's HTTP side: REST routes under /api/v10 (bot-token auth where Discord
 * wants it, JSON and multipart bodies, Discord-shaped errors) and attachment downloads.
 */
export class HttpApi {
  readonly server: Server;
  private readonly routes: Route[] = [];

  constructor(private readonly hooks: HttpHooks) {
    this.server = createServer((req, res) => void this.onRequest(req, res));
  }

  route(method: string, pattern: string, handler: Route["handler"], auth = true): void {
    const keys: string[] = [];
    const source = pattern.replace(/:(\w+)/g, (_m, key: string) => { keys.push(key); return "([^/]+)"; });
    this.routes.push({ method, re: new RegExp(`^${source}$`), keys, auth, handler });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v ?? ""]));
    const raw = await readBody(req);
    const isApi = API_PREFIX.test(url.pathname);
    const path = decodePath(url.pathname.replace(API_PREFIX, ""));
    let body: MessageBody | null = null;
    let files: RecordedFile[] = [];
    let reply: Reply;
    try {
      ({ body, files } = await parseBody(raw, headers["content-type"] ?? ""));
      reply = isApi ? await this.dispatch(method, path, url.searchParams, headers, body, files) : this.serveAttachment(method, path, req);
    } catch (err) {
      reply = err instanceof ApiError
        ? json({ message: err.message, code: err.code, ...err.extra }, err.status)
        : json({ message: `500: Internal Server Error (${String(err)})`, code: 0 }, 500);
    }
    send(res, reply);
    this.hooks.handled({ method, path, query: url.searchParams, headers, body, files, at, status: reply.status });
  }

  private async dispatch(method: string, path: string, query: URLSearchParams, headers: Record<string, string>, body: MessageBody | null, files: RecordedFile[]): Promise<Reply> {
    const intercepted = this.hooks.intercept({ method, path });
    if (intercepted) return intercepted;
    for (const route of this.routes) {
      const match = route.method === method ? route.re.exec(path) : null;
      if (!match) continue;
      if (route.auth && headers.authorization !== `Bot ${this.hooks.token}`) return json({ message: "401: Unauthorized", code: 0 }, 401);
      const params = Object.fromEntries(route.keys.map((k, i) => [k, match[i + 1]!]));
      if (path.startsWith("/webhooks/")) await this.hooks.beforeWebhook(params.token);
      return route.handler({ method, path, params, query, body, files });
    }
    return json({ message: "404: Not Found", code: 0 }, 404);
  }

  /** GET /attachments/:messageId/:filename — the bytes behind an attachment URL. */
  private serveAttachment(method: string, path: string, req: IncomingMessage): Reply {
    const refused = this.hooks.attachmentGuard?.(req);
    if (refused) return { status: refused.status, body: { message: refused.sentence, code: 0 }, headers: refused.headers };
    const [, kind, messageId, filename] = path.split("/");
    const file = kind === "attachments" && method === "GET" ? this.hooks.attachment(messageId ?? "", filename ?? "") : undefined;
    if (!file) return json({ message: "404: Not Found", code: 0 }, 404);
    return { status: 200, body: file.data, headers: { "content-type": file.contentType || "application/octet-stream" } };
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const isBytes = Buffer.isBuffer(reply.body);
  const payload = reply.status === 204 || reply.body === undefined ? undefined : isBytes ? (reply.body as Buffer) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(payload !== undefined && !isBytes ? { "content-type": "application/json" } : {}),
    ...reply.headers,
  });
  res.end(payload);
}

function decodePath(pathname: string): string {
  return pathname.split("/").map((segment) => decodeURIComponent(segment)).join("/") || "/";
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** JSON bodies, or multipart bodies with `payload_json` and `files[N]` parts. */
async function parseBody(raw: Buffer, contentType: string): Promise<{ body: MessageBody | null; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (!contentType.startsWith("multipart/form-data")) {
    try { return { body: JSON.parse(raw.toString("utf8")) as MessageBody, files: [] }; } catch {
      throw new ApiError(400, 50109, "The request body contains invalid JSON.");
    }
  }
  const init = { method: "POST", headers: { "content-type": contentType }, body: raw, duplex: "half" };
  const form = await new Request("http://fake-discord.local/", init as RequestInit).formData();
  let body: MessageBody = {};
  const indexed: { index: number; file: RecordedFile }[] = [];
  for (const [key, value] of form.entries()) {
    if (key === "payload_json" && typeof value === "string") body = JSON.parse(value) as MessageBody;
    const fileIndex = /^files\[(\d+)\]$/.exec(key);
    if (fileIndex && typeof value !== "string") {
      const file = { name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) };
      indexed.push({ index: Number(fileIndex[1]), file });
    }
  }
  return { body, files: indexed.sort((a, b) => a.index - b.index).map((x) => x.file) };
}
