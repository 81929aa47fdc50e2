import { loadNative } from "../runtime/native.ts";
import { tfRuntime } from "../runtime/tfjs.ts";
import { EngineInputError } from "../errors.ts";
import { TfjsDcganTrainer } from "./dcgan-tfjs.ts";
import { initMlp } from "./mlp-init.ts";
import { TfjsMlpTrainer, type MlpTrainerSpec } from "./mlp-tfjs.ts";
import { Rng } from "./random.ts";
import { ADAM, LEAKY_SLOPE, labelWidth, mlpLayers, type GanSpec } from "./spec.ts";
import type { Trainer, Weights } from "./trainer.ts";

export function mlpTrainerSpec(spec: GanSpec, lr: number = ADAM.lr): MlpTrainerSpec {
  const layers = mlpLayers(spec);
  return { gLayers: layers.g, dLayers: layers.d, numClasses: labelWidth(spec), slope: LEAKY_SLOPE, ...ADAM, lr };
}

/**
 * The fastest trainer for a GAN here. MLP: the native fused trainer (OpenBLAS) when it is
 * built, else TensorFlow.js on the best backend that loads (`GENLAB_NATIVE=0` forces tfjs).
 * DCGAN: TensorFlow.js. Fresh weights come from `seed`; `init` replaces either network.
 */
export async function createTrainer(spec: GanSpec, opts: { seed: number; init?: Partial<Weights>; purpose?: "train" | "sample"; allowSlow?: boolean; lr?: number }): Promise<Trainer> {
  if (spec.arch === "dcgan") {
    const { tf, backend } = await tfRuntime();
    // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter (its 3-D twin is wrong for strides
    // over 1), and the plain-JS backend needs tens of seconds per step: sampling works anywhere,
    // training wants libtensorflow, or an explicit "yes, slowly".
    if (opts.purpose !== "sample" && (backend === "wasm" || backend === "cpu")) {
      if (!opts.allowSlow) {
        throw new EngineInputError(
          `DCGAN training needs TensorFlow's native backend (@tensorflow/tfjs-node or tfjs-node-gpu), and this machine runs TensorFlow.js on ${backend}, which trains convolutions at tens of seconds per step: train --arch mlp here, install tfjs-node where the internet is reachable, or pass --allow-slow to train on the JavaScript backend anyway.`,
        );
      }
      await tf.setBackend("cpu");
    }
    const trainer = new TfjsDcganTrainer(tf, spec, { ...ADAM, lr: opts.lr ?? ADAM.lr }, opts.seed);
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
