import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import type { DiscordStore } from "./store.ts";

interface GatewaySession {
  id: string; shard: [number, number]; intents: number; seq: number;
  /** every dispatch, kept for replay on RESUME */
  log: { op: 0; t: string; s: number; d: unknown }[];
  socket: WebSocket | null;
}

/** What a client sends: op codes 1 heartbeat, 2 identify, 6 resume, others ignored. */
interface ClientPayload { op?: number; d?: { token?: string; shard?: unknown; intents?: unknown; session_id?: string; seq?: unknown } }

/**
 * The local Discord's gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, RESUME with replay,
 * and dispatches routed to the shard that owns the guild.
 */
export class Gateway {
  /** Every open socket, session or not. */
  readonly sockets = new Set<WebSocket>();
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, GatewaySession>();

  constructor(server: Server, private readonly store: DiscordStore, private readonly token: string, private readonly url: () => string) {
    this.wss = new WebSocketServer({ server });
    this.wss.on("connection", (socket, req) => this.onSocket(socket, req));
  }

  connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN).length;
  }

  /** Events for a guild go to the session of the shard that owns it (DMs to shard 0), in every connected client. */
  sendToShardOf(guildId: string | null, t: string, d: unknown): number {
    const targets = [...this.sessions.values()].filter((s) => shardOf(guildId, s.shard[1]) === s.shard[0]);
    for (const session of targets) this.dispatchTo(session, t, d);
    return targets.length;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onSocket(socket: WebSocket, req: IncomingMessage): void {
    this.sockets.add(socket);
    let session: GatewaySession | undefined;
    const encoding = new URL(req.url ?? "/", this.url()).searchParams.get("encoding") ?? "json";
    // Only plain JSON text frames: discord.js reads them without zlib-stream.
    if (encoding !== "json") return socket.close(4002, "LocalDiscord only supports encoding=json");
    const send = (payload: object) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: 41250 } });

    socket.on("message", (data) => {
      let payload: ClientPayload;
      try { payload = JSON.parse(data.toString()) as ClientPayload; } catch { return socket.close(4002, "Error while decoding payload."); }
      if (payload.op === 1) return send({ op: 11 });
      if (payload.op === 2 || payload.op === 6) {
        if (session) return socket.close(4005, "Already authenticated.");
        if (payload.d?.token !== this.token) return socket.close(4004, "Authentication failed.");
        session = payload.op === 2 ? this.identify(socket, payload.d) : this.resume(socket, payload.d);
        return;
      }
      if (!session && payload.op !== 3 && payload.op !== 8) socket.close(4003, "Not authenticated.");
    });
    socket.on("close", (code) => {
      this.sockets.delete(socket);
      if (!session || session.socket !== socket) return;
      session.socket = null;
      // A client that closes normally has ended its session; anything else may be resumed.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    });
  }

  private identify(socket: WebSocket, d: NonNullable<ClientPayload["d"]>): GatewaySession {
    const shard: [number, number] = Array.isArray(d.shard) ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
    const session: GatewaySession = { id: randomBytes(16).toString("hex"), shard, intents: Number(d.intents ?? 0), seq: 0, log: [], socket };
    this.sessions.set(session.id, session);
    const { guildId, applicationId } = this.store.ids;
    const ownsGuild = shardOf(guildId, shard[1]) === shard[0];
    this.dispatchTo(session, "READY", {
      v: 10, user: { ...this.store.user(this.store.botUserId), verified: true, mfa_enabled: false },
      guilds: ownsGuild ? [{ id: guildId, unavailable: true }] : [], session_id: session.id,
      resume_gateway_url: this.url(), application: { id: applicationId, flags: 0 }, shard,
      private_channels: [], relationships: [], presences: [], guild_join_requests: [], user_settings: {}, _trace: ["fake-discord"],
    });
    // Without the GUILDS intent Discord sends no GUILD_CREATE; discord.js then marks the guild unavailable.
    if (ownsGuild && session.intents & 1) this.dispatchTo(session, "GUILD_CREATE", this.store.guildCreatePayload());
    return session;
  }

  /** RESUME: re-attach the socket, replay what the client missed, then RESUMED. Unknown session → op 9. */
  private resume(socket: WebSocket, d: NonNullable<ClientPayload["d"]>): GatewaySession | undefined {
    const session = this.sessions.get(d.session_id ?? "");
    if (!session) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return undefined;
    }
    session.socket?.close(4000, "LocalDiscord: session resumed elsewhere");
    session.socket = socket;
    for (const event of session.log) if (event.s > Number(d.seq ?? 0)) socket.send(JSON.stringify(event));
    this.dispatchTo(session, "RESUMED", { _trace: ["fake-discord"] });
    return session;
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    const event = { op: 0 as const, t, s: ++session.seq, d };
    session.log.push(event);
    if (session.log.length > 1000) session.log.shift();
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(event));
  }
}

function shardOf(guildId: string | null, shardCount: number): number {
  return guildId === null ? 0 : Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
