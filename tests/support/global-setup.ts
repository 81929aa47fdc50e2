import { rmSync } from "node:fs";
import { tempDir } from "./config.ts";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/db/embedded.ts";
import { createLogger } from "../../src/log.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A real PostgreSQL server for the whole run; each test file makes its own database on it. */
    pgAdminUrl: string;
  }
}

/** One embedded PostgreSQL for the run (≈1 s), so tests use a real server, never a mock. */
export default async function setup(project: TestProject) {

  const dir = tempDir("genlab-test-pg-");
  const db = await startEmbeddedPostgres(dir, createLogger("warn"));
  project.provide("pgAdminUrl", db.url);
  return async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
