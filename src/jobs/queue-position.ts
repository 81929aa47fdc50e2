import type { PrismaClient } from "../db/client.ts";

/**
 * Where a queued generation stands: its place in line (1 = next) and an ETA from how long
 * this engine's recent generations actually took, so the estimate follows the hardware.
 */
export async function queuePosition(prisma: PrismaClient, gen: { id: string; engine: string; queuedAt: Date }): Promise<{ position: number; etaSeconds: number | undefined }> {
  const ahead = await prisma.generation.count({ where: { status: "queued", queuedAt: { lt: gen.queuedAt }, id: { not: gen.id } } });
  const running = await prisma.generation.count({ where: { status: "running" } });
  const recent = await prisma.generation.findMany({ where: { engine: gen.engine, status: "succeeded" }, orderBy: { finishedAt: "desc" }, take: 20, select: { timings: true } });
  const times = recent.map((r) => (r.timings as { totalMs?: number } | null)?.totalMs).filter((t): t is number => typeof t === "number");
  const mean = times.length ? times.reduce((a, b) => a + b, 0) / times.length / 1000 : undefined;
  return { position: ahead + 1, etaSeconds: mean === undefined ? undefined : mean * (ahead + running + 1) };
}

/** The number of a person's requests still waiting or being drawn. */
export function activeRequests(prisma: PrismaClient, requesterId: string): Promise<number> {
  return prisma.generation.count({ where: { requesterId, status: { in: ["queued", "running"] } } });
}
