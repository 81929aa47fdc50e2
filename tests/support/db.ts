import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/** A fresh, empty database on the run's PostgreSQL server; returns its URL. */
export async function createTestDatabase(prefix = "t"): Promise<string> {
  const admin = inject("pgAdminUrl");
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The client with one model's delegate replaced (to count, hold or fail its calls); the rest is the real client. */
export function withDelegate<C extends object>(prisma: C, model: keyof C, delegate: object): C {
  return new Proxy(prisma, { get: (target, key) => (key === model ? delegate : Reflect.get(target, key)) });
}
