import { fileURLToPath } from "node:url";

/**
 * The PyTorch reference scripts the benchmarks compare against: in the shared folder beside the
 * repository (`../shared/bench/`), or where GENLAB_BENCH_REFERENCES points.
 */
export function referenceScript(name: string): string {
  const dir = process.env.GENLAB_BENCH_REFERENCES ?? fileURLToPath(new URL("../../shared/bench/", import.meta.url));
  return `${dir.replace(/\/$/, "")}/${name}`;
}
