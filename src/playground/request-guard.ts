import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { hostname } from "node:os";

/** Why a request is turned away: its HTTP status and the one sentence the client gets. */
export interface Refusal {
  status: number;
  sentence: string;
  headers?: Record<string, string>;
}

/** Commands and clicks are a few hundred bytes; the limit leaves room and nothing more. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Host names a browser can only reach this machine by: IP literals and localhost cannot be
 * rebound by another site's DNS, and the machine's own name (and the configured one) are ours.
 * The port is not checked: rebinding needs a name, whatever the port.
 */
export function allowedHostnames(configuredHost: string): Set<string> {
  const own = hostname().toLowerCase();
  const names = new Set(["localhost", own, own.split(".")[0]!]);
  if (!isIP(configuredHost)) names.add(configuredHost.toLowerCase());
  return names;
}

/** Refuses a request addressed to a name that is not this server's (DNS rebinding). */
export function hostRefusal(req: IncomingMessage, allowed: Set<string>, shownUrl: string): Refusal | undefined {
  const name = hostnameOf(req.headers.host ?? "");
  if (name !== undefined && (isIP(name) || allowed.has(name))) return undefined;
  return { status: 403, sentence: `The playground answers only at its own address (such as ${shownUrl}): open it there.` };
}

/** Refuses a request another web page made: its Origin, when the browser sends one, must be this server's. */
export function originRefusal(req: IncomingMessage): Refusal | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const host = (req.headers.host ?? "").toLowerCase();
  if (origin.toLowerCase() === `http://${host}` || origin.toLowerCase() === `https://${host}`) return undefined;
  return { status: 403, sentence: "The playground takes requests only from its own page, not from other web sites." };
}

/** A form or a text/plain POST needs no CORS preflight, so only JSON is taken. */
export function contentTypeRefusal(req: IncomingMessage): Refusal | undefined {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return undefined;
  return { status: 415, sentence: "Send the request as JSON (Content-Type: application/json)." };
}

export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; refusal: Refusal } | { ok: false; aborted: true };

const TOO_LARGE: Refusal = { status: 413, sentence: `That request is too large: the playground takes at most ${MAX_BODY_BYTES / 1024} KiB.`, headers: { connection: "close" } };
const NOT_AN_OBJECT: Refusal = { status: 400, sentence: "The request body must be a JSON object." };

/**
 * The body as a JSON object. A declared length over the limit is refused before reading; an
 * undeclared one is read only up to the limit. A client that hangs up midway is `aborted`.
 */
export function readJsonObject(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<JsonBody> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.resolve({ ok: false, refusal: TOO_LARGE });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: JsonBody) => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done({ ok: false, refusal: TOO_LARGE });
      chunks.push(chunk);
    };
    const onEnd = () => done(parseObject(Buffer.concat(chunks)));
    const onError = () => done({ ok: false, aborted: true });
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

function parseObject(raw: Buffer): JsonBody {
  try {
    const value = JSON.parse(raw.toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // not JSON: the same sentence as JSON that is not an object
  }
  return { ok: false, refusal: NOT_AN_OBJECT };
}

/** "Example.COM:3000" → "example.com", "[::1]:3000" → "::1"; undefined for anything a browser would not send. */
function hostnameOf(host: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::\d{1,5})?$/i.exec(host);
  return m ? (m[1] ?? m[2]!).toLowerCase() : undefined;
}
