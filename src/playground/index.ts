import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { ConfigError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import { startBot, type Bot } from "../discord/client.ts";
import { DiscordPublisher } from "../discord/publisher.ts";
import type { EngineRegistry } from "../engines/registry.ts";
import type { Logger } from "../log.ts";
import { LocalDiscord, newLocalDiscordIds, type LocalDiscordIds } from "./local-discord/index.ts";
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
  const local = await LocalDiscord.start({ botName: "GenLab", ids: playgroundIds(config.GENLAB_DATA_DIR, log), attachmentGuard: gate && ((req) => gate.refusal(req)) });
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

/**
 * The playground's server, channel and application ids, kept in `<dataDir>/playground.json`, so
 * its /config settings, runs and queued jobs belong to the same server after a restart.
 */
function playgroundIds(dataDir: string, log: Logger): LocalDiscordIds {
  const file = join(dataDir, "playground.json");
  const fresh = newLocalDiscordIds();
  try {
    const kept = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const keys = Object.keys(fresh) as (keyof LocalDiscordIds)[];
    if (keys.every((k) => typeof kept[k] === "string" && /^\d{1,20}$/.test(kept[k]))) return Object.fromEntries(keys.map((k) => [k, kept[k]])) as unknown as LocalDiscordIds;
    log.warn({ file }, "the playground's saved ids are damaged: it starts as a new server");
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") log.warn({ file, err: e }, "could not read the playground's saved ids: it starts as a new server");
  }
  writeFileSync(`${file}.tmp`, JSON.stringify(fresh, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  return fresh;
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
