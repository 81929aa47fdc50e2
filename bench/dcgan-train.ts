/**
 * DCGAN training speed, GenLab vs PyTorch, in one run: GenLab's native DCGAN step (native/src/dcgan.cc,
 * im2col + OpenBLAS) and ../shared/bench/reference_dcgan.py (the same architecture in PyTorch,
 * Debian's torch 1.13 + OpenBLAS), for 28×28×1 and 32×32×3 at batch 64, same thread count, on
 * random data of the right shape (as the reference). Also times one big sgemm in torch (the
 * cores' GEMM throughput) to put GenLab's sustained GFLOP/s in proportion.
 *
 *   npx tsx bench/dcgan-train.ts [--steps 5] [--warmup 2] [--threads N] [--batch 64]
 *                                [--shapes 28x28x1,32x32x3] [--no-pytorch] [--device cpu|cuda]
 *
 * --device cuda: GenLab's CUDA backend (genlab_cuda.so) against the reference on the GPU. Where
 * Node is missing on a GPU machine, scripts/gpu-check.sh makes the same comparison.
 *
 * A few steps only: the step is ~30–45 GFLOP. Prints a table, then one JSON line.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createTrainer } from "../src/engines/gan/trainer-factory.ts";
import { Rng } from "../src/engines/runtime/random.ts";
import type { GanSpec } from "../src/engines/gan/spec.ts";
import { loadNative, nativeUnavailableReason } from "../src/engines/gan/native.ts";
import { referenceScript } from "./references.ts";

const REFERENCE = referenceScript("reference_dcgan.py");
const PYTHON = "/usr/bin/python3";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const STEPS = Number(arg("steps", "5"));
const WARMUP = Number(arg("warmup", "2"));
const BATCH = Number(arg("batch", "64"));
const THREADS = Number(arg("threads", String(availableParallelism())));
const SHAPES = arg("shapes", "28x28x1,32x32x3").split(",");
const PYTORCH = !process.argv.includes("--no-pytorch");
const DEVICE = arg("device", "cpu");
if (DEVICE !== "cpu" && DEVICE !== "cuda") throw new Error("--device must be cpu or cuda");
process.env.GENLAB_DEVICE = DEVICE; // createTrainer refuses cuda, with the reason, where there is no GPU

/** Multiply-adds ×2 of every GEMM / GEMV GenLab's step runs (native/src/dcgan.cc), per step. */
function stepFlops(h: number, c: number, B: number, conditional: boolean): number {
  const b = h / 4, bb = b * b, F = bb * 256, zin = 100 + (conditional ? 10 : 0);
  const cd = c + (conditional ? 1 : 0), hw1 = (h / 2) ** 2, hw2 = bb, Fd = hw2 * 128;
  const gDense = 2 * B * zin * F;
  const gConv = 2 * B * (bb * 256 * 25 * 128 + bb * 128 * 25 * 64 + 4 * bb * 64 * 25 * c);
  const g = gDense + gConv /* forward */ + 2 * gConv + gDense /* data + filter gradients */;
  const conv1 = (R: number) => 2 * R * hw1 * 64 * 25 * cd;
  const conv2 = (R: number) => 2 * R * hw2 * 128 * 25 * 64;
  const dense = (R: number) => 2 * R * Fd;
  const dStep = conv1(2 * B) + conv2(2 * B) + dense(2 * B) + 2 * conv2(2 * B) + conv1(2 * B) * (conditional ? 2 : 1) + 2 * dense(2 * B);
  const gStepD = conv1(B) + conv2(B) + dense(B) + conv2(B) + conv1(B) + dense(B);
  return g + dStep + gStepD;
}

async function genlab(shape: string): Promise<{ ms: number; gflops: number; implementation: string }> {
  const [h, w, c] = shape.split("x").map(Number) as [number, number, 1 | 3];
  const spec: GanSpec = { arch: "dcgan", conditional: false, zDim: 100, height: h, width: w, channels: c, classes: [] };
  const trainer = await createTrainer(spec, { seed: 1 });
  const rng = new Rng(7);
  const px = h * w * c;
  const data = Float32Array.from({ length: 8 * BATCH * px }, () => rng.uniform() * 2 - 1);
  const z = new Float32Array(BATCH * 100);
  const step = (i: number) => trainer.step(data.subarray((i % 8) * BATCH * px, (i % 8 + 1) * BATCH * px), rng.fillNormals(z), null, BATCH);
  for (let i = 0; i < WARMUP; i++) step(i);
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step(i);
  const ms = (performance.now() - t0) / STEPS;
  trainer.dispose();
  return { ms, gflops: stepFlops(h, c, BATCH, false) / ms / 1e6, implementation: trainer.implementation };
}

function pytorch(shape: string): number | undefined {
  const r = spawnSync(PYTHON, [REFERENCE, "--shape", shape, "--batch", String(BATCH), "--steps", String(STEPS), "--threads", String(THREADS), "--device", DEVICE], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: String(THREADS) } });
  const line = r.stdout?.trim().split("\n").at(-1);
  try {
    return (JSON.parse(line ?? "") as { ms_per_step: number }).ms_per_step;
  } catch {
    console.error(`PyTorch reference failed: ${(r.stderr || r.error?.message || "no output").split("\n").slice(-3).join(" ")}`);
    return undefined;
  }
}

/** The cores' single-precision GEMM rate: torch.mm on 2048² (OpenBLAS), same threads. */
function gemmPeak(): number | undefined {
  const code = `import torch,time\ntorch.set_num_threads(${THREADS})\na=torch.randn(2048,2048);b=torch.randn(2048,2048)\nfor _ in range(2): a@b\nt=time.perf_counter()\nfor _ in range(5): a@b\nprint(5*2*2048**3/(time.perf_counter()-t)/1e9)`;
  const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8" });
  const v = Number(r.stdout?.trim());
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

const native = loadNative();
if (!native?.createDcgan) {
  console.error(`GenLab's native DCGAN trainer is not available (${nativeUnavailableReason() || "addon built without createDcgan"}): run node scripts/build-native.mjs`);
  process.exit(1);
}
native.setThreads(THREADS);
const usePytorch = PYTORCH && existsSync(PYTHON) && existsSync(REFERENCE);
if (PYTORCH && !usePytorch) console.error(`${REFERENCE} or ${PYTHON} missing: GenLab only`);
const load = loadavg()[0]!;
if (load > THREADS) console.warn(`load average ${load.toFixed(1)} on ${availableParallelism()} CPUs: the machine is busy, times are noisy`);

const peak = usePytorch ? gemmPeak() : undefined;
const rows: Record<string, unknown>[] = [];
for (const shape of SHAPES) {
  const g = await genlab(shape).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
  const p = usePytorch ? pytorch(shape) : undefined;
  const ratio = p ? g.ms / p : undefined;
  rows.push({ shape, batch: BATCH, threads: THREADS, genlab_ms: +g.ms.toFixed(1), pytorch_ms: p, ratio: ratio && +ratio.toFixed(3), genlab_gflops: +g.gflops.toFixed(1), gemm_peak_gflops: peak && +peak.toFixed(1), implementation: g.implementation });
  console.log(`${shape}, batch ${BATCH}, ${THREADS} threads: GenLab ${g.ms.toFixed(0)} ms/step (${g.gflops.toFixed(1)} GFLOP/s sustained${peak ? `, ${((100 * g.gflops) / peak).toFixed(0)} % of torch's ${peak.toFixed(0)} GFLOP/s sgemm` : ""}); PyTorch ${p ? `${p.toFixed(0)} ms/step` : "—"}`);
  if (ratio) console.log(`  ratio = genlab / pytorch = ${ratio.toFixed(3)}`);
}
console.log(JSON.stringify({ steps: STEPS, load: +load.toFixed(1), rows }));
