import type { Command } from "./commands/support/types.ts";
import { loadCommandModules } from "./commands/support/registry.ts";
import type { Config } from "./config/schema.ts";
import { checkDataDir } from "./db/data-dir.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { startBot, type Bot } from "./discord/client.ts";
import { DiscordPublisher, RoutingPublisher, type Publisher } from "./discord/publisher.ts";
import { createRouter } from "./discord/router.ts";
import { startConfiguredInteractionsEndpoint, type InteractionsEndpoint } from "./discord/http-interactions.ts";
import { startShards, type Shards } from "./discord/sharding.ts";
import { builtinEngines, EngineRegistry, type AnyEngine } from "./engines/index.ts";
import { JobQueue } from "./jobs/queue.ts";
import { runGenerateJob } from "./generations/worker.ts";
import { runTrainJob } from "./training/worker.ts";
import { warmAckPath } from "./generations/limits.ts";
import { GuildSettingsStore } from "./guilds/settings.ts";
import type { Logger } from "./log.ts";
import { checkPlaygroundAddress, startPlayground, type Playground } from "./playground/index.ts";

/** What each shard process runs (compiled next to this module when this one is). */
const SHARD_MAIN = new URL(import.meta.url.endsWith(".js") ? "./shard-main.js" : "./shard-main.ts", import.meta.url);

export interface AppOptions {
  config: Config;
  log: Logger;
  /** Connect to Discord (when DISCORD_TOKEN is set). */
  bot: boolean;
  /** Run queued jobs in this process. */
  worker: boolean;
  /** Serve the local web playground (config GENLAB_PLAYGROUND permitting). */
  playground?: boolean;
  /** Engines beyond the built-in ones (tests register small ones here). */
  engines?: AnyEngine[];
  commands?: Command[];
}

export interface App {
  db: Database;
  queue: JobQueue;
  engines: EngineRegistry;
  bot?: Bot;
  playground?: Playground;
  /** Discord's HTTP-interactions endpoint, when GENLAB_INTERACTIONS_PORT is set */
  interactions?: InteractionsEndpoint;
  /** the gateway bot's shard processes, when GENLAB_SHARDS is set (then `bot` is unset) */
  shards?: Shards;
  stop(): Promise<void>;
}

/**
 * Starts GenLab: database (embedded or DATABASE_URL, migrated), job queue, then the worker
 * and/or the Discord bot. `npm start` runs both in one process; `genlab worker` only the worker.
 */
export async function startApp(opts: AppOptions): Promise<App> {
  const { config, log } = opts;
  if (opts.playground) checkPlaygroundAddress(config); // before anything starts
  // Images, runs and models go here even when the database is elsewhere: a folder GenLab
  // cannot write is said at start, not found out by every job.
  checkDataDir(config.GENLAB_DATA_DIR);
  const db = await openDatabase(config, log);
  const stops: (() => Promise<void>)[] = [() => db.close()];
  let queueRef: JobQueue | undefined;
  const stopAll = async () => {
    // From here on the database going away is expected: Ctrl-C in a terminal reaches the
    // embedded PostgreSQL too, before the queue and the database are closed in turn.
    db.embedded?.stopping();
    queueRef?.stopping();
    for (const stop of stops.reverse()) await stop().catch((err) => log.warn({ err }, "error while stopping"));
  };
  try {
    const engines = new EngineRegistry([...builtinEngines(config, log), ...(opts.engines ?? [])]);
    // After the queue has stopped (stops run in reverse): its running jobs finish first, then
    // the engines' threads are ended and waited for, so a SIGTERM leaves none behind.
    stops.push(() => engines.close());
    const queue = await JobQueue.open(db.url, config, log);
    queueRef = queue;
    stops.push(() => queue.close());
    const discord = config.DISCORD_TOKEN ? DiscordPublisher.fromToken(config.DISCORD_TOKEN, config.DISCORD_API_URL) : undefined;
    const modules = opts.bot || opts.playground ? await loadCommandModules(opts.commands) : undefined;
    const commandContext = { config, prisma: db.prisma, queue, engines, settings: new GuildSettingsStore(db.prisma), log };
    const route = modules && createRouter(modules, commandContext);
    if (modules) await warmAckPath(commandContext.prisma);

    // The playground's bot logs in to a local Discord; the workers post its results there.
    let playground: Playground | undefined;
    if (opts.playground && config.GENLAB_PLAYGROUND === "on") {
      playground = await startPlayground({ config, log, engines, commands: [...modules!.commands.values()].map((c) => c.data), onInteraction: route! });
      stops.push(() => playground!.stop());
    }
    const publisher: Publisher | undefined = playground
      ? new RoutingPublisher({ publisher: playground.publisher, applicationId: playground.local.applicationId, ownsChannel: (id) => playground!.local.ownsChannel(id) }, discord)
      : discord;

    if (opts.worker) {
      await queue.workGenerations((job) => runGenerateJob({ prisma: db.prisma, engines, publisher, dataDir: config.GENLAB_DATA_DIR, log }, job));
      await queue.workTraining((job) => runTrainJob({ prisma: db.prisma, publisher, dataDir: config.GENLAB_DATA_DIR, log }, job));
    }
    let bot: Bot | undefined;
    let shards: Shards | undefined;
    if (opts.bot && config.DISCORD_TOKEN && config.GENLAB_SHARDS) {
      shards = await startShards({ config, databaseUrl: db.url, log, script: SHARD_MAIN });
      stops.push(() => shards!.stop());
    } else if (opts.bot && config.DISCORD_TOKEN) {
      bot = await startBot({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, log, onInteraction: route! });
      stops.push(() => bot!.stop());
    } else if (opts.bot) {
      log.warn(
        playground
          ? "DISCORD_TOKEN is not set, so GenLab is not connecting to Discord (the playground works without it): set it to your bot's token (Developer Portal → your application → Bot) and restart."
          : "DISCORD_TOKEN is not set, so GenLab is not connecting to Discord: set it to your bot's token (Developer Portal → your application → Bot) and restart.",
      );
    } else if (!publisher) {
      log.warn("DISCORD_TOKEN is not set, so this worker stores results but cannot post them to Discord: give it the bot's token too.");
    }
    const interactions = opts.bot ? await startConfiguredInteractionsEndpoint({ config, log, onInteraction: route! }) : undefined;
    if (interactions) stops.push(() => interactions.stop());
    if (playground) log.info({ url: playground.url }, `playground: open ${playground.url}`);
    return { db, queue, engines, bot, playground, interactions, shards, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
