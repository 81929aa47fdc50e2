import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { NativeDcganTrainer } from "../../../src/engines/gan/dcgan-native.ts";
import { TfjsDcganTrainer } from "../../../src/engines/gan/dcgan-tfjs.ts";
import { loadNative, NATIVE_ADDON_PATH } from "../../../src/engines/gan/native.ts";
import { ADAM, type GanSpec } from "../../../src/engines/gan/spec.ts";
import { createTrainer } from "../../../src/engines/gan/trainer-factory.ts";
import { Rng } from "../../../src/engines/runtime/random.ts";
import { tfRuntime } from "../../../src/engines/runtime/tfjs.ts";
import { copy, expectStepsMatch, worst } from "../../support/dcgan.ts";

/**
 * The DCGAN's CUDA backend (native/src/kernels.h, kernel_ops.h, cuda/dcgan_cuda.cu). No test
 * needs a GPU: the same kernels run on the host ("host-kernels") and take the CPU trainer's steps;
 * genlab_cuda.so, where nvcc built it, loads and says why it cannot train here — or, on a GPU
 * machine, trains steps that match the CPU's.
 */

const native = loadNative();
const addon = native?.createDcgan && native.cudaStatus ? { ...native, createDcgan: native.createDcgan } : undefined;
const CUDA_LIBRARY = join(dirname(NATIVE_ADDON_PATH), "genlab_cuda.so");

const FASHION: GanSpec = { arch: "dcgan", conditional: true, zDim: 100, height: 28, width: 28, channels: 1, classes: ["a", "b", "c"] };
const FASHION_AC: GanSpec = { ...FASHION, auxClassifier: true };
const CIFAR: GanSpec = { arch: "dcgan", conditional: false, zDim: 100, height: 32, width: 32, channels: 3, classes: [] };

async function tfjsInit(spec: GanSpec) {
  await tfRuntime();
  const t = new TfjsDcganTrainer(tf, spec, ADAM, 7);
  const w = copy(t.getWeights());
  t.dispose();
  return w;
}

async function withDevice<T>(value: string, f: () => Promise<T>): Promise<T> {
  const old = process.env.GENLAB_DEVICE;
  process.env.GENLAB_DEVICE = value;
  try {
    return await f();
  } finally {
    if (old === undefined) delete process.env.GENLAB_DEVICE;
    else process.env.GENLAB_DEVICE = old;
  }
}

/** What a fresh Node process's addon says of the CUDA backend, with `env` added. */
function cudaStatusIn(env: Record<string, string>) {
  const out = execFileSync(process.execPath, ["-e", `console.log(JSON.stringify(require(${JSON.stringify(NATIVE_ADDON_PATH)}).cudaStatus()))`], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out) as { built: boolean; available: boolean; reason?: string };
}

describe.skipIf(!addon)("the DCGAN's CUDA backend", () => {
  for (const [name, spec] of [["28×28×1 conditional", FASHION], ["28×28×1 AC-GAN", FASHION_AC], ["32×32×3", CIFAR]] as const) {
    it(`${name}: its kernels, run on the host, take the CPU trainer's steps and sample alike`, async () => {
      const init = await tfjsInit(spec);
      const cpu = new NativeDcganTrainer(addon!, spec, ADAM, copy(init));
      const kernels = new NativeDcganTrainer(addon!, spec, ADAM, copy(init), "host-kernels");
      expect(kernels.implementation).toBe("native (CUDA kernels run on the host)");
      expectStepsMatch(spec, cpu, kernels, { batch: 4, steps: 2, seed: 3 });
      const z = new Rng(3).normals(2 * spec.zDim);
      const labels = spec.conditional ? Int32Array.from([2, 0]) : null;
      expect(worst([kernels.generate(z, labels, 2)], [cpu.generate(z, labels, 2)]).err).toBeLessThan(1e-4);
    });
  }

  it("refuses an unknown GENLAB_DEVICE in one sentence", async () => {
    await withDevice("tpu", () => expect(createTrainer(CIFAR, { seed: 1 })).rejects.toThrow(/^GENLAB_DEVICE must be auto, cpu or cuda, not "tpu"\.$/));
  });

  it("reports a library that is missing or is not one, without failing the addon", () => {
    expect(cudaStatusIn({ GENLAB_CUDA_LIBRARY: "/nonexistent/genlab_cuda.so" })).toEqual({ built: false, available: false, reason: "not built (no CUDA toolkit when GenLab was installed)" });
    const bogus = cudaStatusIn({ GENLAB_CUDA_LIBRARY: NATIVE_ADDON_PATH.replace(/genlab_native\.node$/, "../Makefile") });
    expect(bogus.built).toBe(true);
    expect(bogus.available).toBe(false);
    expect(bogus.reason).toMatch(/^genlab_cuda\.so does not load: /);
  });

  it("the GPU machine's check program (scripts/gpu-check.sh) builds and its checks pass with the host in the GPU's place", () => {
    const dir = mkdtempSync(join(tmpdir(), "gpu-check-"));
    try {
      const root = join(dirname(NATIVE_ADDON_PATH), "..", "..", "..");
      const bin = join(dir, "gpu_check");
      execFileSync("g++", ["-std=c++17", "-O2", "-x", "c++", "-DGENLAB_CHECK_ON_HOST", "-pthread", "-o", bin, join(root, "native/tools/gpu_check.cu"), "-x", "none", join(root, "native/src/parallel.cc")]);
      const lines = execFileSync(bin, ["0", "2"], { encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l) as { check: string; pass: boolean });
      expect(lines.map((l) => [l.check, l.pass])).toEqual([["28x28x1 AC-GAN", true], ["28x28x1 AC-GAN", true], ["32x32x3", true], ["32x32x3", true]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(CUDA_LIBRARY))("genlab_cuda.so (built by nvcc at install) loads, and trains where there is a GPU", async () => {
    const status = addon!.cudaStatus!();
    expect(status.built).toBe(true);
    if (!status.available) {
      // No GPU here: asked for, the GPU is refused with the reason; by default DCGANs train on the CPU.
      expect(status.reason).toMatch(/^no usable GPU: \S/);
      await withDevice("cuda", () =>
        expect(createTrainer(CIFAR, { seed: 1 })).rejects.toThrow(/^GENLAB_DEVICE is cuda, but GenLab's CUDA trainer cannot run here \(no usable GPU: .+\): unset it to train on the CPU\.$/),
      );
      const t = await withDevice("auto", () => createTrainer(CIFAR, { seed: 1 }));
      expect(t.implementation).toMatch(/^native \(OpenBLAS/);
      return;
    }
    // A GPU: training picks it, and its steps are the CPU's.
    const t = await withDevice("auto", () => createTrainer(CIFAR, { seed: 1 }));
    expect(t.implementation).toMatch(/^native CUDA \(.+ on .+\)$/);
    const init = await tfjsInit(CIFAR);
    const gpu = new NativeDcganTrainer(addon!, CIFAR, ADAM, copy(init), "cuda");
    expectStepsMatch(CIFAR, new NativeDcganTrainer(addon!, CIFAR, ADAM, copy(init)), gpu, { batch: 8, steps: 2, seed: 3 });
  });
});
