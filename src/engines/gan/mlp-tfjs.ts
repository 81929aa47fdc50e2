import type * as tfjs from "@tensorflow/tfjs";
import type { MlpSpec } from "./native.ts";
import { tfjsGanStep } from "./tfjs-step.ts";
import type { OptimizerState, StepResult, Trainer, Weights } from "./trainer.ts";

/** The same description the native trainer takes. */
export type MlpTrainerSpec = MlpSpec;

type Tf = typeof tfjs;
type Vars = tfjs.Variable[];

/**
 * The lab MLP GAN in TensorFlow.js: the portable implementation (any backend), used when the
 * native trainer is not built, and the reference the native one is tested against. Same
 * semantics as the lab's PyTorch step: fake = G(z) once; D step on real and detached fake;
 * G step through the updated D. Adam is written out so its state can be checkpointed.
 */
export class TfjsMlpTrainer implements Trainer {
  readonly implementation: string;
  private readonly g: Vars;
  private readonly d: Vars;
  private readonly mg: Vars;
  private readonly vg: Vars;
  private readonly md: Vars;
  private readonly vd: Vars;
  private t = 0;
  private lastGradNorms: number[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly spec: MlpTrainerSpec,
    init: Weights,
  ) {
    this.implementation = `tfjs-${tf.getBackend()}`;
    // tidy: the source tensors are copied into the variables and must not linger.
    const vars = (arrays: Float32Array[], widths: number[]) => tf.tidy(() => arrays.map((a, i) => tf.variable(tf.tensor(a, shapeOf(widths, i)))));
    this.g = vars(init.g, spec.gLayers);
    this.d = vars(init.d, spec.dLayers);
    const zerosLike = (vs: Vars) => tf.tidy(() => vs.map((v) => tf.variable(tf.zerosLike(v))));
    [this.mg, this.vg, this.md, this.vd] = [zerosLike(this.g), zerosLike(this.g), zerosLike(this.d), zerosLike(this.d)];
  }

  step(real: Float32Array, z: Float32Array, labels: Int32Array | null, batch: number): StepResult {
    const { tf } = this;
    const pix = this.spec.gLayers.at(-1)!;
    const zDim = this.spec.gLayers[0]! - this.spec.numClasses;
    let out: StepResult | undefined;
    tf.tidy(() => {
      const onehot = this.onehot(labels, batch);
      // AC-GAN: D sees the image alone and predicts the label instead.
      const dLabels = this.spec.auxClassifier ? null : onehot;
      const zIn = this.withLabels(tf.tensor2d(z.subarray(0, batch * zDim), [batch, zDim]), onehot);
      const realIn = this.withLabels(tf.tensor2d(real.subarray(0, batch * pix), [batch, pix]), dLabels);
      this.t++;
      const { result, gradNorms } = tfjsGanStep(
        tf,
        {
          fake: () => this.withLabels(this.forward(this.g, zIn, true), dLabels),
          dReal: () => this.forward(this.d, realIn, false),
          dOn: (fake) => this.forward(this.d, fake, false),
          gVars: this.g,
          dVars: this.d,
          gMoments: { m: this.mg, v: this.vg },
          dMoments: { m: this.md, v: this.vd },
          auxLabels: this.spec.auxClassifier ? onehot! : undefined,
        },
        this.t,
        this.spec,
        batch,
      );
      this.lastGradNorms = gradNorms;
      out = result;
    });
    return out!;
  }

  generate(z: Float32Array, labels: Int32Array | null, n: number): Float32Array {
    const { tf } = this;
    const zDim = this.spec.gLayers[0]! - this.spec.numClasses;
    return tf.tidy(() => this.forward(this.g, this.withLabels(tf.tensor2d(z.subarray(0, n * zDim), [n, zDim]), this.onehot(labels, n)), true).dataSync() as Float32Array);
  }

  getWeights(): Weights {
    return { g: this.g.map((v) => v.dataSync() as Float32Array), d: this.d.map((v) => v.dataSync() as Float32Array) };
  }

  setWeights(w: Weights): void {
    assign(this.tf, this.g, w.g);
    assign(this.tf, this.d, w.d);
  }

  getOptimizerState(): OptimizerState {
    const read = (vs: Vars) => vs.map((v) => v.dataSync() as Float32Array);
    return { step: this.t, g: { m: read(this.mg), v: read(this.vg) }, d: { m: read(this.md), v: read(this.vd) } };
  }

  setOptimizerState(s: OptimizerState): void {
    this.t = s.step;
    assign(this.tf, this.mg, s.g.m);
    assign(this.tf, this.vg, s.g.v);
    assign(this.tf, this.md, s.d.m);
    assign(this.tf, this.vd, s.d.v);
  }

  gradNorms(): number[] {
    return this.lastGradNorms;
  }

  weightNorms(): number[] {
    return this.g.map((v) => this.tf.tidy(() => v.norm().dataSync()[0]!));
  }

  dispose(): void {
    this.tf.dispose([...this.g, ...this.d, ...this.mg, ...this.vg, ...this.md, ...this.vd]);
  }

  private forward(params: Vars, x: tfjs.Tensor, isGenerator: boolean): tfjs.Tensor2D {
    const { tf } = this;
    let h = x as tfjs.Tensor2D;
    const layers = params.length / 2;
    for (let i = 0; i < layers; i++) {
      h = tf.add(tf.matMul(h, params[2 * i]! as tfjs.Tensor2D), params[2 * i + 1]!);
      if (i < layers - 1) h = tf.leakyRelu(h, this.spec.slope);
      else if (isGenerator) h = tf.tanh(h);
    }
    return h; // D returns logits: the sigmoid is inside the loss, for stability
  }

  private onehot(labels: Int32Array | null, n: number): tfjs.Tensor2D | null {
    if (!this.spec.numClasses) return null;
    if (!labels) throw new Error("a conditional GAN needs labels");
    return this.tf.oneHot(this.tf.tensor1d(labels.subarray(0, n), "int32"), this.spec.numClasses).toFloat() as tfjs.Tensor2D;
  }

  private withLabels(x: tfjs.Tensor2D, onehot: tfjs.Tensor2D | null): tfjs.Tensor2D {
    return onehot ? this.tf.concat([x, onehot], 1) : x;
  }
}

function shapeOf(widths: number[], i: number): number[] {
  const layer = i >> 1;
  return i % 2 === 0 ? [widths[layer]!, widths[layer + 1]!] : [widths[layer + 1]!];
}

function assign(tf: Tf, vars: Vars, arrays: Float32Array[]): void {
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(arrays[i]!, v.shape))));
}
