import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { EngineInputError, type Engine, type GenerationResult } from "../../src/engines/index.ts";

/**
 * A test-only engine (never in src/): seeded colour patterns, so the whole generation path
 * runs for real before the model engines land. Knobs let tests make it slow (to kill a
 * worker mid-job), fail transiently, or announce that it started.
 */
export interface PatternOptions {
  /** Registered name (default "pattern"), so a test can run a differently-behaved twin. */
  name?: string;
  delayMs?: number;
  /** Throw a transient error on the first k calls. */
  failFirst?: number;
  /** Written (with the generation's seed) when generate() starts. */
  startedMarker?: string;
}

type PatternParams = { n: number; seed: number; size: number };

export function patternEngine(opts: PatternOptions = {}): Engine<PatternParams> & { calls: number } {
  let failuresLeft = opts.failFirst ?? 0;
  return {
    name: opts.name ?? "pattern",
    title: "Pattern (test engine)",
    calls: 0,
    status: () => ({ ready: true, detail: "seeded colour patterns for tests." }),
    validate(params) {
      const n = params.n === undefined ? 1 : Number(params.n);
      if (!Number.isInteger(n) || n < 1 || n > 9) throw new EngineInputError(`n must be a whole number from 1 to 9, not ${String(params.n)}.`);
      const seed = params.seed === undefined || params.seed === null ? 1234 : Number(params.seed);
      const size = params.size === undefined ? 32 : Number(params.size);
      return { n, seed, size };
    },
    async generate({ n, seed, size }, ctx): Promise<GenerationResult> {
      this.calls++;
      if (opts.startedMarker) writeFileSync(opts.startedMarker, String(seed));
      if (opts.delayMs) {
        await sleep(opts.delayMs / 2, undefined, { signal: ctx.signal });
        ctx.onProgress?.(0.5, "halfway");
        await sleep(opts.delayMs / 2, undefined, { signal: ctx.signal });
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error("simulated transient failure (GPU busy)");
      }
      const rand = mulberry32(seed);
      const images = Array.from({ length: n }, () => {
        const [r, g, b] = [rand() * 255, rand() * 255, rand() * 255];
        const data = new Uint8Array(size * size * 3);
        for (let y = 0; y < size; y++)
          for (let x = 0; x < size; x++) {
            const o = (y * size + x) * 3;
            data[o] = (r + x * 4) % 256;
            data[o + 1] = (g + y * 4) % 256;
            data[o + 2] = b;
          }
        return { data, width: size, height: size, channels: 3 as const };
      });
      return { images, model: { name: "pattern-v1", sha256: "0".repeat(64) }, params: { n, seed, size }, seed };
    },
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
