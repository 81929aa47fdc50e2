import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/index.ts";
import { createLogger } from "../../src/log.ts";
import { exited, runGenlab, startGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";

function expectOneSentence(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("genlab start-up", () => {
  it("a bad setting gives one sentence naming it, and exit code 1", async () => {
    const r = await runGenlab(["start"], { GENLAB_WORKER_CONCURRENCY: "many", GENLAB_DATA_DIR: tempDir("genlab-cli-") });
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr, /^genlab: GENLAB_WORKER_CONCURRENCY must be a whole number: fix it/);
  });

  it("a malformed token is reported without echoing it", async () => {
    const r = await runGenlab(["start"], { DISCORD_TOKEN: "hunter2-secret-token", GENLAB_DATA_DIR: tempDir("genlab-cli-") });
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr, /^genlab: DISCORD_TOKEN does not look like a bot token/);
    expect(r.stderr + r.stdout).not.toContain("hunter2");
  });

  it("a data dir in use by another GenLab gives one sentence", async () => {
    const dir = tempDir("genlab-cli-");
    const other = await startEmbeddedPostgres(dir, createLogger("silent"));
    try {
      const r = await runGenlab(["migrate"], { GENLAB_DATA_DIR: dir, LOG_LEVEL: "silent" });
      expect(r.code).toBe(1);
      expectOneSentence(r.stderr, /^genlab: The embedded database in .* is already in use by another process \(pid \d+\)/);
    } finally {
      await other.stop();
    }
  });

  it("with no environment starts the embedded database, says what Discord needs, and stops cleanly on SIGTERM", async () => {
    const dir = tempDir("genlab-cli-");
    const { child, output } = await startGenlab(["start"], { GENLAB_DATA_DIR: dir }, /GenLab is running/);
    expect(output()).toMatch(/database migrated/);
    expect(output()).toMatch(/DISCORD_TOKEN is not set, so GenLab is not connecting to Discord: set it/);
    expect(existsSync(join(dir, "postgres", "postmaster.pid"))).toBe(true);
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    expect(existsSync(join(dir, "postgres", "postmaster.pid"))).toBe(false); // PostgreSQL shut down too
  });
});
