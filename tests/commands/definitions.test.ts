/**
 * Command definitions stand apart from their handlers: loading them (what register-commands
 * does) pulls in no engine runtime and no database, they are exactly what the handlers
 * register, and the engine limits they show agree with the engines'.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { definitions } from "../../src/commands/definitions/index.ts";
import * as shown from "../../src/commands/definitions/limits.ts";
import { loadCommands } from "../../src/commands/support/registry.ts";

const HEAVY = /@tensorflow|onnxruntime|@prisma|\/src\/db\/|\/src\/engines\/(gan|biggan|eval)\/|\/native\//;

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
    expect(loaded.filter((u) => HEAVY.test(u))).toEqual([]);
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

  it("show the engines' own limits", async () => {
    const [biggan, gan, evaluation, dataset] = await Promise.all([
      import("../../src/engines/biggan/index.ts"),
      import("../../src/engines/gan/index.ts"),
      import("../../src/engines/eval/engine.ts"),
      import("../../src/engines/diffusion/index.ts"),
    ]);
    expect(shown.DEFAULT_TRUNCATION).toBe(biggan.DEFAULT_TRUNCATION);
    expect(shown.MAX_FRAMES).toBe(biggan.MAX_FRAMES);
    expect(shown.MAX_SAMPLES).toBe(gan.MAX_SAMPLES);
    expect(shown.MAX_PER_PROMPT).toBe(dataset.MAX_PER_PROMPT);
    expect(shown.LIMITS).toMatchObject({
      distribution: { default: evaluation.LIMITS.distribution.default },
      denoise: evaluation.LIMITS.denoise,
      sigma: evaluation.LIMITS.sigma,
    });
  });
});
