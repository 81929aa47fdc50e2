import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { OptimizerState as NativeOptimizerState, StepResult, Weights as MlpWeights } from "./trainer.ts";

/**
 * GenLab's optional native trainer (native/, built by scripts/build-native.mjs with node-gyp
 * against OpenBLAS): the whole fused MLP-GAN and DCGAN training steps and batched forward passes in C++.
 * When it is not built (no compiler, no OpenBLAS), `loadNative()` returns undefined and
 * training falls back to TensorFlow.js.
 */

export type { MlpWeights, NativeOptimizerState, StepResult };

/** A general MLP pair, so the conditional variant (one-hot label concatenated to G's z and to D's x) uses the same code. */
export interface MlpSpec {
  /** Widths incl. input, e.g. [100,256,512,1024,784] (conditional: [110,...]). Hidden: LeakyReLU; output: Tanh. */
  gLayers: number[];
  /** e.g. [784,512,256,1] (conditional: [794,512,256,1]). Hidden: LeakyReLU; output: one logit (Sigmoid + BCE). */
  dLayers: number[];
  /** 0 = unconditional; else one-hot of the batch labels is concatenated to z (G input) and to x (D input, real and fake). */
  numClasses: number;
  /** AC-GAN: D's input is the image alone and dLayers ends in 1 + numClasses (class logits after the real/fake logit). */
  auxClassifier?: boolean;
  /** LeakyReLU negative slope, 0.2 (must be >= 0). */
  slope: number;
  /** Adam, PyTorch semantics (bias-corrected, eps added to sqrt(v_hat)). */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** What both native trainers do: one step, sampling, and weights and optimizer state in and out. */
interface NativeGanTrainer {
  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number): StepResult;
  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array;
  getWeights(): MlpWeights;
  setWeights(w: MlpWeights): void;
  /** For checkpoints. */
  getOptimizerState(): NativeOptimizerState;
  setOptimizerState(s: NativeOptimizerState): void;
  /** L2 norm of each G parameter's gradient from the last step, same order as getWeights().g. */
  gradNorms(): number[];
  /** L2 norm of each G parameter. */
  weightNorms(): number[];
}

export interface NativeMlpGan extends NativeGanTrainer {
  /**
   * One training step, as the benches' PyTorch reference (reference_gan.py): fake = G(z) once;
   * D step on BCE(D(real),1) + BCE(D(fake),0) → Adam(D); G step on BCE(D'(fake),1) through the
   * updated D → Adam(G).
   * real: ≥ batch×imgDim, z: ≥ batch×zDim, labels: ≥ batch class ids, or null when numClasses = 0.
   * Any batch size works (buffers grow to the largest batch seen, then are reused).
   */
  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number): StepResult;
  /** n×imgDim tanh outputs. */
  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array;
  /** Debug: turn per-phase step timers on/off (resets them). Also on from creation with GENLAB_NATIVE_PROFILE=1. */
  setProfiling(on: boolean): void;
  /** Debug: accumulated milliseconds per phase of the step since profiling was turned on. */
  timings(): { steps: number; ms: Record<string, number> };
}

/** GenLab's DCGAN (src/engines/gan/dcgan-tfjs.ts) for H×W×C images, H = W a multiple of 4. */
export interface DcganSpec {
  height: number;
  width: number;
  channels: number;
  zDim: number;
  /** 0 = unconditional; else the one-hot label joins z in G and enters D as a learned H×W map channel. */
  numClasses: number;
  /** AC-GAN: D sees the image alone and its dense layer ends in 1 + numClasses logits (real/fake, then the class). */
  auxClassifier?: boolean;
  /** D's LeakyReLU slope. */
  slope: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Batch norm as tf.layers: running statistics' momentum (0.99) and ε (1e-3). */
  bnMomentum: number;
  bnEpsilon: number;
  /**
   * Where it trains: "cpu" (default), "cuda" (genlab_cuda.so on a GPU; see cudaStatus()), or
   * "host-kernels" (the CUDA backend's kernels run on the host, slowly: how tests check them
   * where there is no GPU).
   */
  device?: DcganDevice;
}

export type DcganDevice = "cpu" | "cuda" | "host-kernels";

/** The DCGAN's CUDA backend as this process finds it (genlab_cuda.so beside the addon). */
export interface CudaStatus {
  /** genlab_cuda.so exists (nvcc was found at install). */
  built: boolean;
  /** …and it loaded and sees a GPU. */
  available: boolean;
  /** e.g. "cuBLAS 13.0.0 on NVIDIA H200", when available. */
  device?: string;
  /** Why not, when not available. */
  reason?: string;
}

/**
 * The DCGAN step of src/engines/gan/tfjs-step.ts in C++ (im2col + OpenBLAS sgemm). Weights in
 * tf.layers order (G: trainables then batch-norm running statistics; D likewise), optimizer
 * state over the trainables only — the same arrays the TensorFlow.js trainer reads and writes.
 */
export interface NativeDcgan extends NativeGanTrainer {
  /** G in inference mode (running statistics): n×H×W×C tanh outputs. */
  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array;
}

export interface NativeAddon {
  version: string;
  /** The BLAS build, e.g. "OpenBLAS 0.3.21 … SkylakeX MAX_THREADS=64 (core SkylakeX)". */
  blas: string;
  /** Compute threads (GEMM blocks, Adam): GENLAB_NATIVE_THREADS, else OPENBLAS_NUM_THREADS, else the CPUs in the affinity mask. OpenBLAS itself runs single-threaded. */
  readonly threads: number;
  /** Sets the compute threads for every trainer in this process (takes effect at their next step). */
  setThreads(n: number): void;
  /**
   * Linux's SCHED_IDLE for the calling thread and the threads it starts afterwards: whenever any
   * other thread of the machine wants a core it gets it at once. False where refused or not Linux;
   * absent in builds before it.
   */
  idleScheduling?(): boolean;
  createMlpGan(spec: MlpSpec, init: MlpWeights): NativeMlpGan;
  /** Absent in builds before the CUDA backend. Opens genlab_cuda.so on first call. */
  cudaStatus?(): CudaStatus;
  /** Absent in builds before the DCGAN trainer (then DCGANs train on TensorFlow.js). */
  createDcgan?(spec: DcganSpec, init: MlpWeights): NativeDcgan;
}

/** Where scripts/build-native.mjs (node-gyp) puts the addon. */
export const NATIVE_ADDON_PATH = fileURLToPath(
  new URL("../../../native/build/Release/genlab_native.node", import.meta.url),
);

let cached: { addon: NativeAddon | undefined; reason: string } | undefined;

/**
 * The native addon, or undefined when it is not built, fails to load, or `GENLAB_NATIVE=0`.
 * Never throws; the result is cached. `nativeUnavailableReason()` says why it is absent.
 */
export function loadNative(): NativeAddon | undefined {
  cached ??= tryLoad();
  return cached.addon;
}

/** Why loadNative() returned undefined ("" when it loaded), for the logs. */
export function nativeUnavailableReason(): string {
  cached ??= tryLoad();
  return cached.reason;
}

function tryLoad(): { addon: NativeAddon | undefined; reason: string } {
  const flag = process.env.GENLAB_NATIVE;
  if (flag === "0" || flag === "false" || flag === "off") {
    return { addon: undefined, reason: "disabled by GENLAB_NATIVE=0" };
  }
  if (!existsSync(NATIVE_ADDON_PATH)) {
    return { addon: undefined, reason: `not built (${NATIVE_ADDON_PATH} missing)` };
  }
  try {
    const require = createRequire(import.meta.url);
    const addon = require(NATIVE_ADDON_PATH) as NativeAddon;
    if (typeof addon?.createMlpGan !== "function") {
      return { addon: undefined, reason: "addon has no createMlpGan (stale build?)" };
    }
    return { addon, reason: "" };
  } catch (e) {
    return { addon: undefined, reason: `failed to load: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}` };
  }
}

/** Forgets the cached result so the next loadNative() looks again (tests; after an in-process rebuild). */
export function resetNativeCache(): void {
  cached = undefined;
}
