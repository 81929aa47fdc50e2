import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The layering of src/, checked on every import (static, dynamic and type-only): a module may
 * import its own area and areas ranked below it, never one above or beside it. This is the
 * rule the README's layout section states; the test keeps it true.
 */
const LAYERS: [area: string, rank: number][] = [
  ["app.ts", 95],
  ["shard-main.ts", 95],
  ["cli", 100],
  ["playground", 90],
  ["commands", 80],
  ["generations", 70],
  ["training", 70],
  ["jobs", 60],
  ["discord", 50],
  ["guilds", 40],
  ["db", 30],
  // The engines' front door (the registry every engine is reached through) sits above them.
  ["engines/index.ts", 26],
  ["engines/registry.ts", 25],
  ["engines/threaded", 24], // runs the GAN and evaluation engines in worker threads
  ["engines/eval", 22], // judges the GAN engine's generators
  ["engines/gan", 20],
  ["engines/biggan", 20],
  ["engines/diffusion", 20],
  ["engines/runtime", 15], // sessions, backends, random numbers: shared by every engine
  ["engines/params.ts", 12], // request fields every engine parses
  ["engines/errors.ts", 10], // the engines' shared vocabulary
  ["engines/types.ts", 10],
  ["images", 5],
  ["log.ts", 3],
  ["config", 2],
];

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function areaOf(file: string): [string, number] {
  const rel = relative(src, file).split("\\").join("/");
  const found = LAYERS.find(([area]) => rel === area || rel.startsWith(`${area}/`));
  if (!found) throw new Error(`src/${rel} belongs to no layer: add its folder to LAYERS`);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

// `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`, type-only ones included.
const IMPORT = /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

export function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!).filter((s) => s.startsWith("."));
}

describe("src/ layering", () => {
  const files = sourceFiles(src);

  it("finds the modules and their imports (the check below is not vacuous)", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(relativeImports(join(src, "app.ts"))).toContain("./discord/router.ts");
    // Every way of importing is seen, type-only and dynamic included.
    const sample = 'import type { A } from "./a.ts";\nexport { b } from "../b.ts";\nconst c = await import("./c.ts");\nimport "./d.ts";\n';
    expect([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3])).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts"]);
  });

  it("every import points down (or stays in its own area)", () => {
    const upward: string[] = [];
    for (const file of files) {
      const [area, rank] = areaOf(file);
      for (const spec of relativeImports(file)) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(src)) continue; // assets/, native/, prisma/: not layers of src
        const [toArea, toRank] = areaOf(target);
        if (toArea !== area && toRank >= rank) upward.push(`src/${relative(src, file)} (${area}) imports ${spec} (${toArea})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("no engine imports Discord, the database or the jobs", () => {
    const forbidden = /^(discord\.js|@prisma\/|pg-boss|pg$)/;
    const offenders = files
      .filter((f) => relative(src, f).startsWith("engines/"))
      .flatMap((f) => {
        const text = readFileSync(f, "utf8");
        return [...text.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)]
          .map((m) => m[1] ?? m[2]!)
          .filter((s) => forbidden.test(s))
          .map((s) => `src/${relative(src, f)} imports ${s}`);
      });
    expect(offenders).toEqual([]);
  });
});
