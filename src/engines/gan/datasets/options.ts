import { DatasetError } from "./errors.ts";
import { gather, shuffledIndices } from "./shuffle.ts";
import type { Dataset, LoadOptions } from "./types.ts";

/** Throws a one-sentence DatasetError for a limit or shuffleSeed that cannot be used. */
export function checkLoadOptions(opts: LoadOptions): void {
  const { limit, shuffleSeed } = opts;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new DatasetError(`The dataset limit must be a whole number of at least 1, not ${limit}.`);
  }
  if (shuffleSeed !== undefined && !(Number.isInteger(shuffleSeed) && shuffleSeed >= 0 && shuffleSeed <= 0xffffffff)) {
    throw new DatasetError(`The dataset shuffle seed must be a whole number from 0 to 4294967295, not ${shuffleSeed}.`);
  }
}

/** How many of `total` records to keep. */
export function keptCount(total: number, opts: LoadOptions): number {
  return opts.limit === undefined ? total : Math.min(total, opts.limit);
}

/** Applies shuffleSeed (limit was applied while reading). */
export function finish(dataset: Dataset, opts: LoadOptions): Dataset {
  if (opts.shuffleSeed === undefined) return dataset;
  return gather(dataset, shuffledIndices(dataset.count, opts.shuffleSeed));
}
