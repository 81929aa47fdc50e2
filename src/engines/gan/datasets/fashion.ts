import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatasetError } from "./errors.ts";
import { loadIdx } from "./idx.ts";
import type { Dataset, LoadOptions } from "./types.ts";

export const FASHION_MNIST_CLASSES: readonly string[] = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/** Where Debian's dataset-fashion-mnist package puts the four IDX files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export interface FashionOptions extends LoadOptions {
  /** "train" (60,000 images, the default) or "test" (10,000). */
  split?: "train" | "test";
  /** Folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]; default FASHION_MNIST_DIR. */
  dir?: string;
}

/** Fashion-MNIST (Zalando): 28×28 grey clothing images in 10 classes, read from the IDX files. */
export function loadFashionMnist(opts: FashionOptions = {}): Dataset {
  const { split = "train", dir = FASHION_MNIST_DIR, ...load } = opts;
  const prefix = split === "test" ? "t10k" : "train";
  const images = locate(dir, `${prefix}-images-idx3-ubyte`);
  const labels = locate(dir, `${prefix}-labels-idx1-ubyte`);
  return loadIdx(images, labels, { ...load, classes: [...FASHION_MNIST_CLASSES], name: split === "test" ? "fashion-mnist:test" : "fashion-mnist" });
}

/** dir/name.gz, or dir/name when only the uncompressed file is there. */
function locate(dir: string, name: string): string {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(candidate)) return candidate;
  throw new DatasetError(
    `Fashion-MNIST is not installed (there is no ${join(dir, name)}.gz): run \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or pass --dataset idx:IMAGES,LABELS with the files from https://github.com/zalandoresearch/fashion-mnist.`,
  );
}
