import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, redact, registerSecrets, secretValues } from "../../src/config/index.ts";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123";

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies defaults to an empty environment", () => {
    const c = loadConfig({});
    expect(c.DISCORD_TOKEN).toBeUndefined();
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.GENLAB_DATA_DIR).toBe("./data");
    expect(c.GENLAB_WORKER_CONCURRENCY).toBe(1);
    expect(c.DISCORD_API_URL).toBe("https://discord.com/api");
  });

  it("coerces numbers and keeps valid secrets", () => {
    const c = loadConfig({ DISCORD_TOKEN: TOKEN, GENLAB_WORKER_CONCURRENCY: "3", DATABASE_URL: "postgresql://u:p@h:5432/db" });
    expect(c.GENLAB_WORKER_CONCURRENCY).toBe(3);
    expect(c.DISCORD_TOKEN).toBe(TOKEN);
  });

  it.each([
    [{ GENLAB_WORKER_CONCURRENCY: "lots" }, "GENLAB_WORKER_CONCURRENCY"],
    [{ GENLAB_WORKER_CONCURRENCY: "0" }, "GENLAB_WORKER_CONCURRENCY"],
    [{ DATABASE_URL: "mysql://root:hunter2@db/genlab" }, "DATABASE_URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ DISCORD_API_URL: "not a url" }, "DISCORD_API_URL"],
    [{ GENLAB_JOB_HEARTBEAT_SECONDS: "2" }, "GENLAB_JOB_HEARTBEAT_SECONDS"],
  ])("names the variable in one sentence: %o", (env, name) => {
    const e = errorOf(env);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message.startsWith(name)).toBe(true);
    expect(e.message.trim().split("\n")).toHaveLength(1);
    expect(e.message).toMatch(/\.$/);
  });

  it("never repeats a bad secret in its message", () => {
    const e = errorOf({ DISCORD_TOKEN: "hunter2-is-my-password" });
    expect(e.message).toContain("DISCORD_TOKEN");
    expect(e.message).not.toContain("hunter2");
    const d = errorOf({ DATABASE_URL: "mysql://root:hunter2@db/genlab" });
    expect(d.message).not.toContain("hunter2");
  });

  it("reads a JSON config file, with the environment taking precedence", () => {
    const dir = mkdtempSync(join(tmpdir(), "genlab-cfg-"));
    const file = join(dir, "genlab.json");
    writeFileSync(file, JSON.stringify({ LOG_LEVEL: "debug", GENLAB_WORKER_CONCURRENCY: 2 }));
    const c = loadConfig({ GENLAB_CONFIG: file, GENLAB_WORKER_CONCURRENCY: "4" });
    expect(c.LOG_LEVEL).toBe("debug");
    expect(c.GENLAB_WORKER_CONCURRENCY).toBe(4);
    writeFileSync(file, JSON.stringify({ LOG_LEVEL: "shouting" }));
    expect(errorOf({ GENLAB_CONFIG: file }).message).toMatch(new RegExp(`^LOG_LEVEL \\(in ${file}\\) .*debug.*\\.$`));
    writeFileSync(file, "{ not json");
    expect(errorOf({ GENLAB_CONFIG: file }).message).toMatch(/is not a JSON object/);
    expect(errorOf({ GENLAB_CONFIG: join(dir, "missing.json") }).message).toMatch(/does not exist/);
  });
});

describe("secret redaction", () => {
  it("scrubs the token and the database password from any text", () => {
    const c = loadConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: "postgresql://genlab:s3cr%40t-pw@db:5432/genlab" });
    registerSecrets(secretValues(c));
    const text = `login failed with ${TOKEN} on postgresql://genlab:s3cr%40t-pw@db:5432/genlab (password s3cr@t-pw)`;
    const out = redact(text);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain("s3cr");
    expect(out).toContain("[redacted]");
  });
});
