import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { EvalEngine, evalJson } from "../engines/eval/index.ts";
import { GanCatalog } from "../engines/gan/index.ts";
import { distributionChart } from "../engines/eval/report-view.ts";
import { toPng } from "../images/encode.ts";
import { addPngText } from "../images/png-text.ts";

/** `genlab eval --model NAME|DIR [--n 1000] [--seed S] [--json] [--chart FILE.png]` */
export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = readOptions("eval", () =>
    parseArgs({
      args: argv,
      options: { model: { type: "string" }, n: { type: "string", default: "1000" }, seed: { type: "string" }, json: { type: "boolean", default: false }, chart: { type: "string" } },
    }),
  );
  if (!values.model) throw new UserFacingError("genlab eval needs --model NAME (a shipped or trained generator) or --model DIR (a model folder).");
  const engine = new EvalEngine(new GanCatalog(undefined, { allowPaths: true })); // --model: a shipped model's name or a model folder's path
  const p = engine.validate({ task: "distribution", model: values.model, n: values.n, seed: values.seed ?? randomInt(2 ** 31) });
  const t0 = performance.now();
  const report = await engine.evaluate(p);
  const ms = performance.now() - t0;
  if (values.chart) {
    const png = await toPng(await distributionChart(report));
    writeFileSync(values.chart, addPngText(png, { "genlab:engine": "eval", "genlab:model": report.model.name, "genlab:model-sha256": report.model.sha256, "genlab:params": JSON.stringify(p), "genlab:seed": String(p.seed) }));
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(evalJson(report)) + "\n");
  } else {
    const d = report.distribution;
    const lines = [
      `${report.model.name}: ${report.n} samples (seed ${report.seed}) classified by ${report.classifier.name} (${(100 * report.classifier.accuracy).toFixed(2)} % on ${report.classifier.heldOut})`,
      ...d.perClass.map((c) => `  ${c.class.padEnd(12)} ${String(c.count).padStart(5)}  ${(100 * c.share).toFixed(1).padStart(5)} %  ${"#".repeat(Math.round(c.share * 100))}`),
      `mean confidence ${(100 * d.meanConfidence).toFixed(1)} %, entropy ${d.entropyBits.toFixed(3)} of ${Math.log2(d.perClass.length).toFixed(3)} bits, χ² vs uniform ${d.chiSquare.statistic.toFixed(1)} (dof ${d.chiSquare.dof}, p=${d.chiSquare.pValue.toPrecision(3)})`,
      ...(report.classAccuracy === null ? [] : [`class accuracy ${(100 * report.classAccuracy).toFixed(1)} % (classes asked evenly)`]),
      `FD ${report.fd.value.toFixed(3)} — ${report.fd.kind}, against ${report.fd.real.n} real images (${report.n} real training images score ${report.fd.realBaseline.toFixed(3)})`,
      ...(report.knn ? [`k-NN precision ${report.knn.precision.toFixed(3)}, recall ${report.knn.recall.toFixed(3)} (k=${report.knn.k}, ${report.knn.real} real images)`] : []),
    ];
    process.stdout.write(lines.join("\n") + "\n");
  }
  process.stderr.write(`Evaluated ${report.model.name} in ${(ms / 1000).toFixed(1)} s${values.chart ? `; chart in ${values.chart}` : ""}.\n`);
  return 0;
}

/** parseArgs, with its errors (unknown option, a value starting with "-") as one user-facing sentence. */
export function readOptions<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.replace(/\.$/, "");
    const fix = /ambiguous/.test(why) ? 'write a value that starts with "-" as --option=VALUE' : "run `genlab help` to see the options";
    throw new UserFacingError(`genlab ${command} cannot read its options (${why}): ${fix}.`);
  }
}
