import { Client, Events, GatewayIntentBits } from "discord.js";
import type { Logger } from "../log.ts";

export interface Bot {
  client: Client<true>;
  applicationId: string;
  stop(): Promise<void>;
}

/**
 * Logs the discord.js client in and hands every interaction to `onInteraction`. Resolves
 * once the gateway session is ready. Only the Guilds intent: slash commands need no more.
 */
export async function startBot(opts: { token: string; apiUrl: string; log: Logger; onInteraction: (i: import("discord.js").Interaction) => Promise<void> }): Promise<Bot> {
  // No message of GenLab's pings anyone unless it says so (user text never becomes a mention).
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: opts.apiUrl }, allowedMentions: { parse: [] } });
  client.on(Events.InteractionCreate, (i) => void opts.onInteraction(i));
  client.on(Events.Error, (err) => opts.log.error({ err }, "discord client error"));
  client.on(Events.ShardDisconnect, (ev, shard) => opts.log.warn({ code: ev.code, shard }, "gateway disconnected"));
  client.on(Events.ShardResume, (shard) => opts.log.info({ shard }, "gateway session resumed"));
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(opts.token);
  const c = await ready;
  opts.log.info({ user: c.user.tag, applicationId: c.application.id, guilds: c.guilds.cache.size }, "connected to Discord");
  return { client: c, applicationId: c.application.id, stop: () => client.destroy() };
}
