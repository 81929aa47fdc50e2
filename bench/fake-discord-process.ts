/**
 * The fake Discord in a process of its own, for benchmarks: in production Discord's work is not
 * on the bot's event loop, so the bench should not put it there either. The child starts the
 * fake, sends each burst of interactions itself and times every acknowledgement on its side
 * (the moment Discord would see it); the parent only asks and collects.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sendBurst } from "../tests/support/burst.ts";
import { FakeDiscord } from "../tests/support/fake-discord.ts";

export interface Ack {
  id: string;
  userId: string;
  type: number;
  ms: number;
}

type ChildMessage = { type: "ready"; token: string; apiUrl: string; guildId: string; channelId: string } | { type: "acks"; acks: Ack[]; late: number };

export interface RemoteFakeDiscord {
  token: string;
  apiUrl: string;
  /** The fake's server and its text channel (where a training run posts). */
  guildId: string;
  channelId: string;
  /** `users` × `perUser` interactions at once; every acknowledgement's latency and the late ones (> 3 s). */
  burst(users: number, perUser: number): Promise<{ acks: Ack[]; late: number }>;
  stop(): Promise<void>;
}

export async function startFakeDiscordProcess(): Promise<RemoteFakeDiscord> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { execArgv: ["--import", "tsx"], env: { ...process.env, GENLAB_FAKE_DISCORD_CHILD: "1" } });
  const next = () =>
    new Promise<ChildMessage>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the fake Discord process exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (m) => {
        child.off("exit", onExit);
        resolve(m as ChildMessage);
      });
    });
  const ready = (await next()) as Extract<ChildMessage, { type: "ready" }>;
  return {
    token: ready.token,
    apiUrl: ready.apiUrl,
    guildId: ready.guildId,
    channelId: ready.channelId,
    async burst(users, perUser) {
      const reply = next();
      child.send({ type: "burst", users, perUser });
      const m = (await reply) as Extract<ChildMessage, { type: "acks" }>;
      return { acks: m.acks, late: m.late };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "stop" });
      await exited;
    },
  };
}

if (process.env.GENLAB_FAKE_DISCORD_CHILD === "1") {
  const fake = await FakeDiscord.start({ recordRequests: false });
  process.send!({ type: "ready", token: fake.token, apiUrl: fake.apiUrl, guildId: fake.guildId, channelId: fake.channelId });
  process.on("message", (m: { type: string; users?: number; perUser?: number }) => {
    if (m.type === "stop") void fake.stop().then(() => process.exit(0));
    if (m.type !== "burst") return;
    const late = fake.lateCallbacks;
    void sendBurst(fake, m.users!, m.perUser!).then((acks) => process.send!({ type: "acks", acks, late: fake.lateCallbacks - late }));
  });
}
