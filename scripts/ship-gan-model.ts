// Maintainers: copy a `genlab train` output into assets/gan/<name> as a shipped generator
// (G only: sampling never needs D), with its training report, and refresh assets/gan/SHA256SUMS.
//   npx tsx scripts/ship-gan-model.ts /tmp/run-dir fashion-mnist-mlp-cond [--default]
// --default marks it as the generator /gan sample uses when no model is named (and unmarks the others).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { shippedModelsDir } from "../src/engines/gan/catalog.ts";
import { sha256, type ModelManifest } from "../src/engines/gan/model-files.ts";

const args = process.argv.slice(2);
const makeDefault = args.includes("--default");
const [runDir, name] = args.filter((a) => a !== "--default");
if (!runDir || !name || !existsSync(join(runDir, "model", "model.json"))) {
  console.error("usage: npx tsx scripts/ship-gan-model.ts RUN_DIR NAME [--default]   (RUN_DIR is a `genlab train --out` folder)");
  process.exit(2);
}
const dest = join(shippedModelsDir, name);
rmSync(dest, { recursive: true, force: true });
mkdirSync(join(dest, "report", "samples"), { recursive: true });

const manifest = JSON.parse(readFileSync(join(runDir, "model", "model.json"), "utf8")) as ModelManifest;
const { default: _wasDefault, ...rest } = manifest;
const shipped: ModelManifest = { ...rest, name, networks: { generator: manifest.networks.generator }, files: { "generator.bin": manifest.files["generator.bin"]! }, ...(makeDefault ? { default: true } : {}) };
writeFileSync(join(dest, "model.json"), JSON.stringify(shipped, null, 2) + "\n");
if (makeDefault) {
  for (const other of readdirSync(shippedModelsDir)) {
    const path = join(shippedModelsDir, other, "model.json");
    if (other === name || !existsSync(path)) continue;
    const { default: _old, ...m } = JSON.parse(readFileSync(path, "utf8")) as ModelManifest;
    writeFileSync(path, JSON.stringify(m, null, 2) + "\n");
  }
}
copyFileSync(join(runDir, "model", "generator.bin"), join(dest, "generator.bin"));
for (const f of ["metrics.csv", "config.json", "final-grid.png"]) copyFileSync(join(runDir, f), join(dest, "report", f));
for (const f of readdirSync(join(runDir, "samples"))) copyFileSync(join(runDir, "samples", f), join(dest, "report", "samples", f));

// One checksum file for everything shipped, in sha256sum's format (`sha256sum -c` verifies it).
const lines: string[] = [];
const walk = (dir: string) => {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (entry !== "SHA256SUMS" && entry !== "README.md") lines.push(`${sha256(readFileSync(path))}  ${relative(shippedModelsDir, path)}`);
  }
};
walk(shippedModelsDir);
writeFileSync(join(shippedModelsDir, "SHA256SUMS"), lines.join("\n") + "\n");
console.log(`Shipped ${name} (${(statSync(join(dest, "generator.bin")).size / 1e6).toFixed(1)} MB) to ${dest}; SHA256SUMS lists ${lines.length} files.`);
