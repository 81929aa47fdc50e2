import { describe, expect, it, vi } from "vitest";
import type { ChatInputCommandInteraction } from "discord.js";
import { EvalEngine } from "../../../src/engines/eval/engine.ts";
import { builtinEngines } from "../../../src/engines/index.ts";
import { renderImages, resultMessage } from "../../../src/generations/render.ts";
import type { CommandContext } from "../../../src/commands/support/types.ts";
import { tempDir, testConfig } from "../../support/config.ts";

// The commands only check input and enqueue; the job path itself is tested with the pattern engine.
const enqueued: { engine: string; params: Record<string, unknown> }[] = [];
vi.mock("../../../src/commands/support/enqueue.ts", () => ({
  enqueueGeneration: vi.fn(async (_i: unknown, _c: unknown, request: { engine: string; params: Record<string, unknown> }) => {
    enqueued.push(request);
    return "gen-id";
  }),
}));

function interaction(options: Record<string, string | number | null>): ChatInputCommandInteraction {
  const get = (name: string) => options[name] ?? null;
  return { options: { getString: get, getInteger: get, getNumber: get } } as unknown as ChatInputCommandInteraction;
}

describe("/evaluate and /denoise", () => {
  it("enqueue eval jobs whose parameters the engine accepts", async () => {
    const { command: evaluate } = await import("../../../src/commands/evaluate.ts");
    const { command: denoise } = await import("../../../src/commands/denoise.ts");
    expect(evaluate.data.name).toBe("evaluate");
    expect(evaluate.data.options!.map((o) => o.name)).toEqual(["model", "n", "seed"]);
    expect(denoise.data.options!.map((o) => o.name)).toEqual(["model", "sigma", "n", "seed"]);
    await evaluate.execute(interaction({ model: "mnist-mlp", n: 200 }), {} as CommandContext);
    await denoise.execute(interaction({ model: "mnist-mlp", sigma: 0.3, n: 4, seed: 9 }), {} as CommandContext);
    expect(enqueued).toEqual([
      { engine: "eval", params: { task: "distribution", model: "mnist-mlp", n: 200, seed: null } },
      { engine: "eval", params: { task: "denoise", model: "mnist-mlp", sigma: 0.3, n: 4, seed: 9 } },
    ]);
    const engine = new EvalEngine(undefined, { cacheDir: tempDir("genlab-eval-cmd-") });
    expect(engine.validate(enqueued[1]!.params)).toEqual({ task: "denoise", model: "mnist-mlp", n: 4, seed: 9, sigma: 0.3 });
  });

  it("the eval engine is built in, and its result renders as one image with the numbers in the embed", async () => {
    const engines = builtinEngines(testConfig());
    const engine = engines.find((e) => e.name === "eval") as EvalEngine;
    expect(engine).toBeDefined();
    expect(engine.status().ready).toBe(true);
    const result = await engine.generate(engine.validate({ model: "mnist-mlp", n: 50, seed: 2 }));
    const p = { generationId: "0123456789abcdef", command: "evaluate", engine: "eval", requesterId: "42" };
    const msg = resultMessage(result, p, await renderImages(result, p));
    expect(msg.files).toHaveLength(1);
    const embed = msg.embeds[0]!;
    expect(embed.description).toMatch(/^Predicted labels of 50 generated images/);
    expect(embed.fields!.map((f) => f.name)).toEqual(expect.arrayContaining(["FD (classifier features)", "Entropy", "χ² vs uniform"]));
  });
});
