import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserFacingError } from "../config/errors.ts";
import { readOptions } from "./eval.ts";
import { EvalEngine, denoiseJson } from "../engines/eval/index.ts";
import { GanCatalog } from "../engines/gan/index.ts";
import { comparisonImage } from "../engines/eval/comparison-image.ts";
import { toPng } from "../images/encode.ts";
import { addPngText } from "../images/png-text.ts";

/** `genlab denoise --model NAME|DIR --sigma 0.5 --n 8 --out FILE.png [--seed S] [--json]` */
export async function denoiseCommand(argv: string[]): Promise<number> {
  const { values } = readOptions("denoise", () =>
    parseArgs({
      args: argv,
      options: { model: { type: "string" }, sigma: { type: "string", default: "0.5" }, n: { type: "string", default: "8" }, seed: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false } },
    }),
  );
  if (!values.out) throw new UserFacingError("genlab denoise needs --out FILE.png.");
  if (!values.model) throw new UserFacingError("genlab denoise needs --model NAME (a shipped or trained generator) or --model DIR (a model folder).");
  const engine = new EvalEngine(new GanCatalog(undefined, { allowPaths: true })); // --model: a name or a folder's path
  const p = engine.validate({ task: "denoise", model: values.model, n: values.n, sigma: values.sigma, seed: values.seed ?? randomInt(2 ** 31) });
  const t0 = performance.now();
  const report = await engine.denoise(p);
  const png = await toPng(await comparisonImage(report, engine.catalog.get(p.model).manifest.spec));
  writeFileSync(values.out, addPngText(png, { "genlab:engine": "eval", "genlab:model": report.model.name, "genlab:model-sha256": report.model.sha256, "genlab:params": JSON.stringify(p), "genlab:seed": String(p.seed) }));
  const ms = performance.now() - t0;
  if (values.json) {
    process.stdout.write(JSON.stringify(denoiseJson(report)) + "\n");
  } else {
    const m = report.mean;
    process.stdout.write(
      `noisy σ=${report.sigma} vs clean: PSNR ${m.noisy.psnr.toFixed(2)} dB, SSIM ${m.noisy.ssim.toFixed(3)}\n` +
        `GAN projection vs clean: PSNR ${m.inverted.psnr.toFixed(2)} dB, SSIM ${m.inverted.ssim.toFixed(3)} (a projection onto ${report.model.name}'s range, not a trained denoiser)\n`,
    );
  }
  process.stderr.write(`Wrote the comparison of ${report.n} ${report.family} images (seed ${report.seed}) to ${values.out} in ${(ms / 1000).toFixed(1)} s.\n`);
  return 0;
}
