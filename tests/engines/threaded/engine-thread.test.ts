import { afterAll, expect, it } from "vitest";
import { join } from "node:path";
import { BigGanEngine } from "../../../src/engines/biggan/engine.ts";
import { isPermanent } from "../../../src/engines/errors.ts";
import { GanCatalog, shippedModelsDir } from "../../../src/engines/gan/catalog.ts";
import { GanEngine } from "../../../src/engines/gan/engine.ts";
import { EngineThread } from "../../../src/engines/threaded/index.ts";
import { tempDir } from "../../support/config.ts";
import { writeTinyBigGan } from "../../support/tiny-biggan.ts";

const gan = new EngineThread({ kind: "gan", dirs: [shippedModelsDir], catalog: {} });
const evaluation = new EngineThread({ kind: "eval", dirs: [shippedModelsDir], catalog: {}, cacheDir: tempDir("genlab-eval-thread-") });
const biggan = writeTinyBigGan(join(tempDir("genlab-biggan-thread-"), "biggan-tiny"), { resolution: 16, name: "biggan-tiny" });
const bigganThread = new EngineThread({ kind: "biggan", options: { provider: "cpu", modelDir: biggan.dir } });
afterAll(async () => {
  await gan.close();
  await evaluation.close();
  await bigganThread.close();
});

it("a GAN sample drawn in the thread is the one drawn here, pixel for pixel", async () => {
  const here = new GanEngine(new GanCatalog([shippedModelsDir]));
  const params = here.validate({ model: "mnist-mlp", n: 4, seed: 7 });
  const [a, b] = await Promise.all([gan.generate(params, { signal: new AbortController().signal }), here.generate(params)]);
  expect(a.images.map((im) => Buffer.from(im.data).toString("base64"))).toEqual(b.images.map((im) => Buffer.from(im.data).toString("base64")));
  expect(a.model).toEqual(b.model);
  expect(a.params).toEqual(b.params);
});

it("a BigGAN's onnxruntime session runs in the thread and draws what it draws here", async () => {
  const here = new BigGanEngine({ provider: "cpu", modelDir: biggan.dir });
  const params = here.validate({ class: 207, n: 2, seed: 3 });
  const [a, b] = await Promise.all([bigganThread.generate(params), here.generate(params, { signal: new AbortController().signal })]);
  expect(a.images.map((im) => Buffer.from(im.data).toString("base64"))).toEqual(b.images.map((im) => Buffer.from(im.data).toString("base64")));
  expect(a.params).toEqual(b.params);
});

it("an engine's refusal stays permanent across the thread", async () => {
  const error = await gan.generate({ model: "no-such-model", n: 1, seed: 1, label: null, variationOf: null }).catch((e: unknown) => e);
  expect(isPermanent(error)).toBe(true);
  expect((error as Error).message).toMatch(/no-such-model/);
});

it("an inversion reports progress and stops when its job is cancelled", async () => {
  const stop = new AbortController();
  const fractions: number[] = [];
  const run = evaluation.generate(
    { task: "denoise", model: "mnist-mlp", n: 4, seed: 1, sigma: 0.5 },
    {
      signal: stop.signal,
      onProgress: (f) => {
        fractions.push(f);
        if (f > 0) stop.abort(); // well inside the inversion: it has thousands of steps left
      },
    },
  );
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(isPermanent(error)).toBe(false);
  expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);
});
