export { openDatabase, type Database } from "./database.ts";
export { createPrismaClient, type PrismaClient } from "./client.ts";
export { applyMigrations, pendingSchemaChanges, migrationsDir, schemaPath } from "./migrate.ts";
export { startEmbeddedPostgres, freePort, type EmbeddedDatabase } from "./embedded.ts";
