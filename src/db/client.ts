import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export type { PrismaClient };
export * as Prisma from "./generated/enums.ts";

/** A Prisma client over node-postgres (Prisma 7's driver-adapter path; no engine binary). */
export function createPrismaClient(url: string, max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
}
