import { EngineInputError } from "../errors.ts";
import type { DcganDevice, DcganSpec, NativeAddon, NativeDcgan } from "./native.ts";
import type { AdamHyper } from "./adam.ts";
import { labelWidth, LEAKY_SLOPE, type GanSpec } from "./spec.ts";
import type { OptimizerState, StepResult, Trainer, Weights } from "./trainer.ts";

/** tf.layers.batchNormalization's defaults, which the TensorFlow.js DCGAN uses. */
export const BATCH_NORM = { momentum: 0.99, epsilon: 1e-3 } as const;

export function nativeDcganSpec(spec: GanSpec, adam: AdamHyper): DcganSpec {
  return {
    height: spec.height,
    width: spec.width,
    channels: spec.channels,
    zDim: spec.zDim,
    numClasses: labelWidth(spec),
    auxClassifier: spec.auxClassifier === true,
    slope: LEAKY_SLOPE,
    ...adam,
    bnMomentum: BATCH_NORM.momentum,
    bnEpsilon: BATCH_NORM.epsilon,
  };
}

/** Shapes of every weight of GenLab's DCGAN in tf.layers order (as TfjsDcganTrainer.shapes()). */
export function dcganShapes(spec: GanSpec): { generator: number[][]; discriminator: number[][] } {
  const k = labelWidth(spec);
  const b = spec.height / 4;
  const f = b * b * 256;
  const generator = [[spec.zDim + k, f], [f], [f], [5, 5, 128, 256], [128], [128], [5, 5, 64, 128], [64], [64], [5, 5, spec.channels, 64], [spec.channels], [f], [f], [128], [128], [64], [64]];
  const labelMap = k > 0 && !spec.auxClassifier;
  const out = spec.auxClassifier ? 1 + k : 1;
  const label = labelMap ? [[k, spec.height * spec.width], [spec.height * spec.width]] : [];
  const discriminator = [...label, [5, 5, spec.channels + (labelMap ? 1 : 0), 64], [64], [5, 5, 64, 128], [128], [128], [128], [b * b * 128, out], [out], [128], [128]];
  return { generator, discriminator };
}

/**
 * Weights for sampling when only G is known: D is never run, but the addon wants a whole pair
 * (batch-norm scales and running variances at their initial 1).
 */
export function placeholderDiscriminator(spec: GanSpec): Float32Array[] {
  const shapes = dcganShapes(spec).discriminator;
  const ones = new Set([shapes.length - 6, shapes.length - 1]); // BN gamma, moving variance
  return shapes.map((s, i) => new Float32Array(s.reduce((a, n) => a * n, 1)).fill(ones.has(i) ? 1 : 0));
}

/**
 * Where a DCGAN trains, from GENLAB_DEVICE: `auto` (the default: the GPU when GenLab's CUDA
 * backend finds one, else the CPU), `cpu`, or `cuda` (the GPU or a refusal saying why not).
 */
export function dcganTrainingDevice(native: NativeAddon, env: NodeJS.ProcessEnv = process.env): "cpu" | "cuda" {
  const asked = (env.GENLAB_DEVICE ?? "").trim().toLowerCase() || "auto";
  if (asked !== "auto" && asked !== "cpu" && asked !== "cuda") {
    throw new EngineInputError(`GENLAB_DEVICE must be auto, cpu or cuda, not ${JSON.stringify(asked.slice(0, 20))}.`);
  }
  if (asked === "cpu") return "cpu";
  const cuda = native.cudaStatus?.();
  if (cuda?.available) return "cuda";
  if (asked === "cuda") {
    throw new EngineInputError(`GENLAB_DEVICE is cuda, but GenLab's CUDA trainer cannot run here (${cuda?.reason ?? "this build of the native addon has none"}): unset it to train on the CPU.`);
  }
  return "cpu";
}

/** Where DCGANs train, for /models: "the GPU (cuBLAS … on NVIDIA H200)" or "the CPU". */
export function dcganDeviceSummary(native: NativeAddon): string {
  try {
    return dcganTrainingDevice(native) === "cuda" ? `the GPU (${native.cudaStatus!().device})` : "the CPU";
  } catch (e) {
    return `nothing until GENLAB_DEVICE is fixed (${(e as Error).message})`;
  }
}

/** The addon's DCGAN (native/src/dcgan_step.h on the CPU or a GPU) behind the Trainer interface. */
export class NativeDcganTrainer implements Trainer {
  readonly implementation: string;
  private readonly gan: NativeDcgan;

  constructor(
    native: NativeAddon & { createDcgan: NonNullable<NativeAddon["createDcgan"]> },
    private readonly spec: GanSpec,
    adam: AdamHyper,
    init: Weights,
    device: DcganDevice = "cpu",
  ) {
    this.gan = native.createDcgan({ ...nativeDcganSpec(spec, adam), device }, init);
    this.implementation =
      device === "cuda"
        ? `native CUDA (${native.cudaStatus?.().device ?? "GPU"})`
        : device === "host-kernels"
          ? "native (CUDA kernels run on the host)"
          : `native (${native.blas.split(" ").slice(0, 2).join(" ")} im2col, ${native.threads} threads)`;
  }

  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number): StepResult {
    return this.gan.step(real, z, labels, batch);
  }
  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array {
    return this.gan.generate(z, labels, n);
  }
  getWeights(): Weights {
    return this.gan.getWeights();
  }
  setWeights(w: Weights): void {
    this.gan.setWeights(w);
  }
  getOptimizerState(): OptimizerState {
    return this.gan.getOptimizerState();
  }
  setOptimizerState(s: OptimizerState): void {
    this.gan.setOptimizerState(s);
  }
  gradNorms(): number[] {
    return this.gan.gradNorms();
  }
  weightNorms(): number[] {
    return this.gan.weightNorms();
  }
  shapes(): { generator: number[][]; discriminator: number[][] } {
    return dcganShapes(this.spec);
  }
  dispose(): void {}
}
