import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyMigrations, migrationsDir, pendingSchemaChanges, schemaPath } from "../../src/db/index.ts";
import { tempDir } from "../support/config.ts";
import { createTestDatabase, query } from "../support/db.ts";

describe("offline migrations", () => {
  it("applies every migration once and records them as prisma migrate deploy does", async () => {
    const url = await createTestDatabase("mig");
    const names = readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(await applyMigrations(url)).toEqual(names);
    expect(await applyMigrations(url)).toEqual([]); // idempotent at every start

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      "SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const r of rows) {
      const sql = readFileSync(join(migrationsDir, r.migration_name, "migration.sql"));
      expect(r.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(r.finished_at).not.toBeNull();
    }
    const tables = (await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((t) => t.table_name);
    expect(tables).toEqual(["AuditEvent", "EpochMetric", "Generation", "Guild", "Image", "ModelArtifact", "TrainingRun", "User", "_prisma_migrations"]);
    const indexes = (await query<{ indexname: string }>(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'Generation'")).map((i) => i.indexname);
    expect(indexes).toEqual(expect.arrayContaining(["Generation_messageId_idx", "Generation_requesterId_createdAt_idx", "Generation_interactionId_key"]));
  });

  it("model_owner gives every model a /train run made to that run's server (backfill)", async () => {
    const url = await createTestDatabase("backfill");
    // The database as it was before the migration, with a model trained in one server…
    const before = tempDir("genlab-migrations-");
    for (const name of readdirSync(migrationsDir).filter((n) => n < "20261202173045")) cpSync(join(migrationsDir, name), join(before, name), { recursive: true });
    await applyMigrations(url, before);
    await query(url, `INSERT INTO "Guild" (id, "updatedAt") VALUES ('111', now())`);
    await query(url, `INSERT INTO "TrainingRun" (id, config, "guildId", "updatedAt") VALUES ('00000000-0000-4000-8000-000000000001', '{}', '111', now())`);
    await query(url, `INSERT INTO "ModelArtifact" (id, name, kind, sha256, source, "createdByRunId", "updatedAt") VALUES ('00000000-0000-4000-8000-000000000002', 'theirs', 'generator', 'x', 'training-run', '00000000-0000-4000-8000-000000000001', now()), ('00000000-0000-4000-8000-000000000003', 'shipped', 'generator', 'y', 'shipped', NULL, now())`);
    // …then the rest.
    expect(await applyMigrations(url)).toContain("20261202173045_model_owner");
    const owners = await query<{ name: string; guildId: string | null }>(url, `SELECT name, "guildId" FROM "ModelArtifact" ORDER BY name`);
    expect(owners).toEqual([{ name: "shipped", guildId: null }, { name: "theirs", guildId: "111" }]);
  });

  it("the migrations folder builds exactly the Prisma schema (no drift)", async () => {
    const url = await createTestDatabase("drift");
    expect(await pendingSchemaChanges(url)).toBe("");
  });

  it("detects drift when the schema changes without a migration", async () => {
    const url = await createTestDatabase("drift2");
    const dir = tempDir("genlab-schema-");
    const edited = join(dir, "schema.prisma");
    writeFileSync(edited, readFileSync(schemaPath, "utf8").replace("  username  String?\n", "  username  String?\n  nickname  String?\n"));
    const sql = await pendingSchemaChanges(url, migrationsDir, edited);
    expect(sql).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"nickname" TEXT/);
  });

  it("refuses to start on a database where a migration failed, with one sentence", async () => {
    const url = await createTestDatabase("broken");
    const dir = tempDir("genlab-migs-");
    cpSync(migrationsDir, dir, { recursive: true });
    const bad = join(dir, "29990101000000_broken");
    cpSync(join(dir, readdirSync(dir).find((d) => /^\d/.test(d))!), bad, { recursive: true });
    writeFileSync(join(bad, "migration.sql"), "ALTER TABLE \"Nope\" ADD COLUMN x INT;\n");
    await expect(applyMigrations(url, dir)).rejects.toThrow(/^Could not migrate the database: /);
    await expect(applyMigrations(url, dir)).rejects.toThrow(/Migration 29990101000000_broken failed earlier on this database/);
  });
});
