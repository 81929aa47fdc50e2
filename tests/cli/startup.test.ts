import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/index.ts";
import { createLogger } from "../../src/log.ts";
import { exited, runGenlab, startGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";

function expectOneSentence(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("genlab start-up", () => {
  it("a mistyped option gets one sentence, not a stack trace; train --help prints its usage", async () => {
    const r = await runGenlab(["sample", "--bogus"], {});
    expectOneSentence(r.stderr, /^genlab: Unknown option '--bogus'.*: run `genlab help` for the commands and their options\.$/);
    expect(r.code).toBe(1);
    const help = await runGenlab(["train", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^genlab train --dataset mnist\|fashion-mnist/);
  });

  it.each([
    ["sample", /^genlab sample --model NAME\|DIR --n 16 .*--out FILE\.png\n$/],
    ["biggan", /^genlab biggan --class 207 .*\n$/], // not biggan-interpolate's line
    ["imagine", /^genlab imagine "PROMPT" .*\n +\[--aspect 3:2\].*\n +Stable Diffusion text-to-image.*\n$/],
  ])("genlab %s --help prints that command's usage and exits 0", async (cmd, usage) => {
    const help = await runGenlab([cmd, "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(usage);
  });

  it("refuses to serve the playground beyond loopback without a password, in one sentence", async () => {
    const r = await runGenlab(["start"], { GENLAB_PLAYGROUND_HOST: "0.0.0.0", GENLAB_DATA_DIR: tempDir("genlab-cli-") });
    expectOneSentence(r.stderr, /^genlab: GENLAB_PLAYGROUND_HOST is 0\.0\.0\.0, which other machines can reach: set GENLAB_PLAYGROUND_PASSWORD too, or keep the playground on 127\.0\.0\.1\.$/);
    expect(r.code).toBe(1);
  });

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

  it("an unreachable DATABASE_URL gives one sentence, without the password", async () => {
    const r = await runGenlab(["migrate"], { DATABASE_URL: "postgresql://genlab:topsecretpw@127.0.0.1:1/genlab", LOG_LEVEL: "silent" });
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr, /^genlab: GenLab cannot reach the database server at 127\.0\.0\.1:1: start it, or fix DATABASE_URL/);
    expect(r.stderr).not.toContain("topsecretpw");
  });

  it("a wrong database password gives one sentence, without the password", async () => {
    const url = new URL(await createTestDatabase("cli"));
    url.password = "not-the-password";
    const r = await runGenlab(["migrate"], { DATABASE_URL: url.toString(), LOG_LEVEL: "silent" });
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr, /^genlab: The database server refused GenLab's user name or password: fix them in DATABASE_URL\.$/);
    expect(r.stderr).not.toContain("not-the-password");
  });

  it("genlab worker runs only the worker, on DATABASE_URL, and says it cannot post without a token", async () => {
    const { child, output } = await startGenlab(["worker"], { DATABASE_URL: await createTestDatabase("cli"), GENLAB_DATA_DIR: tempDir("genlab-cli-") }, /GenLab is running/);
    expect(output()).toMatch(/"role":"worker"/);
    expect(output()).toMatch(/worker listening/);
    expect(output()).toMatch(/this worker stores results but cannot post them to Discord/);
    expect(output()).not.toMatch(/embedded PostgreSQL/);
    child.kill("SIGINT");
    expect(await exited(child)).toBe(0);
  });

  it("with no environment starts the embedded database, says what Discord needs, and stops cleanly on SIGTERM", async () => {
    const dir = tempDir("genlab-cli-");
    const { child, output } = await startGenlab(["start"], { GENLAB_DATA_DIR: dir, GENLAB_PLAYGROUND_PORT: "0" }, /GenLab is running/);
    expect(output()).toMatch(/database migrated/);
    expect(output()).toMatch(/DISCORD_TOKEN is not set, so GenLab is not connecting to Discord \(the playground works without it\): set it/);
    expect(output()).toMatch(/playground: open http:\/\/127\.0\.0\.1:\d+\//);
    expect(existsSync(join(dir, "postgres", "postmaster.pid"))).toBe(true);
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    expect(existsSync(join(dir, "postgres", "postmaster.pid"))).toBe(false); // PostgreSQL shut down too
  });
});
