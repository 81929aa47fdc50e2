import type { PrismaClient } from "../db/client.ts";
import type { EpochMetrics } from "../engines/gan/train.ts";
import type { JobQueue } from "../jobs/queue.ts";

/** What a teacher asks for; the same knobs as `genlab train`. */
export interface TrainingConfig {
  dataset: string;
  arch: "mlp" | "dcgan";
  conditional: boolean;
  epochs: number;
  batch: number;
  lr: number;
  sampleEvery: number;
  seed: number;
  limit?: number;
}

export const ACTIVE_STATUSES = ["queued", "running", "stopping"] as const;

/** A short, readable name for the model a run produces (and for /train stop run:…). */
export function runName(runId: string, c: Pick<TrainingConfig, "dataset" | "arch" | "conditional">): string {
  return `${c.dataset.replace(/[^\w-]+/g, "-")}-${c.arch}${c.conditional ? "-cond" : ""}-${runId.slice(0, 8)}`;
}

export async function queueTrainingRun(
  prisma: PrismaClient,
  queue: JobQueue,
  req: { config: TrainingConfig; guild: { id: string; name?: string } | null; requester: { id: string; username?: string }; channelId: string },
): Promise<{ id: string; name: string }> {
  await prisma.user.upsert({ where: { id: req.requester.id }, create: { id: req.requester.id, username: req.requester.username }, update: {} });
  if (req.guild) await prisma.guild.upsert({ where: { id: req.guild.id }, create: { id: req.guild.id, name: req.guild.name }, update: {} });
  const run = await prisma.trainingRun.create({
    data: { config: req.config as object, guildId: req.guild?.id ?? null, requesterId: req.requester.id, channelId: req.channelId },
  });
  const name = runName(run.id, req.config);
  const jobId = await queue.enqueueTraining(run.id);
  await prisma.trainingRun.update({ where: { id: run.id }, data: { jobId, modelName: name } });
  return { id: run.id, name };
}

/** Finds a run by id, id prefix or model name, within a guild. */
export async function findRun(prisma: PrismaClient, guildId: string | null, ref: string) {
  const runs = await prisma.trainingRun.findMany({ where: { guildId }, orderBy: { createdAt: "desc" }, take: 200 });
  const r = ref.trim().toLowerCase();
  return runs.find((x) => x.id === r || x.modelName?.toLowerCase() === r || x.id.startsWith(r) || x.modelName?.endsWith(r));
}

/** An epoch's metrics as an EpochMetric row's columns, and back. */
export function epochToRow(m: EpochMetrics) {
  return { dLoss: m.d_loss, gLoss: m.g_loss, dAcc: m.d_acc, weightNorms: m.g_weight_norms, gradNorms: m.g_grad_norms, seconds: m.seconds, imagesPerSecond: m.images_per_s };
}

export function epochFromRow(e: { epoch: number; dLoss: number; gLoss: number; dAcc: number; weightNorms: unknown; gradNorms: unknown; seconds: number; imagesPerSecond: number | null }): EpochMetrics {
  return { epoch: e.epoch, d_loss: e.dLoss, g_loss: e.gLoss, d_acc: e.dAcc, d_real: NaN, d_fake: NaN, seconds: e.seconds, images_per_s: e.imagesPerSecond ?? 0, g_weight_norms: e.weightNorms as Record<string, number>, g_grad_norms: e.gradNorms as Record<string, number> };
}
