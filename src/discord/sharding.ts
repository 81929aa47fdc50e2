import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult, type Shard } from "discord.js";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";

/** A TypeScript shard script needs tsx's loader so that Node can run it (a compiled one does not). */
const TSX_ARGV = ["--import", createRequire(import.meta.url).resolve("tsx")];
/** Discord allows one IDENTIFY per 5 s per bucket; discord.js's default spacing plus a margin. */
const IDENTIFY_SPACING_MS = 5500;
/** What ShardingManager writes into this process's environment (it would make later clients here think they are shards). */
const MANAGER_ENV = ["SHARDING_MANAGER", "SHARDING_MANAGER_MODE", "DISCORD_TOKEN"] as const;

export interface Shards {
  count: number;
  manager: ShardingManager;
  stop(): Promise<void>;
}

/**
 * Runs the gateway bot through discord.js's ShardingManager: one process per shard, each with
 * its own database and queue connections for the commands of its guilds (`script`: src/shard-main.ts,
 * given by the app, which knows what a shard wires together).
 * Jobs stay on this process's workers, which post results over REST whichever shard took the command.
 */
export async function startShards(opts: { config: Config; databaseUrl: string; log: Logger; script: URL }): Promise<Shards> {
  const { config, log } = opts;
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error("sharding needs DISCORD_TOKEN");
  // Asked here rather than by ShardingManager's "auto", which always asks discord.com.
  const gateway = (await new REST({ api: config.DISCORD_API_URL }).setToken(token).get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  const count = config.GENLAB_SHARDS === "auto" || config.GENLAB_SHARDS === undefined ? gateway.shards : Number(config.GENLAB_SHARDS);

  const saved = MANAGER_ENV.map((k) => [k, process.env[k]] as const);
  const execArgv = opts.script.pathname.endsWith(".ts") ? TSX_ARGV : [];
  const manager = new ShardingManager(fileURLToPath(opts.script), { token, totalShards: count, mode: "process", respawn: true, execArgv });
  for (const [k, v] of saved) v === undefined ? delete process.env[k] : (process.env[k] = v);

  // Shards use this process's settings and its database (which may be the embedded one).
  const shardEnv = { SHARDING_MANAGER_MODE: "process", GENLAB_SHARD_CONFIG: JSON.stringify({ ...config, DATABASE_URL: opts.databaseUrl }) };
  manager.on("shardCreate", (shard: Shard) => {
    Object.assign(shard.env as NodeJS.ProcessEnv, shardEnv); // the fork's environment in process mode
    shard.on("death", () => log.warn({ shard: shard.id }, "shard process exited; restarting it"));
  });
  // Shards in different identify buckets may connect at once.
  const delay = gateway.session_start_limit.max_concurrency >= count ? 0 : IDENTIFY_SPACING_MS;
  await manager.spawn({ amount: count, delay, timeout: 120_000 });
  log.info({ shards: count }, `connected to Discord through ${count} shard processes`);

  return {
    count,
    manager,
    async stop() {
      const exits: Promise<unknown>[] = [];
      for (const shard of manager.shards.values()) {
        const child = shard.process as ChildProcess | null;
        if (child && child.exitCode === null) exits.push(once(child, "exit"));
        shard.kill();
      }
      await Promise.all(exits);
    },
  };
}
