import type { PrismaClient } from "../db/client.ts";

/**
 * Where a queued generation stands: its place in line (1 = next) and an ETA from how long
 * this engine's recent generations actually took, so the estimate follows the hardware.
 */
export async function queuePosition(prisma: PrismaClient, gen: { id: string; engine: string; queuedAt: Date }): Promise<{ position: number; etaSeconds: number | undefined }> {
  // The queue is round-robin (src/generations/record.ts, whose statement counts the same way
  // for a request as it is recorded): ahead are the requests of a lower
  // per-person rank, and those of the same rank that came earlier. One query, counted in
  // Postgres, because a class-wide burst asks this 200 times at once.
  const [row] = await prisma.$queryRaw<{ ahead: number; running: number }[]>`
    WITH a AS (
      SELECT id, status, "queuedAt", row_number() OVER (PARTITION BY "requesterId" ORDER BY "queuedAt", id) AS rank
      FROM "Generation" WHERE status IN ('queued', 'running')),
    m AS (SELECT rank, "queuedAt" FROM a WHERE id = ${gen.id}::uuid)
    SELECT count(*) FILTER (WHERE a.status = 'queued' AND a.id <> ${gen.id}::uuid AND (a.rank < m.rank OR (a.rank = m.rank AND a."queuedAt" < m."queuedAt")))::int AS ahead,
           count(*) FILTER (WHERE a.status = 'running')::int AS running
    FROM a CROSS JOIN m`;
  const ahead = row?.ahead ?? 0;
  const running = row?.running ?? 0;
  const recent = await prisma.generation.findMany({ where: { engine: gen.engine, status: "succeeded" }, orderBy: { finishedAt: "desc" }, take: 20, select: { timings: true } });
  const times = recent.map((r) => (r.timings as { totalMs?: number } | null)?.totalMs).filter((t): t is number => typeof t === "number");
  const meanMs = times.length ? times.reduce((a, b) => a + b, 0) / times.length : null;
  return { position: ahead + 1, etaSeconds: etaSeconds(meanMs, ahead, running) };
}

/** The wait for a request with `ahead` queued before it and `running` being drawn, from the engine's mean time per generation. */
export function etaSeconds(meanMs: number | null, ahead: number, running: number): number | undefined {
  return meanMs === null ? undefined : (meanMs / 1000) * (ahead + running + 1);
}
