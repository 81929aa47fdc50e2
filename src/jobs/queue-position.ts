import type { PrismaClient } from "../db/client.ts";

/**
 * Where a queued generation stands: its place in line (1 = next) and an ETA from how long
 * this engine's recent generations actually took, so the estimate follows the hardware.
 */
export async function queuePosition(prisma: PrismaClient, gen: { id: string; engine: string; queuedAt: Date }): Promise<{ position: number; etaSeconds: number | undefined }> {
  const active = await prisma.generation.findMany({ where: { status: { in: ["queued", "running"] } }, orderBy: { queuedAt: "asc" }, select: { id: true, requesterId: true, queuedAt: true, status: true } });
  // The queue is round-robin (src/jobs/generations.ts): ahead are the requests of a lower
  // per-person rank, and those of the same rank that came earlier.
  const seen = new Map<string, number>();
  const rank = new Map<string, number>();
  for (const g of active) {
    const r = seen.get(g.requesterId) ?? 0;
    rank.set(g.id, r);
    seen.set(g.requesterId, r + 1);
  }
  const mine = rank.get(gen.id) ?? 0;
  const ahead = active.filter((g) => g.status === "queued" && g.id !== gen.id && (rank.get(g.id)! < mine || (rank.get(g.id) === mine && g.queuedAt < gen.queuedAt))).length;
  const running = active.filter((g) => g.status === "running").length;
  const recent = await prisma.generation.findMany({ where: { engine: gen.engine, status: "succeeded" }, orderBy: { finishedAt: "desc" }, take: 20, select: { timings: true } });
  const times = recent.map((r) => (r.timings as { totalMs?: number } | null)?.totalMs).filter((t): t is number => typeof t === "number");
  const mean = times.length ? times.reduce((a, b) => a + b, 0) / times.length / 1000 : undefined;
  return { position: ahead + 1, etaSeconds: mean === undefined ? undefined : mean * (ahead + running + 1) };
}

/** The number of a person's requests still waiting or being drawn. */
export function activeRequests(prisma: PrismaClient, requesterId: string): Promise<number> {
  return prisma.generation.count({ where: { requesterId, status: { in: ["queued", "running"] } } });
}
