import { PgBoss, type JobWithMetadata } from "pg-boss";
import type { Config } from "../config/schema.ts";
import { OutageLog } from "../db/outage.ts";
import type { Logger } from "../log.ts";

/** Queue names. One queue per kind of work, so GPU hosts can pick what they run. */
export const GENERATE = "generate";
export const TRAIN = "train";

export interface GenerateJob {
  generationId: string;
}

export interface TrainJob {
  runId: string;
}

export type QueueConfig = Pick<
  Config,
  "GENLAB_JOB_RETRY_LIMIT" | "GENLAB_JOB_RETRY_DELAY_SECONDS" | "GENLAB_JOB_HEARTBEAT_SECONDS" | "GENLAB_JOB_MONITOR_SECONDS" | "GENLAB_WORKER_CONCURRENCY"
>;

/**
 * The durable job queue: pg-boss on GenLab's own PostgreSQL. A job outlives the process
 * that queued it; a worker that dies mid-job stops sending heartbeats and the job is
 * retried elsewhere after GENLAB_JOB_HEARTBEAT_SECONDS.
 */
export class JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly config: QueueConfig,
    private readonly log: Logger,
    private readonly outage: OutageLog,
  ) {}

  static async open(url: string, config: QueueConfig, log: Logger): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: url,
      schema: "pgboss",
      max: 4,
      monitorIntervalSeconds: config.GENLAB_JOB_MONITOR_SECONDS,
      superviseIntervalSeconds: config.GENLAB_JOB_MONITOR_SECONDS,
    });
    // Every poller reports a lost database, several times a second: one line per outage.
    const outage = new OutageLog(url, log);
    boss.on("error", (err: Error & { code?: string }) => {
      if (!outage.report(err)) log.error({ err }, "job queue error");
    });
    await boss.start();
    await boss.createQueue(GENERATE, { notify: true });
    await boss.createQueue(TRAIN, { notify: true });
    return new JobQueue(boss, config, log, outage);
  }

  /**
   * Queues a generation; the job id is pg-boss's. `singletonKey` makes a re-send a no-op.
   * Higher priority runs first; equal priorities run in the order they came. `jobId`, when
   * given, is the job's id (a UUID the caller chose and recorded beforehand), else pg-boss picks one.
   */
  async enqueueGeneration(generationId: string, priority = 0, jobId?: string): Promise<string> {
    return this.send(GENERATE, { generationId } satisfies GenerateJob, generationId, 3600, priority, jobId);
  }

  /** Queues (or re-queues, to resume) a training run. */
  async enqueueTraining(runId: string): Promise<string> {
    // A run may take hours; the heartbeat, not this bound, catches a dead worker.
    return this.send(TRAIN, { runId } satisfies TrainJob, `${runId}:${Date.now()}`, 24 * 3600);
  }

  private async send(queue: string, data: object, singletonKey: string, expireInSeconds: number, priority = 0, jobId?: string): Promise<string> {
    const c = this.config;
    // Retry and heartbeat go on each job, so a changed configuration applies to new jobs at once.
    const id = await this.boss.send(queue, data, {
      singletonKey,
      ...(jobId ? { id: jobId } : {}),
      retryLimit: c.GENLAB_JOB_RETRY_LIMIT,
      retryDelay: c.GENLAB_JOB_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      retryDelayMax: 300,
      heartbeatSeconds: c.GENLAB_JOB_HEARTBEAT_SECONDS,
      expireInSeconds,
      priority,
    });
    if (!id) throw new Error(`${queue} job ${singletonKey} is already queued`);
    return id;
  }

  /**
   * Runs `handler` for each generation job. A handler that throws fails the attempt and
   * pg-boss retries it with backoff; a handler that returns completes the job.
   */
  async workGenerations(handler: (job: JobWithMetadata<GenerateJob>) => Promise<void>): Promise<void> {
    await this.work(GENERATE, this.config.GENLAB_WORKER_CONCURRENCY, handler);
  }

  /** Training runs one at a time per worker process: it uses every core. */
  async workTraining(handler: (job: JobWithMetadata<TrainJob>) => Promise<void>): Promise<void> {
    await this.work(TRAIN, 1, handler);
  }

  private async work<T extends object>(queue: string, concurrency: number, handler: (job: JobWithMetadata<T>) => Promise<void>): Promise<void> {
    // One pg-boss worker per slot, each knowing its id: pg-boss waits a polling interval after
    // every job, so each worker asks to fetch again at once while there may be more (a burst
    // of 200 requests drains in seconds, not minutes); an empty fetch falls back to polling.
    for (let i = 0; i < concurrency; i++) {
      let id: string | undefined;
      id = await this.boss.work<T>(queue, { includeMetadata: true, localConcurrency: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        if (!job) return;
        try {
          // includeMetadata: true makes these JobWithMetadata; the overload does not narrow.
          await handler(job as JobWithMetadata<T>);
        } finally {
          if (id) this.boss.notifyWorker(id);
        }
      });
    }
    this.log.info({ queue, concurrency }, "worker listening");
  }

  /** Withdraws a generation job that has not started (a started one runs to its end). */
  async cancelGeneration(jobId: string): Promise<void> {
    await this.boss.cancel(GENERATE, jobId);
  }

  /** Stops taking jobs and waits (up to `timeoutMs`) for running ones to finish. */
  /** GenLab is stopping: the database going away is no longer news. */
  stopping(): void {
    this.outage.close();
  }

  async close(timeoutMs = 10_000): Promise<void> {
    this.outage.close();
    await this.boss.stop({ graceful: true, timeout: timeoutMs });
  }
}
