import { relative, resolve, isAbsolute } from "node:path";

/** File-system failures that another attempt would meet again: the disk or folder must change. */
const UNFIXABLE = new Set(["EROFS", "EACCES", "EPERM", "ENOSPC", "EDQUOT", "ENOTDIR"]);

/**
 * True for a file-system error that retrying cannot fix: a read-only, full or forbidden disk,
 * or GenLab's own data folder gone (ENOENT under it). Such a job fails at once, not after
 * every retry.
 */
export function isUnfixableFsError(error: unknown, dataDir: string): boolean {
  const e = error as { code?: unknown; path?: unknown };
  if (typeof e?.code !== "string" || typeof e.path !== "string") return false; // not a file-system error
  if (UNFIXABLE.has(e.code)) return true;
  if (e.code !== "ENOENT") return false;
  const rel = relative(resolve(dataDir), resolve(e.path));
  return !rel.startsWith("..") && !isAbsolute(rel);
}
