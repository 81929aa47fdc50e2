import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type Config } from "../../src/config/index.ts";

/** A validated config for tests, with fast queue timings and a private data dir. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    GENLAB_DATA_DIR: tempDir("genlab-test-data-"),
    GENLAB_JOB_RETRY_DELAY_SECONDS: "1",
    GENLAB_JOB_HEARTBEAT_SECONDS: "10",
    GENLAB_JOB_MONITOR_SECONDS: "1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // Tests send bursts; the rate-limit tests set their own.
    GENLAB_USER_PER_MINUTE: "600",
    GENLAB_GUILD_PER_MINUTE: "6000",
    ...env,
  });
}

/** A temporary folder that the "postgres" user can enter too (tests run as root here). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
