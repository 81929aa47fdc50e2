import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { GanCatalog, GanEngine } from "../engines/gan/index.ts";
import { gridPng } from "../images/encode.ts";
import { withProvenance } from "./provenance.ts";

/** `genlab sample --model NAME|DIR --n 16 [--seed S] [--label K] --out FILE.png` */
export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: "string" }, n: { type: "string", default: "16" }, seed: { type: "string" }, label: { type: "string" }, out: { type: "string" } },
  });
  if (!values.out) throw new UserFacingError("genlab sample needs --out FILE.png.");
  const engine = new GanEngine(new GanCatalog(undefined, { allowPaths: true })); // --model: a shipped model's name or a model folder's path
  const p = engine.validate({ model: values.model, n: values.n, seed: values.seed ?? randomInt(2 ** 31), label: values.label });
  const t0 = performance.now();
  const result = await engine.generate(p);
  const ms = performance.now() - t0;
  const png = await gridPng(result.images);
  writeFileSync(values.out, withProvenance(png, "gan", result));
  process.stderr.write(`Wrote ${p.n} samples of ${result.model.name} (seed ${p.seed}) to ${values.out} in ${ms.toFixed(1)} ms.\n`);
  return 0;
}
