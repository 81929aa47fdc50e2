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
  let handle: Awaited<ReturnType<typeof openSchemaEngine>> | undefined;
  try {
    handle = await openSchemaEngine(url);
    const { engine } = handle;
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
    throw connectionProblem(cause) ?? new UserFacingError(`Could not migrate the database: ${firstLine(cause)}`, { cause });
  } finally {
    await handle?.close();
  }
}

/** The engine's wording for the usual connection failures, turned into what to do about them. */
function connectionProblem(cause: unknown): UserFacingError | undefined {
  const msg = firstLine(cause);
  const known: [RegExp, (m: RegExpExecArray) => string][] = [
    [/Can't reach database server at `([^`]+)`/, (m) => `GenLab cannot reach the database server at ${m[1]}: start it, or fix DATABASE_URL (unset it to use the embedded database).`],
    [/Authentication failed against database server/, () => "The database server refused GenLab's user name or password: fix them in DATABASE_URL."],
    [/Database `([^`]+)` does not exist/, (m) => `The database "${m[1]}" does not exist on that server: create it (createdb ${m[1]}) or fix DATABASE_URL.`],
  ];
  for (const [re, say] of known) {
    const m = re.exec(msg);
    if (m) return new UserFacingError(say(m), { cause });
  }
  return undefined;
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
