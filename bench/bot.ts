/**
 * Bot benchmark: a class's burst through the real path — the fake Discord's gateway, the
 * discord.js client, GenLab's router and checks, Postgres, the pg-boss queue, a worker and a
 * fast test engine, the result posted back — measuring interaction → acknowledgement latency
 * (p50/p99/max) and jobs per second until the queue is empty.
 *
 *   npx tsx bench/bot.ts [--users 50] [--per-user 4] [--rounds 3] [--concurrency 1]
 *
 * Everything (fake Discord, bot, worker, embedded Postgres) shares this machine's cores, so
 * the figures are an upper bound on what GenLab adds. Goal: p99 < 100 ms for 200 at once.
 */
import { burst, percentile, startBurstRig } from "../tests/support/burst.ts";
import { tempDir } from "../tests/support/config.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const USERS = arg("users", 50);
const PER_USER = arg("per-user", 4);
const ROUNDS = arg("rounds", 3);

const rig = await startBurstRig({ GENLAB_DATA_DIR: tempDir("genlab-bench-bot-"), GENLAB_WORKER_CONCURRENCY: String(arg("concurrency", 1)), GENLAB_MAX_JOBS_PER_USER: String(PER_USER + 1) });
try {
  await burst(rig.fake, rig.app, 5, 1); // warm-up: JIT, connections, caches
  console.log(`${USERS} students × ${PER_USER} requests at once, ${ROUNDS} rounds\n`);
  console.log("round | ack p50 ms | ack p99 ms | ack max ms | jobs | seconds | jobs/s | late (>3 s)");
  const all = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const late = rig.fake.lateCallbacks;
    const b = await burst(rig.fake, rig.app, USERS, PER_USER);
    const row = { p50: percentile(b.ackMs, 50), p99: percentile(b.ackMs, 99), max: Math.max(...b.ackMs), jobs: b.ackMs.length, seconds: b.totalMs / 1000, late: rig.fake.lateCallbacks - late };
    all.push(row);
    console.log(`${String(r).padStart(5)} | ${row.p50.toFixed(0).padStart(10)} | ${row.p99.toFixed(0).padStart(10)} | ${row.max.toFixed(0).padStart(10)} | ${String(row.jobs).padStart(4)} | ${row.seconds.toFixed(1).padStart(7)} | ${(row.jobs / row.seconds).toFixed(1).padStart(6)} | ${row.late}`);
  }
  console.log(JSON.stringify({ bench: "bot", users: USERS, perUser: PER_USER, rounds: all }));
} finally {
  await rig.stop();
}
