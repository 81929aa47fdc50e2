// Whether dist/ (compiled by scripts/build-js.mjs at `npm ci`) may run instead of src/: it is
// complete (its stamp exists) and at least as new as every file under src/.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time of any file under `dir`. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function compiledIsFresh(srcDir, stampFile) {
  try {
    return statSync(stampFile).mtimeMs >= newest(srcDir);
  } catch {
    return false;
  }
}
