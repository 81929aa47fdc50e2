import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";

export type { PrismaClient };
export * as Prisma from "./generated/enums.ts";

/** The node-postgres pool under each Prisma client made here, for `sql()`. */
const pools = new WeakMap<PrismaClient, pg.Pool>();

/**
 * A Prisma client over node-postgres (Prisma 7's driver-adapter path; no engine binary). The
 * pool is GenLab's, handed to the adapter (and ended with the client), so that `sql()` can send
 * the few hot-path statements straight through it on the same connections.
 */
export function createPrismaClient(url: string, max = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection that breaks (a restarted PostgreSQL) is replaced on the next query; the
  // adapter only listens once Prisma's first query connects it, and an unheard "error" would end the process.
  pool.on("error", () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/**
 * `timestamp(3)` columns hold UTC wall time (as Prisma writes them): read as UTC whatever the
 * process's time zone (node-postgres would read them as local time).
 */
const TIMESTAMP = 1114;
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP) return (s: string) => new Date(`${s.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format);
  },
};

/** A value to send as JSON text even when it is an array (arrays are sent as Postgres arrays). */
export class Json {
  constructor(readonly value: unknown) {}
}

/** A parameter as the statement gets it: dates as UTC text, bigints as text, objects as JSON text (cast with ::jsonb), arrays as Postgres arrays. */
function param(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Json) return JSON.stringify(v.value);
  if (Array.isArray(v)) return v.map(param);
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return v;
}

/**
 * One SQL statement on the client's own pool, without Prisma's query machinery: for the statements
 * every image request sends (a class's burst sends 200 at once), where Prisma's client costs
 * about five times node-postgres's CPU per statement. Timestamps are written and read as UTC
 * (compare and store them as `$n::timestamp`), objects are sent as JSON text (`$n::jsonb`; an array
 * as JSON: `new Json(array)`), arrays as Postgres arrays (`$n::text[]`). A client not
 * made by `createPrismaClient` (a transaction's) sends it through `$queryRawUnsafe`.
 */
export async function sql<T>(prisma: PrismaClient, text: string, values: readonly unknown[] = []): Promise<T[]> {
  const args = values.map(param);
  const pool = pools.get(prisma);
  if (!pool) return prisma.$queryRawUnsafe<T[]>(text, ...args);
  const { rows } = await pool.query<T & pg.QueryResultRow>({ text, values: args, types });
  return rows;
}
