import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIPv6 } from "node:net";
import type { Refusal } from "./request-guard.ts";

export interface PasswordGateOptions {
  /** milliseconds; tests pass their own clock */
  now?: () => number;
  /** wrong passwords in a row a client may try before it must wait (default 5) */
  freeFailures?: number;
  /** the first wait, doubled with every further wrong password (default 1 s) */
  baseDelayMs?: number;
  /** the longest wait (default 60 s) */
  maxDelayMs?: number;
  /** a client with no wrong password for this long starts afresh (default 15 min) */
  forgetAfterMs?: number;
  /** clients remembered at once; the oldest is forgotten first (default 10,000) */
  maxClients?: number;
}

interface Failures {
  count: number;
  last: number;
  blockedUntil: number;
}

const NEEDS_PASSWORD: Refusal = {
  status: 401,
  sentence: "The GenLab playground needs its password (GENLAB_PLAYGROUND_PASSWORD).",
  headers: { "www-authenticate": 'Basic realm="GenLab playground"' },
};

/**
 * HTTP basic auth for the playground (any user name). Passwords are compared as HMAC digests of
 * equal length, so neither the time taken nor an early exit tells a guesser the password's
 * length. A client (an IPv4 address, or an IPv6 /64) that gets it wrong too often must wait,
 * twice as long after each further wrong guess; the right password costs nothing extra.
 */
export class PasswordGate {
  private readonly key = randomBytes(32);
  private readonly want: Buffer;
  private readonly clients = new Map<string, Failures>();
  private readonly now: () => number;
  private readonly freeFailures: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly forgetAfterMs: number;
  private readonly maxClients: number;

  constructor(password: string, o: PasswordGateOptions = {}) {
    this.want = this.digest(password);
    this.now = o.now ?? Date.now;
    this.freeFailures = o.freeFailures ?? 5;
    this.baseDelayMs = o.baseDelayMs ?? 1000;
    this.maxDelayMs = o.maxDelayMs ?? 60_000;
    this.forgetAfterMs = o.forgetAfterMs ?? 15 * 60_000;
    this.maxClients = o.maxClients ?? 10_000;
  }

  /** Why `req` may not pass (401 or 429), or undefined when it carries the password. */
  refusal(req: IncomingMessage): Refusal | undefined {
    const client = clientKey(req.socket.remoteAddress ?? "");
    const now = this.now();
    let f = this.clients.get(client);
    if (f && now - f.last > this.forgetAfterMs) {
      this.clients.delete(client);
      f = undefined;
    }
    if (f && now < f.blockedUntil) {
      const seconds = Math.ceil((f.blockedUntil - now) / 1000);
      return { status: 429, sentence: `Too many wrong passwords from your address: try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, headers: { "retry-after": String(seconds) } };
    }
    const given = givenPassword(req.headers.authorization);
    // No password at all is a browser asking what to do, not a guess.
    if (given === undefined) return NEEDS_PASSWORD;
    if (timingSafeEqual(this.digest(given), this.want)) {
      this.clients.delete(client);
      return undefined;
    }
    this.failed(client, f, now);
    return NEEDS_PASSWORD;
  }

  private failed(client: string, f: Failures | undefined, now: number): void {
    const next = f ?? { count: 0, last: now, blockedUntil: 0 };
    next.count += 1;
    next.last = now;
    const over = next.count - this.freeFailures;
    if (over >= 0) next.blockedUntil = now + Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(over, 30));
    this.clients.delete(client); // re-inserted last: the map's order is oldest first
    this.clients.set(client, next);
    if (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value!);
  }

  private digest(s: string): Buffer {
    return createHmac("sha256", this.key).update(s, "utf8").digest();
  }
}

/** The password of a Basic authorization header (the user name is ignored); undefined without one. */
function givenPassword(header: string | undefined): string | undefined {
  const m = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? decoded : decoded.slice(colon + 1);
}

/** One key per client: an IPv4 address, or the /64 an IPv6 host can pick addresses from. */
function clientKey(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1]!;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().padStart(4, "0")).join(":")}::/64`;
}
