import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "./config.ts";
import { FakeDiscord } from "./fake-discord.ts";
import { patternCommand } from "./pattern-command.ts";
import { patternEngine } from "./pattern-engine.ts";

/**
 * A class's burst against the fake Discord: `users` students each send `perUser` /pattern
 * requests at once. Used by the load test (correctness) and bench/bot.ts (latency).
 */
export interface BurstResult {
  /** ms from sending each interaction to its first response, in sending order. */
  ackMs: number[];
  callbackTypes: number[];
  interactionIds: string[];
  userOf: Map<string, string>;
  /** ms from the first send until every job had finished. */
  totalMs: number;
}

export async function startBurstRig(env: Record<string, string>): Promise<{ fake: FakeDiscord; app: App; stop(): Promise<void> }> {
  const fake = await FakeDiscord.start({ recordRequests: false });
  const app = await startBurstApp(fake, env);
  return { fake, app, stop: async () => (await app.stop(), await fake.stop()) };
}

/** GenLab (bot + worker, the /pattern command and its fast engine) logged in to a fake Discord. */
export function startBurstApp(discord: { token: string; apiUrl: string }, env: Record<string, string>): Promise<App> {
  const config = testConfig({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, GENLAB_MAX_JOBS_PER_USER: "20", ...env });
  return startApp({ config, log: createLogger((process.env.BURST_LOG ?? "silent") as "silent"), bot: true, worker: true, engines: [patternEngine()], commands: [patternCommand] });
}

export async function burst(fake: FakeDiscord, app: App, users: number, perUser: number): Promise<BurstResult> {
  const t0 = performance.now();
  const acks = await sendBurst(fake, users, perUser);
  const ids = acks.map((a) => a.id);
  await untilEnded(app, ids);
  return { ackMs: acks.map((a) => a.ms), callbackTypes: acks.map((a) => a.type), interactionIds: ids, userOf: new Map(acks.map((a) => [a.id, a.userId])), totalMs: performance.now() - t0 };
}

/** Rows are written just after the acknowledgement: waits until every request has ended. */
export async function untilEnded(app: App, interactionIds: string[]): Promise<void> {
  for (;;) {
    const ended = await app.db.prisma.generation.count({ where: { interactionId: { in: interactionIds }, status: { in: ["succeeded", "failed", "cancelled"] } } });
    if (ended === interactionIds.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends the burst's interactions and resolves with each one's first response, in sending order. */
export async function sendBurst(fake: FakeDiscord, users: number, perUser: number): Promise<{ id: string; userId: string; type: number; ms: number }[]> {
  const sends = [];
  for (let k = 0; k < perUser; k++) {
    for (let u = 0; u < users; u++) {
      const userId = String(600000000000000000n + BigInt(u));
      const sentAt = performance.now();
      const h = fake.interact({ name: "pattern", options: [{ name: "seed", type: 4, value: u * 100 + k }], userId, username: `student${u}` });
      // A first response Discord refused (later than 3 s) never arrives: type 0, Infinity ms.
      const refused = () => ({ id: h.id, userId, type: 0, ms: Infinity });
      sends.push(h.callback(60_000).then((cb) => ({ id: h.id, userId, type: cb.type, ms: performance.now() - sentAt }), refused));
    }
  }
  return Promise.all(sends);
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
