import type * as tfjs from "@tensorflow/tfjs";
import type { AdamHyper } from "./adam.ts";
import { tfjsGanStep } from "./tfjs-step.ts";
import { labelWidth, LEAKY_SLOPE, type GanSpec } from "./spec.ts";
import type { OptimizerState, StepResult, Trainer, Weights } from "./trainer.ts";

type Tf = typeof tfjs;

/**
 * DCGAN (Radford et al. 2016) in TensorFlow.js layers: G projects z to a 256-channel map at
 * 1/4 size and upsamples with strided transposed convolutions (batch norm + ReLU, tanh out);
 * D downsamples with strided convolutions (LeakyReLU 0.2) to one logit. For 28×28×1 and
 * 32×32×3. Conditional: the one-hot label joins z in G, and enters D as an extra image
 * channel (a learned H×W map of the label) — or, with auxClassifier (AC-GAN), D sees the image
 * alone and also predicts its class.
 */
export class TfjsDcganTrainer implements Trainer {
  readonly implementation: string;
  private readonly g: tfjs.LayersModel;
  private readonly d: tfjs.LayersModel;
  private readonly moments: { g: { m: tfjs.Variable[]; v: tfjs.Variable[] }; d: { m: tfjs.Variable[]; v: tfjs.Variable[] } };
  private t = 0;
  private lastGradNorms: number[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly spec: GanSpec,
    private readonly adam: AdamHyper,
    seed: number,
  ) {
    this.implementation = `tfjs-${tf.getBackend()}`;
    this.g = buildGenerator(tf, spec, seed);
    this.d = buildDiscriminator(tf, spec, seed + 1);
    const zeros = (m: tfjs.LayersModel) => tf.tidy(() => trainable(m).map((w) => tf.variable(tf.zerosLike(w))));
    this.moments = { g: { m: zeros(this.g), v: zeros(this.g) }, d: { m: zeros(this.d), v: zeros(this.d) } };
  }

  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number): StepResult {
    const { tf, spec } = this;
    let out: StepResult | undefined;
    tf.tidy(() => {
      const onehot = this.onehot(labels, batch);
      const dLabels = this.spec.auxClassifier ? null : onehot;
      const zT = tf.tensor2d(z.subarray(0, batch * spec.zDim), [batch, spec.zDim]);
      const realT = tf.tensor4d(real.subarray(0, batch * spec.height * spec.width * spec.channels), [batch, spec.height, spec.width, spec.channels]);
      this.t++;
      const { result, gradNorms } = tfjsGanStep(
        tf,
        {
          fake: () => this.runG(zT, onehot, true),
          dReal: () => this.runD(realT, dLabels),
          dOn: (fake) => this.runD(fake, dLabels),
          gVars: trainable(this.g),
          dVars: trainable(this.d),
          gMoments: this.moments.g,
          dMoments: this.moments.d,
          auxLabels: this.spec.auxClassifier ? onehot! : undefined,
        },
        this.t,
        this.adam,
        batch,
      );
      this.lastGradNorms = gradNorms;
      out = result;
    });
    return out!;
  }

  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array {
    const { tf, spec } = this;
    return tf.tidy(() => this.runG(tf.tensor2d(z.subarray(0, n * spec.zDim), [n, spec.zDim]), this.onehot(labels, n), false).dataSync() as Float32Array);
  }

  getWeights(): Weights {
    const read = (m: tfjs.LayersModel) => m.getWeights().map((w) => w.dataSync() as Float32Array);
    return { g: read(this.g), d: read(this.d) };
  }

  setWeights(w: Weights): void {
    const { tf } = this;
    const write = (m: tfjs.LayersModel, arrays: Float32Array[]) => tf.tidy(() => m.setWeights(m.weights.map((lw, i) => tf.tensor(arrays[i]!, lw.shape as number[]))));
    write(this.g, w.g);
    write(this.d, w.d);
  }

  getOptimizerState(): OptimizerState {
    const read = (vs: tfjs.Variable[]) => vs.map((v) => v.dataSync() as Float32Array);
    const { g, d } = this.moments;
    return { step: this.t, g: { m: read(g.m), v: read(g.v) }, d: { m: read(d.m), v: read(d.v) } };
  }

  setOptimizerState(s: OptimizerState): void {
    const { tf } = this;
    this.t = s.step;
    const write = (vs: tfjs.Variable[], arrays: Float32Array[]) => tf.tidy(() => vs.forEach((v, i) => v.assign(tf.tensor(arrays[i]!, v.shape))));
    write(this.moments.g.m, s.g.m);
    write(this.moments.g.v, s.g.v);
    write(this.moments.d.m, s.d.m);
    write(this.moments.d.v, s.d.v);
  }

  gradNorms(): number[] {
    return this.lastGradNorms;
  }

  weightNorms(): number[] {
    return this.tf.tidy(() => trainable(this.g).map((v) => v.norm().dataSync()[0]!));
  }

  /** Shapes of all weights (trainable and batch-norm statistics), in getWeights() order. */
  shapes(): { generator: number[][]; discriminator: number[][] } {
    return { generator: this.g.weights.map((w) => w.shape as number[]), discriminator: this.d.weights.map((w) => w.shape as number[]) };
  }

  dispose(): void {
    this.g.dispose();
    this.d.dispose();
    const { g, d } = this.moments;
    this.tf.dispose([...g.m, ...g.v, ...d.m, ...d.v]);
  }

  private runG(z: tfjs.Tensor, onehot: tfjs.Tensor | null, training: boolean): tfjs.Tensor4D {
    return this.g.apply(onehot ? [z, onehot] : z, { training }) as tfjs.Tensor4D;
  }

  private runD(x: tfjs.Tensor, onehot: tfjs.Tensor | null): tfjs.Tensor {
    return this.d.apply(onehot ? [x, onehot] : x, { training: true }) as tfjs.Tensor;
  }

  private onehot(labels: Int32Array | null, n: number): tfjs.Tensor2D | null {
    const k = labelWidth(this.spec);
    if (!k) return null;
    if (!labels) throw new Error("a conditional GAN needs labels");
    return this.tf.oneHot(this.tf.tensor1d(labels.subarray(0, n), "int32"), k).toFloat() as tfjs.Tensor2D;
  }
}

function trainable(m: tfjs.LayersModel): tfjs.Variable[] {
  return m.trainableWeights.map((w) => w.read() as tfjs.Variable);
}

function buildGenerator(tf: Tf, spec: GanSpec, seed: number): tfjs.LayersModel {
  const L = tf.layers;
  const k = labelWidth(spec);
  const base = spec.height / 4; // 7 for 28×28, 8 for 32×32
  const init = (i: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed * 31 + i });
  const z = tf.input({ shape: [spec.zDim] });
  const label = k ? tf.input({ shape: [k] }) : undefined;
  let h = label ? L.concatenate().apply([z, label]) : z;
  h = L.dense({ units: base * base * 256, useBias: false, kernelInitializer: init(0) }).apply(h);
  h = L.batchNormalization().apply(h);
  h = L.reLU().apply(h);
  h = L.reshape({ targetShape: [base, base, 256] }).apply(h);
  const up = (filters: number, strides: number, i: number, last = false) => {
    h = L.conv2dTranspose({ filters, kernelSize: 5, strides, padding: "same", useBias: last, kernelInitializer: init(i), activation: last ? "tanh" : undefined }).apply(h);
    if (!last) {
      h = L.batchNormalization().apply(h);
      h = L.reLU().apply(h);
    }
  };
  up(128, 1, 1);
  up(64, 2, 2);
  up(spec.channels, 2, 3, true);
  return tf.model({ inputs: label ? [z, label] : [z], outputs: h as tfjs.SymbolicTensor });
}

function buildDiscriminator(tf: Tf, spec: GanSpec, seed: number): tfjs.LayersModel {
  const L = tf.layers;
  const k = labelWidth(spec);
  const aux = spec.auxClassifier === true;
  const init = (i: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed * 31 + i });
  const x = tf.input({ shape: [spec.height, spec.width, spec.channels] });
  const label = k && !aux ? tf.input({ shape: [k] }) : undefined;
  let h: tfjs.SymbolicTensor = x;
  if (label) {
    const map = L.reshape({ targetShape: [spec.height, spec.width, 1] }).apply(L.dense({ units: spec.height * spec.width, kernelInitializer: init(9) }).apply(label)) as tfjs.SymbolicTensor;
    h = L.concatenate().apply([x, map]) as tfjs.SymbolicTensor;
  }
  h = L.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: "same", kernelInitializer: init(0) }).apply(h) as tfjs.SymbolicTensor;
  h = L.leakyReLU({ alpha: LEAKY_SLOPE }).apply(h) as tfjs.SymbolicTensor;
  h = L.conv2d({ filters: 128, kernelSize: 5, strides: 2, padding: "same", kernelInitializer: init(1) }).apply(h) as tfjs.SymbolicTensor;
  h = L.batchNormalization().apply(h) as tfjs.SymbolicTensor;
  h = L.leakyReLU({ alpha: LEAKY_SLOPE }).apply(h) as tfjs.SymbolicTensor;
  h = L.flatten().apply(h) as tfjs.SymbolicTensor;
  // A logit; with the auxiliary classifier, then the class logits.
  h = L.dense({ units: aux ? 1 + k : 1, kernelInitializer: init(2) }).apply(h) as tfjs.SymbolicTensor;
  return tf.model({ inputs: label ? [x, label] : [x], outputs: h });
}
