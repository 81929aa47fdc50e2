/**
 * Bot benchmark: a class's burst through the real path — the fake Discord's gateway, the
 * discord.js client, GenLab's router and checks, Postgres, the pg-boss queue, a worker and a
 * fast test engine, the result posted back — measuring interaction → acknowledgement latency
 * (p50/p99/max) and jobs per second until the queue is empty.
 *
 * Reference, in the same run: a bare discord.js client on the same kind of fake Discord that
 * defers every interaction the moment it arrives (no checks, no database, no worker) — the
 * floor this machine and discord.js set. The ratio GenLab p99 / reference p99 is what GenLab adds.
 *
 * The fake Discord runs in a process of its own and times acknowledgements on its side, as
 * Discord would (`--same-process` puts it on the bot's event loop, as the tests do).
 *
 * `--while-training` adds the same rounds while a full-data Fashion-MNIST training run (MLP,
 * all 60,000 images) is in progress in the same GenLab — its worker thread, checkpoints and
 * epoch posts included — and prints both side by side.
 *
 * Each GenLab round also prints what it cost per request, which a busy machine does not blur as
 * it does latencies: this process's CPU (bot, queue and worker), PostgreSQL's CPU, and the SQL
 * statements sent (`--statements` lists them, per request, most frequent first).
 *
 *   npx tsx bench/bot.ts [--users 50] [--per-user 4] [--rounds 3] [--concurrency 1] [--same-process] [--while-training] [--statements]
 *
 * Everything (fake Discord, bot, worker, embedded Postgres) shares this machine's cores, so
 * the figures are an upper bound on what GenLab adds. Goal: p99 < 100 ms for 200 at once.
 */
import { join } from "node:path";
import { startBot } from "../src/discord/client.ts";
import type { App } from "../src/app.ts";
import { queueTrainingRun } from "../src/training/runs.ts";
import { createLogger } from "../src/log.ts";
import { percentile, sendBurst, startBurstApp, untilEnded } from "../tests/support/burst.ts";
import { tempDir } from "../tests/support/config.ts";
import { FakeDiscord } from "../tests/support/fake-discord.ts";
import { costMeter, countQueries, type Cost } from "./bot-cost.ts";
import { startFakeDiscordProcess, type RemoteFakeDiscord } from "./fake-discord-process.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const USERS = arg("users", 50);
const PER_USER = arg("per-user", 4);
const ROUNDS = arg("rounds", 3);

interface Row {
  cost?: Cost;
  p50: number;
  p99: number;
  max: number;
  jobs: number;
  seconds: number;
  late: number;
}

function printRow(label: string, row: Row): void {
  const rate = row.seconds > 0 ? (row.jobs / row.seconds).toFixed(1) : "—";
  const c = row.cost;
  const cost = c ? ` | ${c.botCpuMsPerRequest.toFixed(1).padStart(6)} | ${c.pgCpuMsPerRequest.toFixed(1).padStart(6)} | ${c.queriesPerRequest.toFixed(1).padStart(5)}` : "";
  console.log(`${label.padEnd(11)} | ${row.p50.toFixed(0).padStart(10)} | ${row.p99.toFixed(0).padStart(10)} | ${row.max.toFixed(0).padStart(10)} | ${String(row.jobs).padStart(4)} | ${row.seconds.toFixed(1).padStart(7)} | ${rate.padStart(6)} | ${String(row.late).padStart(4)}${cost}`);
  if (c && STATEMENTS) for (const [sql, n] of c.byStatement) console.log(`    ${n.toFixed(2).padStart(5)} × ${sql}`);
}

function rowOf(ackMs: number[], seconds: number, late: number): Row {
  return { p50: percentile(ackMs, 50), p99: percentile(ackMs, 99), max: Math.max(...ackMs), jobs: ackMs.length, seconds, late };
}

const SAME_PROCESS = process.argv.includes("--same-process");
const WHILE_TRAINING = process.argv.includes("--while-training");
const STATEMENTS = process.argv.includes("--statements");

/** A fake Discord to send bursts through, here or in its own process. */
type Discord = RemoteFakeDiscord;

async function startDiscord(): Promise<Discord> {
  if (!SAME_PROCESS) return startFakeDiscordProcess();
  const fake = await FakeDiscord.start({ recordRequests: false });
  return {
    token: fake.token,
    apiUrl: fake.apiUrl,
    guildId: fake.guildId,
    channelId: fake.channelId,
    async burst(users, perUser) {
      const late = fake.lateCallbacks;
      const acks = await sendBurst(fake, users, perUser);
      return { acks, late: fake.lateCallbacks - late };
    },
    stop: () => fake.stop(),
  };
}

/** Warm-up, then the rounds; `settle` waits for whatever follows the acknowledgements. */
async function rounds(label: string, discord: Discord, settle: (ids: string[]) => Promise<void>, pgDir?: string): Promise<Row[]> {
  await settle((await discord.burst(5, 1)).acks.map((a) => a.id)); // JIT, connections, caches
  const rows: Row[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const t0 = performance.now();
    const meter = costMeter(pgDir);
    const { acks, late } = await discord.burst(USERS, PER_USER);
    await settle(acks.filter((a) => a.type !== 0).map((a) => a.id)); // a refused one may have left no job
    const cost = label === "reference" ? undefined : meter.end(acks.length);
    rows.push({ ...rowOf(acks.map((a) => a.ms), (performance.now() - t0) / 1000, late), ...(cost ? { cost } : {}) });
    printRow(`${label} ${r}`, rows.at(-1)!);
  }
  return rows;
}

console.log(`${USERS} students × ${PER_USER} requests at once, ${ROUNDS} rounds each; fake Discord ${SAME_PROCESS ? "on the bot's event loop" : "in its own process"}\n`);
console.log("round       | ack p50 ms | ack p99 ms | ack max ms | jobs | seconds | jobs/s | late | bot CPU ms/req | PG CPU ms/req | SQL/req");

/** A full-data Fashion-MNIST run, started and left training; resolves once its first step has run. */
async function startTraining(app: App, discord: Discord): Promise<{ stop(): Promise<{ epochs: number; secondsPerEpoch: number }> }> {
  const config = { dataset: "fashion-mnist", arch: "mlp" as const, conditional: false, epochs: 1000, batch: 64, lr: 2e-4, sampleEvery: 1, seed: 1 };
  const { id } = await queueTrainingRun(app.db.prisma, app.queue, { config, guild: { id: discord.guildId }, requester: { id: "600000000000000999" }, channelId: discord.channelId });
  // `implementation` is recorded at the trainer's start event, after the dataset has loaded.
  for (;;) {
    const run = await app.db.prisma.trainingRun.findUnique({ where: { id } });
    if (run?.implementation) break;
    if (run?.status === "failed") throw new Error(`the training run failed: ${run.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`training: Fashion-MNIST, 60,000 images, mlp, in progress (${(await app.db.prisma.trainingRun.findUnique({ where: { id } }))!.implementation})`);
  return {
    async stop() {
      await app.db.prisma.trainingRun.update({ where: { id }, data: { status: "stopping" } });
      for (;;) {
        const run = await app.db.prisma.trainingRun.findUnique({ where: { id }, include: { epochs: true } });
        if (run && ["stopped", "failed", "succeeded"].includes(run.status)) {
          const secs = run.epochs.map((e) => e.seconds);
          return { epochs: run.epochsDone, secondsPerEpoch: secs.length ? secs.reduce((a, b) => a + b, 0) / secs.length : NaN };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

countQueries();
let discord = await startDiscord();
const dataDir = tempDir("genlab-bench-bot-");
const pgDir = join(dataDir, "postgres");
const app = await startBurstApp(discord, { GENLAB_DATA_DIR: dataDir, GENLAB_WORKER_CONCURRENCY: String(arg("concurrency", 1)), GENLAB_MAX_JOBS_PER_USER: String(PER_USER + 1) });
let genlab: Row[];
let training: Row[] = [];
let trained: { epochs: number; secondsPerEpoch: number } | undefined;
try {
  genlab = await rounds("GenLab", discord, (ids) => untilEnded(app, ids), pgDir);
  if (WHILE_TRAINING) {
    const run = await startTraining(app, discord);
    try {
      training = await rounds("training", discord, (ids) => untilEnded(app, ids), pgDir);
    } finally {
      trained = await run.stop();
    }
  }
} finally {
  await app.stop();
  await discord.stop();
}

// The reference: acknowledgement only (seconds = until the last acknowledgement).
discord = await startDiscord();
const bare = await startBot({ token: discord.token, apiUrl: discord.apiUrl, log: createLogger("silent"), onInteraction: async (i) => void (i.isChatInputCommand() && (await i.deferReply())) });
let reference: Row[];
try {
  reference = await rounds("reference", discord, async () => {});
} finally {
  await bare.stop();
  await discord.stop();
}

// Rounds after the first (the first still pays for JIT and cold caches), median of each side.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const warm = (rows: Row[]) => (rows.length > 1 ? rows.slice(1) : rows);
const p99 = { genlab: median(warm(genlab).map((r) => r.p99)), reference: median(warm(reference).map((r) => r.p99)) };
console.log(`\nack p99 (median of warm rounds): GenLab ${p99.genlab.toFixed(0)} ms, reference ${p99.reference.toFixed(0)} ms, ratio ${(p99.genlab / p99.reference).toFixed(2)} (goal: GenLab < 100 ms)`);
if (WHILE_TRAINING) {
  const side = (rows: Row[], k: "p50" | "p99") => median(warm(rows).map((r) => r[k])).toFixed(0).padStart(8);
  const progress = trained!.epochs ? `${trained!.epochs} epochs done, ${trained!.secondsPerEpoch.toFixed(1)} s/epoch` : "all of it in the first epoch";
  console.log(`\nack ms (median of warm rounds) | without training | while training (${progress})`);
  console.log(`p50                            | ${side(genlab, "p50")}         | ${side(training, "p50")}`);
  console.log(`p99                            | ${side(genlab, "p99")}         | ${side(training, "p99")}   (goal: < 250 ms while training)`);
}
const cost = (rows: Row[]) => ({
  botCpuMsPerRequest: Number(median(warm(rows).map((r) => r.cost!.botCpuMsPerRequest)).toFixed(2)),
  pgCpuMsPerRequest: Number(median(warm(rows).map((r) => r.cost!.pgCpuMsPerRequest)).toFixed(2)),
  queriesPerRequest: Number(median(warm(rows).map((r) => r.cost!.queriesPerRequest)).toFixed(2)),
});
console.log(`per request (median of warm rounds): bot CPU ${cost(genlab).botCpuMsPerRequest} ms, PostgreSQL CPU ${cost(genlab).pgCpuMsPerRequest} ms, ${cost(genlab).queriesPerRequest} SQL statements`);
const brief = (rows: Row[]) => rows.map(({ cost: c, ...r }) => ({ ...r, ...(c ? { botCpuMs: Number(c.botCpuMsPerRequest.toFixed(2)), pgCpuMs: Number(c.pgCpuMsPerRequest.toFixed(2)), sql: Number(c.queriesPerRequest.toFixed(2)) } : {}) }));
console.log(JSON.stringify({ bench: "bot", users: USERS, perUser: PER_USER, fakeDiscord: SAME_PROCESS ? "same process" : "own process", genlab: brief(genlab), cost: cost(genlab), ...(WHILE_TRAINING ? { whileTraining: brief(training), whileTrainingCost: cost(training), trained } : {}), reference: brief(reference), p99Ratio: Number((p99.genlab / p99.reference).toFixed(3)) }));
