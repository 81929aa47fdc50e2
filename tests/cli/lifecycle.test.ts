import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { childEnv, exited, genlabBin, hasExited, runGenlab, startGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";

/**
 * `genlab start` looks after its embedded PostgreSQL across a kill -9, a closed terminal and
 * a data folder it cannot use. Real processes, real PostgreSQL.
 */
function postmasterPid(dir: string): number {
  return Number(readFileSync(join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}

/** Alive and not a zombie (an orphan's new parent may be slow to reap it). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function expectOneSentence(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const ready = /GenLab is running/;

// Whatever a failing test leaves running is stopped here: GenLabs, then their postmasters.
const dirs: string[] = [];
const children: ChildProcess[] = [];
function dataDir(): string {
  const dir = tempDir("genlab-life-");
  dirs.push(dir);
  return dir;
}
async function start(env: Record<string, string>) {
  const started = await startGenlab(["start"], { GENLAB_PLAYGROUND_PORT: "0", ...env }, ready);
  children.push(started.child);
  return started;
}
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (!hasExited(c)) c.kill("SIGKILL");
    await exited(c);
  }
  for (const dir of dirs.splice(0)) {
    try {
      process.kill(postmasterPid(dir), "SIGINT");
    } catch {
      // none left
    }
  }
});

describe("genlab start and its embedded PostgreSQL", () => {
  it("after a kill -9, the next start stops the PostgreSQL left behind, says so in one line, and starts normally", async () => {
    const dir = dataDir();
    const env = { GENLAB_DATA_DIR: dir };
    const first = await start(env);
    const orphan = postmasterPid(dir);
    first.child.kill("SIGKILL");
    await exited(first.child);
    expect(running(orphan)).toBe(true); // GenLab cannot stop it once killed: the next start must

    const second = await start(env);
    try {
      const said = second.output().split("\n").filter((l) => /left running by a GenLab that is gone/.test(l));
      expect(said).toHaveLength(1);
      expect(said[0]).toContain(`(pid ${orphan})`);
      expect(running(orphan)).toBe(false);
      expect(postmasterPid(dir)).not.toBe(orphan);
    } finally {
      second.child.kill("SIGTERM");
      expect(await exited(second.child)).toBe(0);
    }
    expect(existsSync(join(dir, "postgres", "postmaster.pid"))).toBe(false);
  });

  it("SIGHUP (the terminal closed) stops GenLab cleanly, exit 0, its PostgreSQL with it", async () => {
    const dir = dataDir();
    const { child } = await start({ GENLAB_DATA_DIR: dir });
    const postmaster = postmasterPid(dir);
    child.kill("SIGHUP");
    expect(await exited(child)).toBe(0);
    expect(existsSync(join(dir, "postgres", "postmaster.pid"))).toBe(false);
    expect(running(postmaster)).toBe(false);
  });

  it("a data dir really in use by a live GenLab is still refused in one sentence", async () => {
    const dir = dataDir();
    const { child } = await start({ GENLAB_DATA_DIR: dir });
    try {
      const r = await runGenlab(["migrate"], { GENLAB_DATA_DIR: dir, LOG_LEVEL: "silent" });
      expect(r.code).toBe(1);
      expectOneSentence(r.stderr, /^genlab: The embedded database in .* is already in use by another process \(pid \d+\): stop the other GenLab first/);
    } finally {
      child.kill("SIGTERM");
      expect(await exited(child)).toBe(0);
    }
  });

  it("the postmaster killed under GenLab, and it cannot come back: GenLab exits non-zero with one sentence", async () => {
    const dir = dataDir();
    const { child, output } = await start({ GENLAB_DATA_DIR: dir });
    // A destroyed control file: no restart can succeed.
    writeFileSync(join(dir, "postgres", "global", "pg_control"), "");
    process.kill(postmasterPid(dir), "SIGKILL");
    const code = await exited(child);
    expect(code).not.toBe(0);
    const last = output().trim().split("\n").at(-1)!;
    expect(last).toMatch(/^genlab: The embedded database in .* stopped and GenLab could not restart it: .*\. Check the disk and the folder, then start GenLab again\.$/);
    expect(output()).toMatch(/embedded PostgreSQL stopped unexpectedly \(killed by SIGKILL\); restarting it/);
  });
});

describe("the data folder is checked at start", () => {
  it("a data folder under a file: one sentence naming it, exit 1, with the embedded database and with DATABASE_URL", async () => {
    const file = join(tempDir("genlab-life-"), "not-a-folder");
    writeFileSync(file, "x");
    const dataDir = join(file, "data");
    const sentence = /^genlab: The data folder .*not-a-folder\/data \(GENLAB_DATA_DIR\) cannot be a folder: it, or a folder above it, is a file\. Move that file away, or set GENLAB_DATA_DIR to another folder\.$/;
    const embedded = await runGenlab(["start"], { GENLAB_DATA_DIR: dataDir, GENLAB_PLAYGROUND_PORT: "0", LOG_LEVEL: "silent" });
    expect(embedded.code).toBe(1);
    expectOneSentence(embedded.stderr, sentence);
    const external = await runGenlab(["worker"], { DATABASE_URL: await createTestDatabase("datadir"), GENLAB_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    expect(external.code).toBe(1);
    expectOneSentence(external.stderr, sentence);
  });

  it("a data folder GenLab may not write: one sentence, exit 1, no stack trace", async () => {
    // Tests run as root here, who may write anywhere: then GenLab runs as "nobody" on a folder
    // root owns (0755); as a normal user, on a folder made read-only.
    const dir = tempDir("genlab-life-");
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) (await import("node:fs")).chmodSync(dir, 0o555);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [genlabBin, "start"], {
        env: childEnv({ GENLAB_DATA_DIR: dir, GENLAB_PLAYGROUND_PORT: "0", LOG_LEVEL: "silent", HOME: "/tmp" }),
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr, /^genlab: GenLab may not write in its data folder .*genlab-life-\w+ \(GENLAB_DATA_DIR\): give the user running GenLab write access to it, or set GENLAB_DATA_DIR to another folder\.$/);
  });
});
