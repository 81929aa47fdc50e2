// The first module of every GenLab worker thread (see threads.ts). A thread does not inherit
// the tsx loader that bin/genlab.js registers in the main thread (nor does one started under
// vitest have any), so a TypeScript entry gets tsx here first; compiled JavaScript needs none.
import { setPriority } from "node:os";
import { workerData } from "node:worker_threads";

if (workerData.nice) {
  try {
    // Before anything loads: compiling and importing the entry is work too.
    setPriority(workerData.nice);
  } catch {
    // Not permitted (an unusual sandbox): the thread runs at the process's priority.
  }
}
if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
