/**
 * What a bench round costs besides its latencies, so that the bot's work per request can be
 * compared on a busy machine (where wall-clock latencies swing with whatever else runs): CPU
 * time of this process (bot, router, queue, worker), CPU time of the embedded PostgreSQL
 * (postmaster and backends), and the SQL statements sent, counted on node-postgres's Client
 * (Prisma's adapter and pg-boss both use it), by statement, so that a change shows where its
 * round trips went.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

const counts = new Map<string, number>();
let total = 0;

/** Counts every statement sent from now on (idempotent). */
export function countQueries(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __counted?: boolean };
  if (proto.__counted) return;
  const query = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === "string" ? q : q && typeof q === "object" && "text" in q ? String((q as { text: unknown }).text) : "?";
    const key = text.replace(/\s+/g, " ").trim().slice(0, 110);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
    return query.apply(this, args);
  };
  proto.__counted = true;
}

/** CPU seconds of the PostgreSQL under `pgDir`: the postmaster (with its waited-for children) and its live children. */
function postgresCpuSeconds(pgDir: string | undefined): number {
  if (!pgDir) return NaN;
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return NaN;
  }
  const tick = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] = state (field 3)
    const pid = Number(d);
    const ppid = Number(f[1]);
    if (pid === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    else if (ppid === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / tick;
}

export interface Cost {
  /** This process's CPU ms per request (user + system). */
  botCpuMsPerRequest: number;
  /** PostgreSQL's CPU ms per request. */
  pgCpuMsPerRequest: number;
  /** SQL statements per request. */
  queriesPerRequest: number;
  /** The statements sent, most frequent first, with how many per request. */
  byStatement: [string, number][];
}

/** Starts measuring; `end(requests)` returns the cost per request since. */
export function costMeter(pgDir: string | undefined): { end(requests: number): Cost } {
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuSeconds(pgDir);
  const total0 = total;
  const counts0 = new Map(counts);
  return {
    end(requests) {
      const cpu = process.cpuUsage(cpu0);
      const byStatement = [...counts]
        .map(([k, n]) => [k, (n - (counts0.get(k) ?? 0)) / requests] as [string, number])
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]);
      return {
        botCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests,
        pgCpuMsPerRequest: ((postgresCpuSeconds(pgDir) - pg0) * 1000) / requests,
        queriesPerRequest: (total - total0) / requests,
        byStatement,
      };
    },
  };
}
