import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { readPngText } from "../../src/images/index.ts";
import { createLogger } from "../../src/log.ts";
import { recordGeneration, sendGeneration, type GenerationRequest } from "../../src/generations/record.ts";
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
});
