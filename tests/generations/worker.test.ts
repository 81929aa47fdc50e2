import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { readPngText } from "../../src/images/index.ts";
import { createLogger } from "../../src/log.ts";
import { EngineRegistry } from "../../src/engines/registry.ts";
import { recordGeneration, sendGeneration, type GenerationRequest } from "../../src/generations/record.ts";
import { runGenerateJob } from "../../src/generations/worker.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

let app: App;
let config: ReturnType<typeof testConfig>;

function request(params: Record<string, unknown>, engine = "pattern"): GenerationRequest {
  return { command: "pattern", engine, params, requester: { id: "200000000000000001", username: "grace" }, guild: { id: "300000000000000001", name: "Lab" }, channelId: "400000000000000001" };
}

async function finished(id: string) {
  return waitUntil(async () => {
    const g = await app.db.prisma.generation.findUnique({ where: { id }, include: { images: { orderBy: { index: "asc" } } } });
    return g && ["succeeded", "failed"].includes(g.status) ? g : undefined;
  }, `generation ${id} to finish`);
}

/** What enqueueGeneration does after its checks: the row, then the job. */
async function queue(req: GenerationRequest): Promise<{ id: string; jobId: string }> {
  return sendGeneration(app.db.prisma, app.queue, await recordGeneration(app.db.prisma, req));
}

beforeAll(async () => {
  config = testConfig({ DATABASE_URL: await createTestDatabase("jobs"), GENLAB_JOB_RETRY_LIMIT: "1" });
  app = await startApp({ config, log: createLogger("silent"), bot: false, worker: true, engines: [patternEngine(), patternEngine({ name: "flaky", failFirst: 1 })] });
});

afterAll(async () => {
  await app?.stop();
});

describe("generation worker (no Discord)", () => {
  it("runs the engine, stores PNGs with provenance chunks and records provenance in the database", async () => {
    const { id } = await queue(request({ n: 4, seed: 7 }));
    const g = await finished(id);
    expect(g.status).toBe("succeeded");
    expect(g.attempts).toBe(1);
    expect(g.seed).toBe(7n);
    expect(g.model).toBe("pattern-v1");
    expect(g.params).toEqual({ n: 4, seed: 7, size: 32 });
    expect(g.interactionToken).toBeNull();
    expect(g.images).toHaveLength(4);
    for (const im of g.images) {
      const png = readFileSync(join(config.GENLAB_DATA_DIR, im.path));
      expect(createHash("sha256").update(png).digest("hex")).toBe(im.sha256);
      const text = readPngText(png);
      expect(text["genlab:generation"]).toBe(id);
      expect(text["genlab:seed"]).toBe("7");
      expect(JSON.parse(text["genlab:params"]!)).toEqual({ n: 4, seed: 7, size: 32 });
      expect(text["genlab:index"]).toBe(String(im.index));
    }
    // Seeded: different images within the batch.
    expect(new Set(g.images.map((i) => i.sha256)).size).toBe(4);
  });

  it("fails bad input at once, without retrying", async () => {
    const { id } = await queue(request({ n: 50 }));
    const g = await finished(id);
    expect(g.status).toBe("failed");
    expect(g.attempts).toBe(1);
    expect(g.error).toBe("n must be a whole number from 1 to 9, not 50.");
    expect(g.images).toHaveLength(0);
  });

  it("fails an unknown engine at once with a sentence that says what to do", async () => {
    const { id } = await queue(request({}, "stylegan9"));
    const g = await finished(id);
    expect(g.status).toBe("failed");
    expect(g.attempts).toBe(1);
    expect(g.error).toMatch(/^The stylegan9 engine is not available on this GenLab worker: run a worker that has it/);
  });

  it("retries a transient failure with backoff and succeeds, recording one provenance", async () => {
    const { id } = await queue(request({ n: 2 }, "flaky"));
    const g = await finished(id);
    expect(g.status).toBe("succeeded");
    expect(g.attempts).toBe(2);
    expect(g.images).toHaveLength(2);
    expect(await app.db.prisma.image.count({ where: { generationId: id } })).toBe(2);
  });

  it("a job for a generation that has ended, or does not exist, changes nothing", async () => {
    const engines = new EngineRegistry([patternEngine()]);
    const deps = { prisma: app.db.prisma, engines, dataDir: config.GENLAB_DATA_DIR, log: createLogger("silent") };
    const job = (generationId: string) => ({ id: "j", name: "generate", data: { generationId }, retryCount: 0, retryLimit: 1, signal: new AbortController().signal }) as never;
    const cancelled = await recordGeneration(app.db.prisma, request({ n: 1 }));
    await app.db.prisma.generation.update({ where: { id: cancelled.id }, data: { status: "cancelled" } });
    await runGenerateJob(deps, job(cancelled.id));
    expect(await app.db.prisma.generation.findUniqueOrThrow({ where: { id: cancelled.id }, include: { images: true } })).toMatchObject({ status: "cancelled", attempts: 0, startedAt: null, images: [] });
    await expect(runGenerateJob(deps, job("00000000-0000-4000-8000-000000000000"))).resolves.toBeUndefined();
    // A queued one runs: claimed (running, one attempt), then recorded with its images.
    const queued = await recordGeneration(app.db.prisma, request({ n: 3, seed: 11 }));
    await runGenerateJob(deps, job(queued.id));
    const g = await app.db.prisma.generation.findUniqueOrThrow({ where: { id: queued.id }, include: { images: { orderBy: { index: "asc" } } } });
    expect(g).toMatchObject({ status: "succeeded", attempts: 1, seed: 11n, model: "pattern-v1", modelSha256: "0".repeat(64), params: { n: 3, seed: 11, size: 32 }, interactionToken: null, error: null });
    expect(g.startedAt!.getTime()).toBeLessThanOrEqual(g.finishedAt!.getTime());
    expect(Math.abs(g.finishedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect((g.timings as { totalMs: number }).totalMs).toBeGreaterThanOrEqual(0);
    expect(g.images.map((im) => [im.index, im.width, im.height, im.path])).toEqual([0, 1, 2].map((i) => [i, 32, 32, join("images", queued.id, `${i}.png`)]));
  });
});
