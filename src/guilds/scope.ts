/**
 * What a server sees of GenLab's records: its own generations. In a direct message a person
 * sees the generations they asked for there. Used as a Prisma `where` and as a check on a row
 * found by id, so ids from another server (forged buttons, pasted links) find nothing.
 */
export function generationScope(guildId: string | null, userId: string): { guildId: string } | { guildId: null; requesterId: string } {
  return guildId ? { guildId } : { guildId: null, requesterId: userId };
}

export function inScope(gen: { guildId: string | null; requesterId: string }, guildId: string | null, userId: string): boolean {
  return guildId ? gen.guildId === guildId : gen.guildId === null && gen.requesterId === userId;
}
