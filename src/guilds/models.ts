import type { PrismaClient } from "../db/client.ts";
import { EngineInputError, printable, someOf } from "../engines/errors.ts";
import { GanCatalog } from "../engines/gan/catalog.ts";
import type { AnyEngine } from "../engines/types.ts";

/**
 * Which GAN models a server may use: everyone's (shipped, or installed by the operator) and the
 * ones its own /train runs made. One bot serves many class servers from one folder of trained
 * models, so every list and every request from Discord goes through here.
 */
export async function ganModelsFor(prisma: PrismaClient, catalog: GanCatalog, guildId: string | null): Promise<string[]> {
  return withOwnModels(prisma, catalog, catalog.names(), guildId);
}

/** Everyone's models (`catalog.names()`, listed once by the caller) and the server's own. */
async function withOwnModels(prisma: PrismaClient, catalog: GanCatalog, everyones: string[], guildId: string | null): Promise<string[]> {
  if (!guildId) return everyones;
  const own = await prisma.modelArtifact.findMany({ where: { guildId }, select: { name: true } });
  const owned = new Set(own.map((r) => r.name));
  const trainedHere = catalog.names({ includePrivate: true }).filter((n) => owned.has(n) && catalog.isPrivate(n));
  return [...new Set([...everyones, ...trainedHere])].sort();
}

/** The GAN catalog behind an engine that draws from one (gan, eval), if it does. */
export function catalogOf(engine: AnyEngine): GanCatalog | undefined {
  const catalog = (engine as { catalog?: unknown }).catalog;
  return catalog instanceof GanCatalog ? catalog : undefined;
}

/**
 * Refuses a model this server may not use with the very sentence a model that does not exist
 * gets, so a student learns nothing about other servers' models (or the host's folders).
 */
export async function checkModelAccess(prisma: PrismaClient, engine: AnyEngine, model: unknown, guildId: string | null): Promise<void> {
  const catalog = catalogOf(engine);
  if (!catalog || model === undefined || model === null || model === "") return;
  // Everyone's models need no lookup: a burst of /gan sample on the shipped model asks nothing of the database.
  const everyones = catalog.names();
  if (typeof model === "string" && everyones.includes(model)) return;
  const visible = await withOwnModels(prisma, catalog, everyones, guildId);
  if (typeof model !== "string" || !visible.includes(model)) {
    throw new EngineInputError(`There is no GAN model named "${printable(String(model))}": choose one of ${someOf(visible, "(none installed)")}.`);
  }
}
