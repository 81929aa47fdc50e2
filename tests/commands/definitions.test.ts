/**
 * Command definitions stand apart from their handlers: loading them (what register-commands
 * does) pulls in no engine runtime and no database (the engine limits they show come from each
 * engine's limits.ts, which imports nothing), and they are exactly what the handlers register.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { definitions } from "../../src/commands/definitions/index.ts";
import { loadCommands } from "../../src/commands/support/registry.ts";

// Any module of the GAN, BigGAN or evaluation engine but its limits.ts (checked below to import nothing).
const HEAVY = /@tensorflow|onnxruntime|@prisma|\/src\/db\/|\/src\/engines\/(gan|biggan|eval)\/(?!limits\.ts(\?|$))|\/native\//;
const LIMITS = ["gan", "biggan", "eval", "diffusion/dataset"].map((e) => `src/engines/${e}/limits.ts`);

/** Every module URL a fresh Node resolves while importing `file`. */
async function modulesLoadedBy(file: string): Promise<string[]> {
  const log = join(mkdtempSync(join(tmpdir(), "genlab-loads-")), "loads.txt");
  const hooks = pathToFileURL(join(process.cwd(), "tests/fixtures/record-loads.mjs")).href;
  const code = `import { register } from "node:module"; register(${JSON.stringify(hooks)}); await import(${JSON.stringify(pathToFileURL(file).href)});`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { env: { PATH: process.env.PATH, GENLAB_LOAD_LOG: log }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const code_ = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(code_, err).toBe(0);
  return readFileSync(log, "utf8").trim().split("\n");
}

describe("command definitions", () => {
  it("load no TensorFlow.js, onnxruntime, Prisma or engine module", async () => {
    const loaded = await modulesLoadedBy(join(process.cwd(), "src/commands/definitions/index.ts"));
    expect(loaded.some((u) => u.includes("/src/commands/definitions/train.ts"))).toBe(true); // the hook saw the imports
    for (const l of LIMITS) expect(loaded.some((u) => u.includes(`/${l}`)), l).toBe(true); // and the limits, let through
    expect(loaded.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it("take the engines' limits from modules that import nothing", () => {
    for (const l of LIMITS) expect(readFileSync(join(process.cwd(), l), "utf8"), l).not.toMatch(/^\s*(import|export .* from)\b/m);
  });

  it("the handlers' modules do load them (the check can fail)", async () => {
    const loaded = await modulesLoadedBy(join(process.cwd(), "src/commands/gan.ts"));
    expect(loaded.filter((u) => HEAVY.test(u)).length).toBeGreaterThan(0);
  });

  it("are exactly what the command modules register", async () => {
    const handlers = [...(await loadCommands()).values()].map((c) => c.data);
    const byName = (list: { name: string }[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(definitions)).toEqual(byName(handlers));
  });
});
