import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/index.ts";
import { GanCatalog, GanEngine } from "../../src/engines/gan/index.ts";
import { checkModelAccess, ganModelsFor } from "../../src/guilds/models.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase, withDelegate } from "../support/db.ts";

const OURS = "300000000000000001";
const THEIRS = "300000000000000002";
let db: Database;
let engine: GanEngine;

/** A folder the catalog lists as a model (listing and access read only that model.json exists). */
function modelFolder(root: string, name: string): void {
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, "model.json"), "{}");
}

/** The real client, with the model-list reads counted. */
function counted() {
  let reads = 0;
  const findMany = (...args: Parameters<typeof db.prisma.modelArtifact.findMany>) => (reads++, db.prisma.modelArtifact.findMany(...args));
  return { prisma: withDelegate(db.prisma, "modelArtifact", { findMany }), reads: () => reads };
}

beforeAll(async () => {
  db = await openDatabase(testConfig({ DATABASE_URL: await createTestDatabase("access") }), createLogger("silent"));
  const shipped = tempDir("genlab-shipped-");
  const trained = tempDir("genlab-trained-");
  modelFolder(shipped, "fashion-mlp");
  modelFolder(trained, "our-run");
  modelFolder(trained, "their-run");
  engine = new GanEngine(new GanCatalog([shipped, trained], { privateDirs: [trained] }));
  for (const [name, guildId] of [["our-run", OURS], ["their-run", THEIRS]]) {
    await db.prisma.modelArtifact.create({ data: { name: name!, kind: "generator", sha256: name!, source: "training-run", guildId } });
  }
});

afterAll(async () => {
  await db?.close();
});

describe("which GAN models a server may use", () => {
  it("everyone's model: allowed without asking the database, in a server or a DM", async () => {
    const c = counted();
    await Promise.all(Array.from({ length: 20 }, () => checkModelAccess(c.prisma, engine, "fashion-mlp", OURS)));
    await checkModelAccess(c.prisma, engine, "fashion-mlp", null);
    expect(c.reads()).toBe(0);
  });

  it("a model the server trained: allowed there; elsewhere refused as if it did not exist", async () => {
    const c = counted();
    await expect(checkModelAccess(c.prisma, engine, "our-run", OURS)).resolves.toBeUndefined();
    const refusal = (model: string) => checkModelAccess(c.prisma, engine, model, THEIRS).then(() => "allowed", (e: Error) => e.message);
    const missing = await refusal("no-such-model");
    const theirs = await refusal("our-run");
    expect(theirs).toBe(missing.replace("no-such-model", "our-run"));
    expect(theirs).toBe('There is no GAN model named "our-run": choose one of fashion-mlp, their-run.');
    await expect(checkModelAccess(c.prisma, engine, "our-run", null)).rejects.toThrow(/no GAN model named "our-run"/);
    expect(await ganModelsFor(c.prisma, engine.catalog, OURS)).toEqual(["fashion-mlp", "our-run"]);
  });

  it("a name that is not a string, or a path, is refused with the same sentence", async () => {
    const c = counted();
    await expect(checkModelAccess(c.prisma, engine, 42, OURS)).rejects.toThrow('There is no GAN model named "42"');
    await expect(checkModelAccess(c.prisma, engine, "../trained/our-run", OURS)).rejects.toThrow(/There is no GAN model named "\.\.\/trained\/our-run": choose one of fashion-mlp, our-run\./);
  });
});
