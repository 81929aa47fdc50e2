#!/usr/bin/env node
// Builds GenLab's optional native trainer (native/ → native/build/Release/genlab_native.node) with
// the node-gyp in node_modules, against OpenBLAS. It NEVER fails the install: without a compiler,
// Python, OpenBLAS or Node headers it prints one line and exits 0, and training falls back to
// TensorFlow.js. GENLAB_NATIVE=0 skips the build. Full build output: GENLAB_NATIVE_VERBOSE=1.
// Where a CUDA toolkit is found (nvcc on PATH, in $CUDA_HOME or /usr/local/cuda), it also builds
// the DCGAN's CUDA backend, genlab_cuda.so, beside the addon (GENLAB_CUDA=0 skips it); the
// addon opens it at run time only when a GPU is there.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const hint = "install g++ and libopenblas-dev, then run `npm rebuild` / `node scripts/build-native.mjs`";

function skip(reason) {
  console.log(`GenLab: native trainer not built (${reason}); training falls back to TensorFlow.js — ${hint}`);
  process.exit(0);
}

function main() {
  if (/^(0|false|off)$/i.test(process.env.GENLAB_NATIVE ?? "")) skip("GENLAB_NATIVE=0");
  if (process.platform === "win32") skip("Windows is not supported");

  let nodeGyp;
  try {
    nodeGyp = createRequire(join(root, "package.json")).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    skip("node-gyp is not installed");
  }

  // Build against the running Node's own headers when they are on disk (Debian/Ubuntu nodejs,
  // official tarballs: <prefix>/include/node), so node-gyp needs no download. npm passes
  // npm_config_nodedir (from .npmrc) itself; respect it when set.
  const args = [nodeGyp, "rebuild", "--directory", join(root, "native")];
  const prefix = join(dirname(process.execPath), "..");
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node_api.h"))) {
    args.push(`--nodedir=${prefix}`);
  }
  const verbose = /^(1|true)$/i.test(process.env.GENLAB_NATIVE_VERBOSE ?? "");
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    stdio: verbose ? "inherit" : "pipe",
    timeout: 10 * 60_000,
  });
  if (r.error) skip(`node-gyp did not run: ${r.error.message}`);
  if (r.status !== 0) skip(diagnose(`${r.stdout ?? ""}\n${r.stderr ?? ""}`, r.status));

  // Check that it loads (a missing libopenblas.so.0 at run time shows here, not at link time).
  const addonPath = join(root, "native", "build", "Release", "genlab_native.node");
  try {
    const addon = createRequire(import.meta.url)(addonPath);
    console.log(`GenLab: native trainer built (${addon.blas}, ${addon.threads} threads)`);
  } catch (e) {
    skip(`built, but it does not load: ${String(e?.message ?? e).split("\n")[0]}`);
  }
  buildCuda(dirname(addonPath), verbose);
}

/** genlab_cuda.so with nvcc, when there is one; never fails the install. */
function buildCuda(outDir, verbose) {
  const out = join(outDir, "genlab_cuda.so");
  rmSync(out, { force: true });
  if (/^(0|false|off)$/i.test(process.env.GENLAB_CUDA ?? "")) return console.log("GenLab: CUDA trainer not built (GENLAB_CUDA=0)");
  const nvcc = findNvcc();
  if (!nvcc) return console.log("GenLab: CUDA trainer not built (no CUDA toolkit: nvcc not found); DCGANs train on the CPU");
  // Ampere and Hopper machine code, plus PTX that newer GPUs compile when loading.
  const arch = ["-gencode", "arch=compute_80,code=sm_80", "-gencode", "arch=compute_90,code=[sm_90,compute_90]"];
  const r = spawnSync(nvcc, ["-std=c++17", "-O3", "-shared", "-Xcompiler", "-fPIC,-fvisibility=hidden", "-cudart", "static", ...arch,
    "-o", out, join(root, "native", "src", "cuda", "dcgan_cuda.cu"), "-ldl"], { encoding: "utf8", stdio: verbose ? "inherit" : "pipe", timeout: 10 * 60_000 });
  if (r.status !== 0) {
    rmSync(out, { force: true });
    const err = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.split("\n").find((l) => /error/i.test(l));
    return console.log(`GenLab: CUDA trainer not built (${(err ?? r.error?.message ?? `nvcc exited with status ${r.status}`).trim().slice(0, 200)}); DCGANs train on the CPU`);
  }
  console.log("GenLab: CUDA trainer built (genlab_cuda.so: DCGANs train on a GPU where one is found)");
}

function findNvcc() {
  const dirs = [...(process.env.PATH ?? "").split(":"), process.env.CUDA_HOME && join(process.env.CUDA_HOME, "bin"), "/usr/local/cuda/bin"];
  for (const d of dirs) if (d && existsSync(join(d, "nvcc"))) return join(d, "nvcc");
  return undefined;
}

/** One short reason from node-gyp / make / g++ output. */
function diagnose(out, status) {
  const has = (re) => re.test(out);
  if (has(/cblas\.h: No such file/)) return "OpenBLAS headers (cblas.h) not found";
  if (has(/cannot find -lopenblas/)) return "libopenblas not found";
  if (has(/Could not find any Python|find Python/i) && has(/gyp ERR!.*Python/i)) return "Python 3 (needed by node-gyp) not found";
  if (has(/\b(g\+\+|c\+\+|cc|gcc|make): (command )?not found|\b(g\+\+|c\+\+|cc|gcc): No such file|not found: (g\+\+|c\+\+|make)|ENOENT.*\b(make|g\+\+|c\+\+)\b|FileNotFoundError.*(g\+\+|c\+\+|gcc|cc)/i)) {
    return "no C++ compiler or make";
  }
  if (has(/network connectivity|ENOTFOUND|EAI_AGAIN|download/i) && has(/headers/i)) return "Node headers not found locally and could not be downloaded";
  const err = out.split("\n").find((l) => /error:|Error:/.test(l) && !/gyp ERR! (stack|not ok)/.test(l));
  return err ? err.replace(/^gyp ERR! /, "").trim().slice(0, 200) : `node-gyp exited with status ${status}`;
}

try {
  main();
} catch (e) {
  skip(`unexpected: ${String(e?.message ?? e).split("\n")[0]}`);
}
