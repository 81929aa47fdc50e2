import { describe, expect, it } from "vitest";
import { ImageNetClasses } from "../../../src/engines/biggan/index.ts";

const classes = ImageNetClasses.load();

describe("ImageNet classes shipped for BigGAN", () => {
  it("has the 1000 ILSVRC-2012 classes in index order (sorted WordNet ids)", () => {
    expect(classes.size).toBe(1000);
    const wnids = classes.list.map((c) => c.wnid);
    expect(new Set(wnids).size).toBe(1000);
    expect([...wnids].sort()).toEqual(wnids);
    expect([0, 207, 281, 517, 999].map((i) => classes.name(i))).toEqual(["tench", "golden retriever", "tabby", "crane", "toilet tissue"]);
  });

  it("finds a class by number, WordNet id, name or synonym, in any case", () => {
    for (const q of ["207", "n02099601", "Golden Retriever", "golden_retriever"]) expect(classes.resolve(q)).toBe(207);
    expect(classes.resolve("tiger cat")).toBe(282);
    expect(classes.resolve("Pan troglodytes")).toBe(367);
  });

  it("autocompletes by name prefix first, then by substring", () => {
    expect(classes.search("golden").map((c) => c.index)).toEqual([207]);
    expect(classes.search("leopard").map((c) => c.names[0])).toEqual(["leopard", "snow leopard"]);
    const hits = classes.search("retriever").map((c) => c.index);
    expect(hits).toEqual([205, 206, 207, 208, 209]);
    expect(classes.search("207")[0]!.index).toBe(207);
  });
});
