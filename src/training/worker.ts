import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { JobWithMetadata } from "pg-boss";
import { redact } from "../config/redact.ts";
import type { PrismaClient } from "../db/client.ts";
import { discordNonce, isChannelGone, type OutgoingMessage, type Publisher } from "../discord/publisher.ts";
import { isPermanent } from "../engines/errors.ts";
import { isUnfixableFsError } from "../jobs/fs-errors.ts";
import { trainedModelsDir } from "../engines/gan/catalog.ts";
import { loadModel } from "../engines/gan/model-files.ts";
import type { EpochMetrics } from "../engines/gan/train.ts";
import { trainGanInThread } from "../engines/gan/train-in-thread.ts";
import { chartPng } from "../images/chart.ts";
import type { Logger } from "../log.ts";
import type { TrainJob } from "../jobs/queue.ts";
import { epochEmbeds, finalEmbed, statusEmbed, trainingCharts, type RunView } from "./embeds.ts";
import { epochFromRow, epochToRow, type TrainingConfig } from "./runs.ts";

export interface TrainWorkerDeps {
  prisma: PrismaClient;
  publisher?: Publisher;
  dataDir: string;
  log: Logger;
}

/** At most this many epoch embeds per run, so a long run never floods the channel or its rate limit. */
const MAX_EPOCH_POSTS = 20;

/**
 * Runs a training job for the class to watch. Always resumes from the run's checkpoint, so a
 * job retried after its worker died continues after the last finished epoch. Each epoch is
 * recorded in EpochMetric first and posted once (its message id is stored; a post lost between
 * Discord and the database is deduplicated by its nonce).
 */
export async function runTrainJob(deps: TrainWorkerDeps, job: JobWithMetadata<TrainJob>): Promise<void> {
  const { prisma, log } = deps;
  const runId = job.data.runId;
  const run = await prisma.trainingRun.findUnique({ where: { id: runId }, include: { epochs: { orderBy: { epoch: "asc" } } } });
  if (!run || !["queued", "running", "stopping"].includes(run.status)) return;
  if (run.status === "stopping") {
    await prisma.trainingRun.update({ where: { id: runId }, data: { status: "stopped", finishedAt: new Date() } });
    return;
  }
  const config = run.config as unknown as TrainingConfig;
  const outDir = join(deps.dataDir, "runs", runId);
  const view: RunView = { id: runId, name: run.modelName ?? runId, status: "running", config, epochsDone: run.epochsDone, implementation: run.implementation };
  const seconds: number[] = run.epochs.map((e) => e.seconds);
  const history: EpochMetrics[] = run.epochs.map(epochFromRow);
  view.last = history.at(-1);
  const postEvery = Math.max(1, Math.ceil(config.epochs / MAX_EPOCH_POSTS));
  const nonce = (suffix: string) => discordNonce(runId, suffix);
  const abort = new AbortController();
  let channelProblem: string | undefined;

  /** Discord calls that must not kill the run; a vanished channel stops it cleanly. */
  const discord = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    if (!deps.publisher || !run.channelId || channelProblem) return undefined;
    try {
      return await call();
    } catch (e) {
      if (isChannelGone(e)) {
        channelProblem = `GenLab can no longer post in <#${run.channelId}> (the channel was deleted or a permission was removed).`;
        abort.abort();
      } else {
        log.warn({ err: e, runId, what }, "could not update Discord; training goes on");
      }
      return undefined;
    }
  };
  const updateStatus = async () => {
    view.secondsPerEpoch = seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : undefined;
    const message: OutgoingMessage = { embeds: [statusEmbed(view)], components: view.status === "running" ? [stopButton(runId)] : [] };
    if (run.progressMessageId) {
      await discord("edit status", () => deps.publisher!.editChannelMessage(run.channelId!, run.progressMessageId!, message));
    } else {
      const m = await discord("post status", () => deps.publisher!.postToChannel(run.channelId!, message, nonce("s")));
      if (m) {
        run.progressMessageId = m.id;
        await prisma.trainingRun.update({ where: { id: runId }, data: { progressMessageId: m.id } });
      }
    }
  };
  let lastStopCheck = 0;
  const checkStop = async () => {
    if (Date.now() - lastStopCheck < 1000) return;
    lastStopCheck = Date.now();
    const now = await prisma.trainingRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (now?.status === "stopping") abort.abort();
  };

  await prisma.trainingRun.update({ where: { id: runId }, data: { status: "running", startedAt: run.startedAt ?? new Date(), error: null } });
  try {
    // The dataset is loaded and every step runs in a worker thread: this event loop is the
    // bot's too (gateway, router, acknowledgements within Discord's 3 s).
    const result = await trainGanInThread({
      dataset: config.dataset,
      ...(config.limit ? { limit: config.limit } : {}),
      arch: config.arch,
      conditional: config.conditional,
      epochs: config.epochs,
      batch: config.batch,
      lr: config.lr,
      sampleEvery: config.sampleEvery,
      seed: config.seed,
      outDir,
      name: view.name,
      resume: true,
      signal: abort.signal,
      // pg-boss aborts this when it shuts down with the job still active: end the thread; the
      // job is retried and resumes from the checkpoint.
      terminate: job.signal,
      onEvent: async (e) => {
        if (e.type === "start") {
          view.implementation = e.implementation;
          await prisma.trainingRun.update({ where: { id: runId }, data: { implementation: e.implementation, checkpointPath: join(outDir, "checkpoint") } });
          await updateStatus();
        } else if (e.type === "progress") {
          await checkStop();
        } else if (e.type === "epoch") {
          const m = e.metrics;
          history.push(m);
          seconds.push(m.seconds);
          view.last = m;
          view.epochsDone = m.epoch;
          const saved = await prisma.$transaction(async (tx) => {
            const metric = await tx.epochMetric.upsert({
              where: { runId_epoch: { runId, epoch: m.epoch } },
              create: { runId, epoch: m.epoch, ...epochToRow(m), sampleImagePath: e.samplePath ?? null },
              update: { ...epochToRow(m), sampleImagePath: e.samplePath ?? null },
            });
            await tx.trainingRun.update({ where: { id: runId }, data: { epochsDone: m.epoch } });
            return metric;
          });
          if ((m.epoch % postEvery === 0 || m.epoch === config.epochs) && !saved.messageId) {
            const chart = await chartPng(trainingCharts(history));
            const files = [{ name: "charts.png", data: chart }];
            if (e.samplePath) files.unshift({ name: `epoch-${m.epoch}.png`, data: e.sample ? Buffer.from(e.sample) : readFileSync(e.samplePath) });
            const posted = await discord("post epoch", () =>
              deps.publisher!.postToChannel(run.channelId!, { embeds: epochEmbeds(view, m, { grid: e.samplePath ? `epoch-${m.epoch}.png` : undefined, chart: "charts.png" }), files }, nonce(`e${m.epoch}`)),
            );
            if (posted) await prisma.epochMetric.update({ where: { id: saved.id }, data: { messageId: posted.id } });
          }
          await updateStatus();
          await checkStop();
        }
      },
    });
    view.epochsDone = result.epochsDone;
    if (channelProblem) {
      view.status = "failed";
      view.error = channelProblem;
      await prisma.trainingRun.update({ where: { id: runId }, data: { status: "failed", error: channelProblem, finishedAt: new Date() } });
      log.warn({ runId, epochsDone: result.epochsDone }, "training stopped: channel gone");
      return;
    }
    // Discord first, the database last: a worker that dies in between is retried, resumes past
    // the final epoch at once, and posts nothing twice (nonces), so the row's "ended" is final.
    const grid = { name: "final-grid.png", data: readFileSync(join(outDir, "final-grid.png")) };
    if (result.stopped) {
      view.status = "stopped";
      await discord("post stop", () => deps.publisher!.postToChannel(run.channelId!, { embeds: [finalEmbed(view, grid.name, true)], files: [grid] }, nonce(`x${result.epochsDone}`)));
      await updateStatus();
      await prisma.trainingRun.update({ where: { id: runId }, data: { status: "stopped", finishedAt: new Date() } });
    } else {
      const dest = join(trainedModelsDir(deps.dataDir), view.name);
      rmSync(dest, { recursive: true, force: true });
      cpSync(result.modelDir, dest, { recursive: true });
      const model = loadModel(dest);
      await prisma.modelArtifact.upsert({
        where: { name_sha256: { name: view.name, sha256: model.sha256 } },
        create: { name: view.name, kind: "generator", sha256: model.sha256, source: "training-run", path: dest, createdByRunId: runId, guildId: run.guildId },
        update: {},
      });
      view.status = "succeeded";
      await discord("post final", () => deps.publisher!.postToChannel(run.channelId!, { embeds: [finalEmbed(view, grid.name, false)], files: [grid] }, nonce("f")));
      await updateStatus();
      await prisma.trainingRun.update({ where: { id: runId }, data: { status: "succeeded", finishedAt: new Date() } });
    }
    log.info({ runId, status: view.status, epochs: result.epochsDone }, "training run ended");
  } catch (error) {
    // A file-system error retrying cannot fix (read-only or full data folder) is final at once.
    const diskFault = isUnfixableFsError(error, deps.dataDir);
    const final = isPermanent(error) || diskFault || job.retryCount >= job.retryLimit;
    const message = isPermanent(error)
      ? (error as Error).message
      : diskFault
        ? "Training stopped: the server could not write its files; an admin can find why in GenLab's log."
        : "Training failed on the worker; see the GenLab logs.";
    log.error({ err: error, runId, final }, "training run failed");
    await prisma.trainingRun.update({ where: { id: runId }, data: final ? { status: "failed", error: redact(message), finishedAt: new Date() } : { status: "queued", error: redact(message) } });
    if (!final) throw error;
    view.status = "failed";
    view.error = redact(message);
    await updateStatus();
  }
}

function stopButton(runId: string) {
  return { type: 1 as const, components: [{ type: 2 as const, style: 4 as const, label: "Stop", custom_id: `train:stop:${runId}` }] };
}
