export type { Dataset, LoadOptions } from "./types.ts";
export { DatasetError } from "./errors.ts";
export { loadDataset, parseDatasetSpec, DATASET_SPEC_FORMS, type DatasetSpec } from "./spec.ts";
export { loadIdx, type IdxOptions } from "./idx.ts";
export { loadMnistJson, DIGIT_CLASSES } from "./mnist-json.ts";
export { loadFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type FashionOptions } from "./fashion.ts";
export { loadCifar10, CIFAR10_CLASSES, type Cifar10Options } from "./cifar10.ts";
export { shuffledIndices, gather } from "./shuffle.ts";
