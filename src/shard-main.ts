/**
 * One gateway shard, forked by ShardingManager (src/discord/sharding.ts; started by app.ts). discord.js reads the
 * shard id and count from the environment; this process answers the commands of its guilds
 * with its own database and queue connections and runs no jobs (the main process's workers do).
 */
import { loadCommandModules } from "./commands/support/registry.ts";
import { secretValues } from "./config/load.ts";
import { registerSecrets } from "./config/redact.ts";
import { configSchema } from "./config/schema.ts";
import { openDatabase } from "./db/database.ts";
import { builtinEngines, EngineRegistry } from "./engines/index.ts";
import { GuildSettingsStore } from "./guilds/settings.ts";
import { JobQueue } from "./jobs/queue.ts";
import { createLogger } from "./log.ts";
import { startBot } from "./discord/client.ts";
import { createRouter } from "./discord/router.ts";

const config = configSchema.parse(JSON.parse(process.env.GENLAB_SHARD_CONFIG ?? "{}"));
delete process.env.GENLAB_SHARD_CONFIG; // it holds secrets; nothing else here needs it
registerSecrets(secretValues(config));
const log = createLogger(config.LOG_LEVEL).child({ shard: Number(process.env.SHARDS) });

const db = await openDatabase(config, log);
const queue = await JobQueue.open(db.url, config, log);
const engines = new EngineRegistry(builtinEngines(config, log));
const route = createRouter(await loadCommandModules(), { config, prisma: db.prisma, queue, engines, settings: new GuildSettingsStore(db.prisma), log });
const bot = await startBot({ token: config.DISCORD_TOKEN!, apiUrl: config.DISCORD_API_URL, log, onInteraction: route });

async function stop(): Promise<void> {
  await bot.stop().catch((err) => log.warn({ err }, "error while stopping"));
  await queue.close().catch((err) => log.warn({ err }, "error while stopping"));
  await db.close().catch((err) => log.warn({ err }, "error while stopping"));
  process.exit(0);
}
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
// The manager went away without saying so: do not linger as an orphan.
process.once("disconnect", () => void stop());
