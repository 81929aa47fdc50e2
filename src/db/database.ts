import type { Config } from "../config/schema.ts";
import { registerSecrets } from "../config/redact.ts";
import type { Logger } from "../log.ts";
import { createPrismaClient, type PrismaClient } from "./client.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded.ts";
import { applyMigrations } from "./migrate.ts";

export interface Database {
  url: string;
  prisma: PrismaClient;
  /** Set when GenLab started its own PostgreSQL. */
  embedded?: EmbeddedDatabase;
  /** Settles only when the database is gone for good (the embedded one could not be restarted). */
  lost: Promise<Error>;
  close(): Promise<void>;
}

/**
 * The database GenLab runs on: DATABASE_URL when set, else an embedded PostgreSQL under
 * GENLAB_DATA_DIR. Either way the migrations are applied before anything else touches it.
 */
export async function openDatabase(config: Pick<Config, "DATABASE_URL" | "GENLAB_DATA_DIR" | "GENLAB_EMBEDDED_PG_PORT">, log: Logger): Promise<Database> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.GENLAB_DATA_DIR, log, config.GENLAB_EMBEDDED_PG_PORT);
  const url = config.DATABASE_URL ?? embedded!.url;
  registerSecrets([url, new URL(url).password]);
  try {
    const t0 = performance.now();
    const applied = await applyMigrations(url);
    log.info({ applied, ms: Math.round(performance.now() - t0) }, applied.length ? "database migrated" : "database schema up to date");
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    embedded,
    lost: embedded?.lost ?? new Promise<Error>(() => {}),
    close: async () => {
      await prisma.$disconnect();
      await embedded?.stop();
    },
  };
}
