import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain JavaScript module of the bin script, without types
import { compiledIsFresh } from "../../bin/compiled.js";
import { runGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";

describe("genlab runs compiled JavaScript only while it is as new as the sources", () => {
  const tree = () => {
    const root = tempDir("genlab-compiled-");
    mkdirSync(join(root, "src", "cli"), { recursive: true });
    writeFileSync(join(root, "src", "cli", "main.ts"), "");
    mkdirSync(join(root, "dist"));
    return { src: join(root, "src"), stamp: join(root, "dist", ".built"), file: join(root, "src", "cli", "main.ts") };
  };
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  it("fresh when the stamp is newer than every source", () => {
    const t = tree();
    writeFileSync(t.stamp, "");
    at(t.file, 1000);
    at(t.stamp, 2000);
    expect(compiledIsFresh(t.src, t.stamp)).toBe(true);
  });

  it("stale when any source, however deep, was edited after the build", () => {
    const t = tree();
    writeFileSync(t.stamp, "");
    at(t.stamp, 2000);
    at(t.file, 3000);
    expect(compiledIsFresh(t.src, t.stamp)).toBe(false);
  });

  it("stale when the build never finished (no stamp)", () => {
    expect(compiledIsFresh(tree().src, "/nonexistent/.built")).toBe(false);
  });

  it("GENLAB_SOURCES=1 runs the TypeScript sources", async () => {
    const r = await runGenlab(["version"], { GENLAB_SOURCES: "1" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^genlab \d+\.\d+\.\d+ \(TypeScript sources through tsx\)\n$/);
  });
});
