import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/engines/runtime/random.ts";

describe("Rng", () => {
  it("is deterministic per seed and differs between seeds", () => {
    expect(new Rng(7).normals(5)).toEqual(new Rng(7).normals(5));
    expect(new Rng(7).normals(5)).not.toEqual(new Rng(8).normals(5));
  });

  it("resumes exactly from a saved state, mid Box–Muller pair", () => {
    const a = new Rng(42);
    a.normals(3); // odd count: a spare normal is pending
    const b = Rng.fromState(JSON.parse(JSON.stringify(a.state())));
    expect(b.normals(7)).toEqual(a.normals(7));
    expect(b.permutation(50)).toEqual(a.permutation(50));
  });

  it("draws standard normals and fair permutations", () => {
    const x = new Rng(1).normals(200_000);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    const p = new Rng(3).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
