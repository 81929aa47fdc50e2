import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATASET_SPEC_FORMS, loadDataset, parseDatasetSpec } from "../../../../src/engines/gan/datasets/index.ts";
import { datasetError, idxImages, idxLabels, scratchDir, write } from "./helpers.ts";

describe("--dataset specs", () => {
  it("parses every accepted form", () => {
    expect(parseDatasetSpec("mnist")).toEqual({ kind: "mnist" });
    expect(parseDatasetSpec(" MNIST ")).toEqual({ kind: "mnist" });
    expect(parseDatasetSpec("fashion-mnist")).toEqual({ kind: "fashion-mnist", split: "train" });
    expect(parseDatasetSpec("fashion-mnist:train")).toEqual({ kind: "fashion-mnist", split: "train" });
    expect(parseDatasetSpec("fashion-mnist:test")).toEqual({ kind: "fashion-mnist", split: "test" });
    expect(parseDatasetSpec("cifar10:/data/cifar-10-batches-bin")).toEqual({ kind: "cifar10", split: "train", dir: "/data/cifar-10-batches-bin" });
    expect(parseDatasetSpec("cifar10-test:rel/dir")).toEqual({ kind: "cifar10", split: "test", dir: "rel/dir" });
    expect(parseDatasetSpec("cifar10:~/cifar")).toEqual({ kind: "cifar10", split: "train", dir: join(homedir(), "cifar") });
    expect(parseDatasetSpec("idx:/a/imgs.gz")).toEqual({ kind: "idx", images: "/a/imgs.gz" });
    expect(parseDatasetSpec("idx:/a/imgs.gz,/a/labels.gz")).toEqual({ kind: "idx", images: "/a/imgs.gz", labels: "/a/labels.gz" });
    expect(parseDatasetSpec("idx:/a/x,y/imgs,/a/labels")).toEqual({ kind: "idx", images: "/a/x,y/imgs", labels: "/a/labels" });
  });

  it("refuses anything else with one sentence listing the accepted forms", () => {
    const forms = "mnist, fashion-mnist, fashion-mnist:test, cifar10:DIR, cifar10-test:DIR or idx:IMAGES[,LABELS]";
    expect(DATASET_SPEC_FORMS).toBe(forms);
    for (const bad of ["imagenet", "", "mnist:test", "fashion-mnist:val", "cifar100:/x", "/data/train-images-idx3-ubyte.gz"]) {
      expect(datasetError(() => parseDatasetSpec(bad))).toBe(`Unknown dataset "${bad}": use ${forms}.`);
    }
    expect(datasetError(() => parseDatasetSpec("cifar10"))).toBe("--dataset cifar10 needs the folder of the CIFAR-10 binary batches: use cifar10:DIR.");
    expect(datasetError(() => parseDatasetSpec("cifar10-test:"))).toBe("--dataset cifar10-test needs the folder of the CIFAR-10 binary batches: use cifar10-test:DIR.");
    expect(datasetError(() => parseDatasetSpec("idx:"))).toBe("--dataset idx needs the IDX files: use idx:IMAGES or idx:IMAGES,LABELS.");
    expect(datasetError(() => parseDatasetSpec("idx:/a/imgs,"))).toBe("--dataset idx:/a/imgs, has an empty file name: use idx:IMAGES or idx:IMAGES,LABELS.");
  });

  it("loads what the spec names, passing limit and shuffleSeed on", () => {
    const dir = scratchDir();
    const images = write(dir, "imgs", idxImages(4, 2, 2, [...Array(16).keys()]), true);
    const labels = write(dir, "labels", idxLabels([3, 1, 4, 1]));
    expect(loadDataset(`idx:${images},${labels}`, { limit: 3 })).toMatchObject({ name: "idx:imgs", count: 3, labels: Uint8Array.of(3, 1, 4) });
    expect(loadDataset(`idx:${images}`)).toMatchObject({ count: 4, labels: null });
    // A file whose name has a comma is taken whole when it exists.
    const comma = write(dir, "a,b", idxImages(1, 1, 1, [0]));
    expect(loadDataset(`idx:${comma}`)).toMatchObject({ name: "idx:a,b", count: 1 });

    expect(loadDataset("mnist", { limit: 20 })).toMatchObject({ name: "mnist", count: 20, height: 28, channels: 1 });
    expect(loadDataset("fashion-mnist:test", { limit: 5, shuffleSeed: 1 })).toMatchObject({ name: "fashion-mnist:test", count: 5, classes: expect.arrayContaining(["Ankle boot"]) });
    expect(datasetError(() => loadDataset(`cifar10:${join(dir, "none")}`))).toBe(`${join(dir, "none")} does not exist: check the path.`);
  });
});
