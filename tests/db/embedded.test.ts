import { writeFileSync, mkdirSync, truncateSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/config/errors.ts";
import { openDatabase, startEmbeddedPostgres } from "../../src/db/index.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";

const log = createLogger("silent");

async function sql(url: string, text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("keeps its data across restarts, on a fresh free port each time", async () => {
    const dir = tempDir("genlab-emb-");
    const first = await startEmbeddedPostgres(dir, log);
    await sql(first.url, "CREATE TABLE kept (v text)");
    await sql(first.url, "INSERT INTO kept VALUES ($1)", ["still here"]);
    await first.stop();
    const second = await startEmbeddedPostgres(dir, log);
    try {
      expect(await sql(second.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("says in one sentence that the data dir is in use by another process", async () => {
    const dir = tempDir("genlab-emb-");
    const first = await startEmbeddedPostgres(dir, log);
    try {
      const err = await startEmbeddedPostgres(dir, log).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserFacingError);
      expect((err as Error).message).toMatch(/^The embedded database in .*postgres is already in use by another process \(pid \d+\): stop the other GenLab first/);
    } finally {
      await first.stop();
    }
  });

  it("says so in one sentence when the configured port is taken", async () => {
    const busy = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => busy.once("listening", r));
    try {
      const port = (busy.address() as AddressInfo).port;
      await expect(startEmbeddedPostgres(tempDir("genlab-emb-"), log, port)).rejects.toThrow(/^The embedded database could not listen on its port: unset GENLAB_EMBEDDED_PG_PORT to pick a free one\.$/);
    } finally {
      busy.close();
    }
  });

  it("refuses a folder that is not a PostgreSQL data directory", async () => {
    const dir = tempDir("genlab-emb-");
    mkdirSync(join(dir, "postgres"));
    writeFileSync(join(dir, "postgres", "notes.txt"), "my homework");
    await expect(startEmbeddedPostgres(dir, log)).rejects.toThrow(/is not a PostgreSQL data directory \(no PG_VERSION\): move it away/);
  });

  it("reports a damaged data directory clearly", async () => {
    const dir = tempDir("genlab-emb-");
    const db = await startEmbeddedPostgres(dir, log);
    await db.stop();
    truncateSync(join(dir, "postgres", "global", "pg_control"), 10);
    const err = await startEmbeddedPostgres(dir, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserFacingError);
    expect((err as Error).message).toMatch(/^The embedded database in .* (looks damaged|did not start)/);
  });
});

describe("openDatabase", () => {
  it("with DATABASE_URL uses that server and starts no PostgreSQL of its own", async () => {
    const url = await createTestDatabase("url");
    const db = await openDatabase({ DATABASE_URL: url, GENLAB_DATA_DIR: tempDir("genlab-unused-"), GENLAB_EMBEDDED_PG_PORT: undefined }, log);
    try {
      expect(db.embedded).toBeUndefined();
      await db.prisma.user.create({ data: { id: "100000000000000001", username: "ada" } });
      expect(await sql(url, 'SELECT username FROM "User"')).toEqual([{ username: "ada" }]);
    } finally {
      await db.close();
    }
  });

  it("without DATABASE_URL starts the embedded server under GENLAB_DATA_DIR and migrates it", async () => {
    const dir = tempDir("genlab-emb-");
    const db = await openDatabase({ DATABASE_URL: undefined, GENLAB_DATA_DIR: dir, GENLAB_EMBEDDED_PG_PORT: undefined }, log);
    try {
      expect(db.embedded?.dataDir).toBe(join(dir, "postgres"));
      expect(await db.prisma.generation.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
