import { loadNative } from "./native.ts";
import { tfRuntime } from "../runtime/tfjs.ts";
import { EngineInputError } from "../errors.ts";
import { NativeDcganTrainer, dcganTrainingDevice, placeholderDiscriminator } from "./dcgan-native.ts";
import { TfjsDcganTrainer } from "./dcgan-tfjs.ts";
import { initMlp } from "./mlp-init.ts";
import { TfjsMlpTrainer, type MlpTrainerSpec } from "./mlp-tfjs.ts";
import { Rng } from "../runtime/random.ts";
import { ADAM, LEAKY_SLOPE, labelWidth, mlpLayers, type GanSpec } from "./spec.ts";
import type { Trainer, Weights } from "./trainer.ts";

export function mlpTrainerSpec(spec: GanSpec, lr: number = ADAM.lr): MlpTrainerSpec {
  const layers = mlpLayers(spec);
  return { gLayers: layers.g, dLayers: layers.d, numClasses: labelWidth(spec), auxClassifier: spec.auxClassifier === true, slope: LEAKY_SLOPE, ...ADAM, lr };
}

/**
 * The fastest trainer for a GAN here. MLP: the native fused trainer (OpenBLAS) when it is
 * built, else TensorFlow.js on the best backend that loads (`GENLAB_NATIVE=0` forces tfjs).
 * DCGAN: the native convolutional trainer when the addon has it — training on the GPU where
 * its CUDA backend finds one (GENLAB_DEVICE), sampling on the CPU — else TensorFlow.js. Fresh
 * weights come from `seed` (for a DCGAN, TensorFlow.js's initialisers on either trainer, so a
 * seed means the same network); `init` replaces either network.
 */
export async function createTrainer(spec: GanSpec, opts: { seed: number; init?: Partial<Weights>; purpose?: "train" | "sample"; allowSlow?: boolean; lr?: number }): Promise<Trainer> {
  if (spec.arch === "dcgan") {
    const adam = { ...ADAM, lr: opts.lr ?? ADAM.lr };
    const native = process.env.GENLAB_NATIVE === "0" ? undefined : loadNative();
    if (native?.createDcgan) {
      const { g, d } = opts.init ?? {};
      // Sampling never runs D, so a G alone needs no TensorFlow.js.
      const fresh = g && (d || opts.purpose === "sample") ? undefined : await freshDcganWeights(spec, opts.seed);
      const init: Weights = { g: g ?? fresh!.g, d: d ?? fresh?.d ?? placeholderDiscriminator(spec) };
      const device = opts.purpose === "sample" ? "cpu" : dcganTrainingDevice(native);
      return new NativeDcganTrainer({ ...native, createDcgan: native.createDcgan }, spec, adam, init, device);
    }
    const { tf } = await tfRuntime();
    // The plain-JS backend needs tens of seconds per DCGAN step: only on request. (wasm works,
    // with GenLab's Conv2DBackpropFilter kernel; libtensorflow is the fast way.)
    if (opts.purpose !== "sample" && tf.getBackend() === "cpu" && !opts.allowSlow) {
      throw new EngineInputError(
        "DCGAN training on TensorFlow.js's plain JavaScript backend takes tens of seconds per step: install @tensorflow/tfjs-node (or use the wasm backend), train --arch mlp, or pass --allow-slow to train anyway.",
      );
    }
    const trainer = new TfjsDcganTrainer(tf, spec, adam, opts.seed);
    if (opts.init?.g || opts.init?.d) {
      const w = trainer.getWeights();
      trainer.setWeights({ g: opts.init.g ?? w.g, d: opts.init.d ?? w.d });
    }
    return trainer;
  }
  const fresh = initMlp(mlpLayers(spec), new Rng(opts.seed));
  const init: Weights = { g: opts.init?.g ?? fresh.g, d: opts.init?.d ?? fresh.d };
  const native = process.env.GENLAB_NATIVE === "0" ? undefined : loadNative();
  if (native) return new NativeTrainer(native.createMlpGan(mlpTrainerSpec(spec, opts.lr), init), `native (${native.blas.split(" ").slice(0, 2).join(" ")}, ${native.threads} threads)`);
  const { tf } = await tfRuntime();
  return new TfjsMlpTrainer(tf, mlpTrainerSpec(spec, opts.lr), init);
}

/** TensorFlow.js's freshly initialised DCGAN for a seed (the weights TfjsDcganTrainer starts from). */
async function freshDcganWeights(spec: GanSpec, seed: number): Promise<Weights> {
  const { tf } = await tfRuntime();
  const t = new TfjsDcganTrainer(tf, spec, ADAM, seed);
  try {
    return t.getWeights();
  } finally {
    t.dispose();
  }
}

type NativeGan = ReturnType<NonNullable<ReturnType<typeof loadNative>>["createMlpGan"]>;

/** The native addon's object behind the Trainer interface. */
class NativeTrainer implements Trainer {
  constructor(
    private readonly gan: NativeGan,
    readonly implementation: string,
  ) {}
  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number) {
    return this.gan.step(real, z, labels, batch);
  }
  generate(z: Float32Array, labels: Int32Array | null, n: number) {
    return this.gan.generate(z, labels, n);
  }
  getWeights() {
    return this.gan.getWeights();
  }
  setWeights(w: Weights) {
    this.gan.setWeights(w);
  }
  getOptimizerState() {
    return this.gan.getOptimizerState();
  }
  setOptimizerState(s: ReturnType<NativeGan["getOptimizerState"]>) {
    this.gan.setOptimizerState(s);
  }
  gradNorms() {
    return this.gan.gradNorms();
  }
  weightNorms() {
    return this.gan.weightNorms();
  }
  dispose() {}
}
