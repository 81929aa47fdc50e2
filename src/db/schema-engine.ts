import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";

/**
 * Prisma's schema engine compiled to WebAssembly (the same engine hash as the CLI), driven
 * through the pg driver adapter. It needs no downloaded binary, so migrations work offline;
 * it writes the standard `_prisma_migrations` table, so `prisma migrate deploy` agrees with it.
 */
type Bindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

let bindings: Promise<Bindings> | undefined;

/** The engine's glue reports a Rust panic here before the call throws, so the registry must exist; the thrown error is what callers see. */
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= { set_message: () => {} };

/** The package's own entry imports the .wasm as an ES module, which Node 20 cannot; instantiate it by hand. */
function loadBindings(): Promise<Bindings> {
  bindings ??= (async () => {
    const bg: Bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const pkgEntry = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm");
    const bytes = readFileSync(join(dirname(pkgEntry), "schema_engine_bg.wasm"));
    const module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

export const noFilters: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface SchemaEngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** Opens a schema engine on a database; `close()` frees it and its connections. */
export async function openSchemaEngine(url: string, onLog: (line: string) => void = () => {}): Promise<SchemaEngineHandle> {
  const bg = await loadBindings();
  const factory = new MigrationPg({ ...poolConfigFromUrl(url), Client: CharTypeClient, max: 2 });
  const engine = await bg.SchemaEngine.new({ datamodels: undefined }, onLog, bindMigrationAwareSqlAdapterFactory(factory));
  return {
    engine,
    close: async () => {
      engine.free();
      await factory.disposeAll();
    },
  };
}

/**
 * PrismaPg for the schema engine: every pool it opens has an error listener (a server that
 * goes away must not crash the process) and is closed by `disposeAll`; the shadow database
 * gets its own config rather than a copy of the pool's options (which hide the password).
 */
class MigrationPg implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(private readonly config: pg.PoolConfig) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await new PrismaPg(this.config, { onPoolError: () => {} }).connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const admin = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...this.config, database }, { onPoolError: () => {} }).connect();
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await disposeShadow();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await this.release(admin);
    };
    return this.track(shadow);
  }

  async disposeAll(): Promise<void> {
    for (const a of [...this.open]) await this.release(a);
  }

  private track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    this.open.add(adapter);
    return charColumnsAsCharacter(adapter);
  }

  private async release(adapter: SqlDriverAdapter): Promise<void> {
    if (!this.open.delete(adapter)) return;
    await adapter.dispose().catch(() => {});
  }
}

/**
 * Discrete fields, not `connectionString`: the shadow database is this config with another
 * `database`, and pg lets a connection string override that field.
 */
function poolConfigFromUrl(url: string): pg.PoolConfig {
  const u = new URL(url);
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname) || u.searchParams.get("host") || "localhost",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
    ...(sslmode && sslmode !== "disable" ? { ssl: { rejectUnauthorized: sslmode === "verify-full" } } : {}),
  };
}

/** The migrations folder as the engine wants it: every `<name>/migration.sql`, sorted by name. */
export function readMigrations(baseDir: string): MigrationList {
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const lockPath = join(baseDir, "migration_lock.toml");
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = join(baseDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file) ? { tag: "ok" as const, value: readFileSync(file, "utf8") } : { tag: "error" as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

const PG_CHAR = 18;
const PG_CHAR_ARRAY = 1002;

/**
 * The engine describes a schema with catalog queries that return Postgres' internal
 * one-byte "char" type (pg_constraint.contype and the like) and reads those columns as
 * characters; @prisma/adapter-pg 7.10 rejects that type as unsupported. So the client below
 * reports "char" columns under the "char[]" type id, which the adapter accepts, and
 * `charColumnsAsCharacter` turns those columns (their values are plain strings, never
 * arrays) into the Character column type the engine expects. Schema-engine connections only.
 */
class CharTypeClient extends pg.Client {
  // pg's query() has many overloads: a pool calls it with a callback, others use the promise.
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    const cb = args[last];
    if (typeof cb === "function") {
      args[last] = (err: Error | null, r: pg.QueryResult) => cb(err, err ? r : markCharColumns(r));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === "function") return (result as Promise<pg.QueryResult>).then(markCharColumns);
    return result;
  }
}

function markCharColumns(r: pg.QueryResult): pg.QueryResult {
  for (const f of r?.fields ?? []) if (f.dataTypeID === PG_CHAR) f.dataTypeID = PG_CHAR_ARRAY;
  return r;
}

function charColumnsAsCharacter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    result.columnTypes = result.columnTypes.map((type, i) =>
      type === ColumnTypeEnum.CharacterArray && result.rows.every((row) => !Array.isArray(row[i])) ? ColumnTypeEnum.Character : type,
    );
    return result;
  };
  return adapter;
}
