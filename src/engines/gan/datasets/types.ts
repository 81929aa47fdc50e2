/** Images for GAN training, already in the form the trainers consume. */
export interface Dataset {
  /** "mnist", "fashion-mnist", "fashion-mnist:test", "cifar10", "cifar10-test" or "idx:<images file name>". */
  name: string;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** count·height·width·channels values, NHWC, normalised to [-1, 1]. */
  images: Float32Array;
  /** count labels in 0..classes.length-1, or null when the dataset has no labels. */
  labels: Uint8Array | null;
  /** Human class names, index = label. */
  classes: string[];
}

export interface LoadOptions {
  /** Keep only the first N records in file order: a stable subset. */
  limit?: number;
  /** When set, records come back in a seeded-shuffled order (applied after `limit`). */
  shuffleSeed?: number;
}
