import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UserFacingError } from "../config/errors.ts";
import { noFilters, openSchemaEngine, readMigrations } from "./schema-engine.ts";

export const migrationsDir = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
export const schemaPath = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));

/**
 * Applies every migration in prisma/migrations not yet applied (what `prisma migrate deploy`
 * does), offline. Returns the names it applied. A failed or edited migration stops start-up
 * with one sentence, since running on a half-migrated schema would corrupt provenance.
 */
export async function applyMigrations(url: string, dir = migrationsDir): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(url);
  try {
    const migrationsList = readMigrations(dir);
    const history = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: noFilters });
    if (history.failedMigrationNames.length) {
      throw new UserFacingError(
        `Migration ${history.failedMigrationNames.join(", ")} failed earlier on this database: fix the database by hand and run \`prisma migrate resolve\`, or restore a backup.`,
      );
    }
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return appliedMigrationNames;
  } catch (cause) {
    if (cause instanceof UserFacingError) throw cause;
    throw new UserFacingError(`Could not migrate the database: ${firstLine(cause)}`, { cause });
  } finally {
    await close();
  }
}

/**
 * The SQL that would take a database built by the migrations folder to the Prisma schema:
 * empty when they agree. Uses a temporary shadow database on the same server.
 */
export async function pendingSchemaChanges(url: string, dir = migrationsDir, schemaFile = schemaPath): Promise<string> {
  const { engine, close } = await openSchemaEngine(url);
  try {
    const result = await engine.diff({
      from: { tag: "migrations", ...readMigrations(dir) },
      to: { tag: "schemaDatamodel", files: [{ path: schemaFile, content: readFileSync(schemaFile, "utf8") }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return stripEmptyScript(result.stdout ?? "");
  } finally {
    await close();
  }
}

function stripEmptyScript(sql: string): string {
  return sql.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n").find((l) => l.trim())?.trim() ?? "unknown error";
}
