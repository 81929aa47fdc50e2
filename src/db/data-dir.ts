import { mkdirSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserFacingError } from "../config/errors.ts";

/** Below this much free space PostgreSQL (16 MB WAL segments) and image writes soon fail. */
const MIN_FREE_BYTES = 64 * 1024 * 1024;

/**
 * Checks GENLAB_DATA_DIR before anything is started on it: it must be (or become) a folder this
 * user owns and can write, on a disk with room. Writability is tested by writing a file, since
 * permission bits say nothing for root or on a read-only mount. Throws one sentence that names
 * the folder and what to do.
 */
export function checkDataDir(dataDir: string): void {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw dataDirError(dir, e);
  }
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw dataDirError(dir, e);
  }
  if (!st.isDirectory()) throw dataDirError(dir, Object.assign(new Error("not a folder"), { code: "ENOTDIR" }));
  const probe = join(dir, `.genlab-write-check-${process.pid}`);
  try {
    writeFileSync(probe, "GenLab checks that it can write here\n", { flag: "w" });
  } catch (e) {
    throw dataDirError(dir, e);
  } finally {
    rmSync(probe, { force: true });
  }
  // Writable but another user's (a group folder, an earlier run as root): its files would be too.
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  if (uid !== undefined && uid !== 0 && st.uid !== uid) {
    throw new UserFacingError(
      `The data folder ${dir} (GENLAB_DATA_DIR) belongs to another user (uid ${st.uid}): run GenLab as that user, give the folder to this one (chown -R ${uid} ${dir}), or set GENLAB_DATA_DIR to a folder of your own.`,
    );
  }
  if (freeBytes(dir) < MIN_FREE_BYTES) throw dataDirError(dir, Object.assign(new Error("disk full"), { code: "ENOSPC" }));
}

function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Infinity; // no statfs here: the write check above stands alone
  }
}

/** The sentence for a file-system error on the data folder itself. */
export function dataDirError(dir: string, cause: unknown): UserFacingError {
  const code = String((cause as { code?: unknown })?.code ?? "");
  const fix = "or set GENLAB_DATA_DIR to another folder";
  switch (code) {
    case "EROFS":
      return new UserFacingError(`The data folder ${dir} (GENLAB_DATA_DIR) is on a read-only file system: make it writable, ${fix}.`, { cause });
    case "EACCES":
    case "EPERM":
      return new UserFacingError(`GenLab may not write in its data folder ${dir} (GENLAB_DATA_DIR): give the user running GenLab write access to it, ${fix}.`, { cause });
    case "ENOSPC":
    case "EDQUOT":
      return new UserFacingError(`The disk holding the data folder ${dir} (GENLAB_DATA_DIR) is full: free some space, ${fix} on another disk.`, { cause });
    case "ENOTDIR":
    case "EEXIST":
      return new UserFacingError(`The data folder ${dir} (GENLAB_DATA_DIR) cannot be a folder: it, or a folder above it, is a file. Move that file away, ${fix}.`, { cause });
    default:
      return new UserFacingError(`GenLab cannot use its data folder ${dir} (GENLAB_DATA_DIR): ${(cause as Error)?.message ?? String(cause)}. Fix it, ${fix}.`, { cause });
  }
}
