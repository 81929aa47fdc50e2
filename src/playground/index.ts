import { isIP } from "node:net";
import { ConfigError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import { startBot, type Bot } from "../discord/client.ts";
import { DiscordPublisher } from "../discord/publisher.ts";
import type { EngineRegistry } from "../engines/registry.ts";
import type { Logger } from "../log.ts";
import { LocalDiscord } from "./local-discord.ts";
import type { CommandJson } from "./parse-command.ts";
import { PasswordGate } from "./password-gate.ts";
import { startPlaygroundServer } from "./server.ts";

export interface Playground {
  url: string;
  local: LocalDiscord;
  bot: Bot;
  /** Posts to the local Discord (the workers route playground results here). */
  publisher: DiscordPublisher;
  stop(): Promise<void>;
}

/**
 * The playground: a local Discord on loopback, GenLab's unchanged bot logged in to it (same
 * router, commands, queue and workers as for the real Discord), and a web page in front.
 */
export async function startPlayground(opts: {
  config: Config;
  log: Logger;
  commands: CommandJson[];
  engines: EngineRegistry;
  onInteraction: (i: import("discord.js").Interaction) => Promise<void>;
}): Promise<Playground> {
  const { config, log } = opts;
  const host = config.GENLAB_PLAYGROUND_HOST;
  checkPlaygroundAddress(config);
  // One gate for the page and the local Discord's attachment URLs: the same password, the same count of wrong guesses.
  const gate = config.GENLAB_PLAYGROUND_PASSWORD ? new PasswordGate(config.GENLAB_PLAYGROUND_PASSWORD) : undefined;
  const local = await LocalDiscord.start({ botName: "GenLab", recordRequests: false, attachmentGuard: gate && ((req) => gate.refusal(req)) });
  const stops: (() => Promise<void>)[] = [() => local.stop()];
  try {
    const bot = await startBot({ token: local.token, apiUrl: local.apiUrl, log: log.child({ frontend: "playground" }), onInteraction: opts.onInteraction });
    stops.push(() => bot.stop());
    const server = await startPlaygroundServer({ host, port: config.GENLAB_PLAYGROUND_PORT, gate, local, commands: opts.commands, engines: opts.engines, log });
    stops.push(() => server.stop());
    return {
      url: server.url,
      local,
      bot,
      publisher: DiscordPublisher.fromToken(local.token, local.apiUrl),
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch((err) => log.warn({ err }, "error while stopping the playground"));
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw e;
  }
}

/** Playground users are not logged in, so only loopback is open without a password. */
export function checkPlaygroundAddress(config: Config): void {
  const host = config.GENLAB_PLAYGROUND_HOST;
  if (config.GENLAB_PLAYGROUND === "on" && !isLoopback(host) && !config.GENLAB_PLAYGROUND_PASSWORD) {
    throw new ConfigError(`GENLAB_PLAYGROUND_HOST is ${host}, which other machines can reach: set GENLAB_PLAYGROUND_PASSWORD too, or keep the playground on 127.0.0.1.`);
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}
