import { Worker } from "node:worker_threads";

export interface ThreadOptions {
  /** Shown in debuggers and `top -H`. */
  name: string;
  /**
   * Linux nice for the thread, 0–19. Linux priorities are per thread, and threads it starts
   * (a native addon's compute threads) inherit it: above 0, the process's other threads (a
   * bot's event loop) go first whenever both want a core.
   */
  nice?: number;
}

/**
 * Starts `entry` (a module next to the caller: `new URL("./x.ts", import.meta.url)`) in a
 * worker thread, with `data` as its `workerData.data`. Works from the TypeScript sources (tsx,
 * vitest) and from the compiled JavaScript in dist/, where the entry is the same module as .js.
 */
export function startThread(entry: URL, data: unknown, options: ThreadOptions): Worker {
  const href = import.meta.url.endsWith(".ts") ? entry.href : entry.href.replace(/\.ts$/, ".js");
  return new Worker(new URL("./thread-boot.mjs", import.meta.url), { workerData: { entry: href, data, nice: options.nice ?? 0 }, name: options.name });
}
