import { UserFacingError } from "../config/errors.ts";
import type { PrismaClient } from "../db/client.ts";
import { recordAudit } from "../guilds/audit.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { RunView } from "./embeds.ts";
import { ACTIVE_STATUSES, epochFromRow, findRun, queueTrainingRun, type TrainingConfig } from "./runs.ts";

/** Who asks, where: every run belongs to one server (null in a DM) and is found only there. */
export interface RunActor {
  guild: { id: string; name?: string } | null;
  user: { id: string; username?: string };
}

interface Deps {
  prisma: PrismaClient;
  queue: JobQueue;
}

/** A run's name as the user typed it, bounded for the sentence that quotes it. */
const quoted = (ref: string) => ref.slice(0, 60);

/** Queues a run unless the server already runs as many as it may; audited. */
export async function startRun(deps: Deps & { maxRunsPerGuild: number }, actor: RunActor, config: TrainingConfig, channelId: string): Promise<{ id: string; name: string }> {
  const guildId = actor.guild?.id ?? null;
  const active = await deps.prisma.trainingRun.findMany({ where: { guildId, status: { in: [...ACTIVE_STATUSES] } }, orderBy: { createdAt: "asc" } });
  const limit = deps.maxRunsPerGuild;
  if (active.length >= limit) {
    const first = active[0]!;
    throw new UserFacingError(`${first.modelName} is still ${first.status}, and this server may run ${limit === 1 ? "one training run" : `${limit} training runs`} at a time: stop it with /train stop run:${first.modelName}, or wait.`);
  }
  const run = await queueTrainingRun(deps.prisma, deps.queue, { config, guild: actor.guild, requester: actor.user, channelId });
  await recordAudit(deps.prisma, { guildId, actorId: actor.user.id, action: "train.start", target: run.id, details: { name: run.name, config: { ...config }, channelId } });
  return run;
}

/** Asks a running or queued run to stop after its current step (the worker sees "stopping"); audited. */
export async function stopRun(deps: Deps, actor: RunActor, ref: string): Promise<{ id: string; name: string }> {
  const guildId = actor.guild?.id ?? null;
  const run = await findRun(deps.prisma, guildId, ref);
  if (!run) throw new UserFacingError(`No training run here matches "${quoted(ref)}": see /train list.`);
  if (!ACTIVE_STATUSES.includes(run.status as (typeof ACTIVE_STATUSES)[number])) throw new UserFacingError(`${run.modelName} is already ${run.status}.`);
  await deps.prisma.trainingRun.update({ where: { id: run.id }, data: { status: "stopping" } });
  await recordAudit(deps.prisma, { guildId, actorId: actor.user.id, action: "train.stop", target: run.id, details: { name: run.modelName } });
  return { id: run.id, name: run.modelName ?? run.id };
}

/** Queues a stopped or failed run again from its last checkpoint; audited. */
export async function resumeRun(deps: Deps, actor: RunActor, ref: string): Promise<{ name: string; after: number }> {
  const guildId = actor.guild?.id ?? null;
  const run = await findRun(deps.prisma, guildId, ref);
  if (!run) throw new UserFacingError(`No training run here matches that name: see /train list.`);
  if (run.status !== "stopped" && run.status !== "failed") throw new UserFacingError(`${run.modelName} is ${run.status}; only a stopped or failed run can be resumed.`);
  const jobId = await deps.queue.enqueueTraining(run.id);
  await deps.prisma.trainingRun.update({ where: { id: run.id }, data: { status: "queued", jobId, error: null, finishedAt: null } });
  await recordAudit(deps.prisma, { guildId, actorId: actor.user.id, action: "train.resume", target: run.id, details: { name: run.modelName, after: run.epochsDone } });
  return { name: run.modelName ?? run.id, after: run.epochsDone };
}

/** Where a run is (the named one, else this server's newest), as the status embed shows it. */
export async function runStatus(prisma: PrismaClient, guildId: string | null, ref: string | null): Promise<RunView> {
  const run = ref ? await findRun(prisma, guildId, ref) : await prisma.trainingRun.findFirst({ where: { guildId }, orderBy: { createdAt: "desc" } });
  if (!run) throw new UserFacingError(ref ? `No training run here matches "${quoted(ref)}": see /train list.` : "No training run has been started on this server yet: a teacher can start one with /train start.");
  const last = await prisma.epochMetric.findFirst({ where: { runId: run.id }, orderBy: { epoch: "desc" } });
  return {
    id: run.id,
    name: run.modelName ?? run.id,
    status: run.status as RunView["status"],
    config: run.config as unknown as TrainingConfig,
    implementation: run.implementation,
    epochsDone: run.epochsDone,
    error: run.error,
    last: last ? epochFromRow(last) : undefined,
  };
}

/** This server's ten newest runs, one line each. */
export async function recentRuns(prisma: PrismaClient, guildId: string | null): Promise<string[]> {
  const runs = await prisma.trainingRun.findMany({ where: { guildId }, orderBy: { createdAt: "desc" }, take: 10 });
  return runs.map((r) => `\`${r.modelName}\` — ${r.status}, epoch ${r.epochsDone}/${(r.config as unknown as TrainingConfig).epochs}`);
}
