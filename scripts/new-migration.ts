// Maintainers: after editing prisma/schema.prisma, write the next migration offline with
//   npm run db:migration -- <name>
// (the same SQL `prisma migrate dev --create-only` would write). Needs a PostgreSQL for the
// shadow database: DATABASE_URL, or the embedded one under GENLAB_DATA_DIR.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrationsDir, pendingSchemaChanges } from "../src/db/migrate.ts";
import { startEmbeddedPostgres } from "../src/db/embedded.ts";
import { log } from "../src/log.ts";

const name = (process.argv[2] ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
if (!name) {
  console.error("Give the migration a name: npm run db:migration -- add_guild_settings");
  process.exit(2);
}
const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres(process.env.GENLAB_DATA_DIR ?? "./data", log);
try {
  const sql = await pendingSchemaChanges(process.env.DATABASE_URL ?? embedded!.url);
  if (!sql) {
    console.log("The migrations already match prisma/schema.prisma: nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(migrationsDir, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql + "\n");
    console.log(`Wrote ${dir}/migration.sql`);
  }
} finally {
  await embedded?.stop();
}
