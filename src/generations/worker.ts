import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobWithMetadata } from "pg-boss";
import { redact } from "../config/redact.ts";
import { Json, sql, type PrismaClient } from "../db/client.ts";
import { discordNonce, type Publisher, type ResultTarget } from "../discord/publisher.ts";
import { isPermanent } from "../engines/errors.ts";
import type { EngineRegistry } from "../engines/registry.ts";
import type { Logger } from "../log.ts";
import { isUnfixableFsError } from "../jobs/fs-errors.ts";
import type { GenerateJob } from "../jobs/queue.ts";
import { cancelButton, renderImages, resultMessage, type Provenance } from "./render.ts";

export interface GenerateWorkerDeps {
  prisma: PrismaClient;
  engines: EngineRegistry;
  /** Absent when this process has no Discord token: results are stored, not posted. */
  publisher?: Publisher;
  dataDir: string;
  log: Logger;
}

/**
 * Runs one generation job: engine → PNGs on disk → Discord → provenance, in that order.
 * Re-running a job is safe at every step: the engine is seeded (same images), the post is
 * an edit of the original reply or a nonce-deduplicated channel post (same message), and
 * the final transaction only moves a row out of "running" once (one provenance record).
 */
export async function runGenerateJob(deps: GenerateWorkerDeps, job: JobWithMetadata<GenerateJob>): Promise<void> {
  const { prisma, log } = deps;
  const id = job.data.generationId;
  const gen = await claim(prisma, id);
  if (!gen) {
    const ended = await prisma.generation.findUnique({ where: { id }, select: { status: true } });
    if (!ended) log.warn({ generationId: id }, "job for a generation that does not exist: dropped");
    else log.info({ generationId: id, status: ended.status }, "generation already finished: nothing to do");
    return;
  }
  const target = {
    applicationId: gen.applicationId,
    interactionToken: gen.interactionToken,
    tokenExpiresAt: gen.tokenExpiresAt,
    channelId: gen.channelId,
    requesterId: gen.requesterId,
    nonce: discordNonce(id),
  };
  const p: Provenance = { generationId: id, command: gen.command, engine: gen.engine, requesterId: gen.requesterId };

  try {
    const engine = deps.engines.get(gen.engine);
    // Checked before it was queued: its prompts are held to the word lists its record names.
    const params = engine.validate(gen.params as Record<string, unknown>, { queued: true });
    const t0 = performance.now();
    const progress = progressReporter(deps, target, id, engine.title);
    const result = await engine.generate(params, { signal: job.signal, onProgress: progress.report }).finally(() => progress.done());
    const engineMs = performance.now() - t0;

    const t1 = performance.now();
    const rendered = await renderImages(result, p);
    const dir = join(deps.dataDir, "images", id);
    await mkdir(dir, { recursive: true });
    await Promise.all(rendered.images.map((im) => writeFile(join(dir, `${im.index}.png`), im.png)));
    const encodeMs = performance.now() - t1;

    const t2 = performance.now();
    const delivered = deps.publisher ? await deps.publisher.deliver(target, resultMessage(result, p, rendered, { variations: Boolean(engine.variations?.(result.params, 0)) })) : undefined;
    const postMs = performance.now() - t2;

    const timings = { engineMs: round(engineMs), encodeMs: round(encodeMs), postMs: round(postMs), totalMs: round(performance.now() - t0) };
    await recordSuccess(prisma, id, {
      model: result.model.name,
      modelSha256: result.model.sha256 ?? null,
      params: result.params,
      seed: BigInt(result.seed),
      messageId: delivered?.messageId ?? null,
      channelId: delivered?.channelId ?? gen.channelId,
      timings,
      images: rendered.images.map((im) => ({
        id: randomUUID(),
        index: im.index,
        sha256: createHash("sha256").update(im.png).digest("hex"),
        width: im.width,
        height: im.height,
        path: join("images", id, `${im.index}.png`),
      })),
    });
    log.info({ generationId: id, engine: gen.engine, n: rendered.images.length, via: delivered?.via, ...timings }, "generation succeeded");
  } catch (error) {
    const diskFault = isUnfixableFsError(error, deps.dataDir);
    const finalAttempt = isPermanent(error) || diskFault || job.retryCount >= job.retryLimit;
    const errorId = randomBytes(4).toString("hex");
    const sentence = isPermanent(error)
      ? (error as Error).message
      : diskFault
        ? `Generation failed (error id ${errorId}): the server could not save the images; an admin can find why in GenLab's log.`
        : `Generation failed (error id ${errorId}).${finalAttempt ? "" : " Retrying…"}`;
    log.error({ generationId: id, errorId, attempt: job.retryCount + 1, final: finalAttempt, err: error }, "generation failed");
    await prisma.generation.update({
      where: { id },
      data: finalAttempt
        ? { status: "failed", error: redact(sentence), errorId, finishedAt: new Date(), interactionToken: null }
        : { status: "queued", error: redact(sentence), errorId },
    });
    if (finalAttempt) {
      await deps.publisher?.deliver(target, { content: `⚠️ ${redact(sentence)}` }).catch((e) => log.warn({ err: e, generationId: id }, "could not post the failure"));
      return; // completes the job: nothing more to retry
    }
    throw error; // pg-boss retries with backoff
  }
}

/** What the job needs of its generation row. */
interface ClaimedGeneration {
  command: string;
  engine: string;
  params: unknown;
  requesterId: string;
  channelId: string | null;
  applicationId: string | null;
  interactionToken: string | null;
  tokenExpiresAt: Date | null;
}

/**
 * Marks a generation that has not ended as running (one more attempt) and returns it, in one
 * statement (a burst runs 200 jobs back to back); undefined when it does not exist or has ended
 * (succeeded, failed, cancelled), which it then stays.
 */
async function claim(prisma: PrismaClient, id: string): Promise<ClaimedGeneration | undefined> {
  const now = new Date();
  const [row] = await sql<ClaimedGeneration>(
    prisma,
    `UPDATE "Generation" SET status = 'running', "startedAt" = $2::timestamp, attempts = attempts + 1, "updatedAt" = $2::timestamp
     WHERE id = $1::uuid AND status IN ('queued', 'running')
     RETURNING command, engine, params, "requesterId", "channelId", "applicationId", "interactionToken", "tokenExpiresAt"`,
    [id, now],
  );
  return row;
}

/**
 * The provenance of a generation that succeeded: the row moves out of "running" and its images
 * are recorded, in one statement, so both happen or neither; a row no longer running (another
 * attempt already recorded it) is left as it is, with its images.
 */
async function recordSuccess(
  prisma: PrismaClient,
  id: string,
  r: {
    model: string;
    modelSha256: string | null;
    params: unknown;
    seed: bigint;
    messageId: string | null;
    channelId: string | null;
    timings: Record<string, number>;
    images: { id: string; index: number; sha256: string; width: number; height: number; path: string }[];
  },
): Promise<void> {
  const now = new Date();
  await sql(
    prisma,
    `WITH moved AS (
       UPDATE "Generation"
       SET status = 'succeeded', model = $2, "modelSha256" = $3, params = $4::jsonb, seed = $5::bigint, "messageId" = $6, "channelId" = $7,
           "finishedAt" = $8::timestamp, timings = $9::jsonb, error = NULL, "interactionToken" = NULL, "updatedAt" = $8::timestamp
       WHERE id = $1::uuid AND status = 'running'
       RETURNING id)
     INSERT INTO "Image" (id, "generationId", index, sha256, width, height, path, "createdAt", "updatedAt")
     SELECT i.id, moved.id, i.index, i.sha256, i.width, i.height, i.path, $8::timestamp, $8::timestamp
     FROM moved, jsonb_to_recordset($10::jsonb) AS i(id uuid, index int, sha256 text, width int, height int, path text)
     ON CONFLICT DO NOTHING`,
    [id, r.model, r.modelSha256, new Json(r.params), r.seed, r.messageId, r.channelId, now, r.timings, new Json(r.images)],
  );
}

/** Engines report a fraction done; the reply shows it at most every few seconds. */
export const PROGRESS_EVERY_MS = 3000;

/**
 * Edits the reply with "Drawing… 40 %" while a long engine runs (diffusion on a CPU takes
 * minutes). Edits are chained, so none lands after the result; failures only get logged.
 */
function progressReporter(deps: GenerateWorkerDeps, target: ResultTarget, id: string, title: string): { report: (fraction: number, note?: string) => void; done: () => Promise<void> } {
  let last = -Infinity; // the first report shows at once
  let chain: Promise<void> = Promise.resolve();
  return {
    report(fraction, note) {
      if (!deps.publisher || fraction >= 1 || Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      const bar = "▰".repeat(Math.round(fraction * 10)).padEnd(10, "▱");
      const content = `🎨 Drawing on ${title}… ${bar} ${Math.round(fraction * 100)} %${note ? ` · ${note}` : ""} · generation \`${id}\`.`;
      chain = chain.then(() => deps.publisher!.progress(target, { content, components: [cancelButton(id)] })).catch((err: unknown) => deps.log.debug({ err, generationId: id }, "progress edit failed"));
    },
    done: () => chain,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
