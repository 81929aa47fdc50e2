// Used by the Prisma CLI (`prisma generate`, and `prisma migrate deploy` where its engine
// can be downloaded). GenLab itself migrates with src/db/migrate.ts, offline.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // env() throws when unset; generate needs no database, so fall back to a placeholder.
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/genlab" },
});
