import type * as tfjs from "@tensorflow/tfjs";
import { adamUpdate, bceWithLogits, type AdamHyper } from "./adam.ts";
import type { StepResult } from "./trainer.ts";

type Moments = { m: tfjs.Variable[]; v: tfjs.Variable[] };

/** What the shared step needs from a network pair; labels are attached inside the closures. */
export interface GanNets {
  /** G(z) with the current weights, in the form D takes. */
  fake(): tfjs.Tensor;
  /** D's logits on the real batch. */
  dReal(): tfjs.Tensor;
  /** D's logits on a G output. */
  dOn(fake: tfjs.Tensor): tfjs.Tensor;
  gVars: tfjs.Variable[];
  dVars: tfjs.Variable[];
  gMoments: Moments;
  dMoments: Moments;
  /**
   * AC-GAN: D's output is [real/fake logit, class logits…] and these are the batch's one-hot
   * labels; the class cross-entropy on real images joins D's loss, and on fake ones G's loss
   * (D's class head never learns from fakes: see native/src/mlp_gan.cc).
   */
  auxLabels?: tfjs.Tensor2D;
}

/**
 * The lab's GAN step on TensorFlow.js, for any network pair: fake = G(z); D step on
 * BCE(D(real), 1) + BCE(D(fake), 0) with fake held constant; G step on BCE(D(G(z)), 1)
 * through the updated D. Call inside tf.tidy. `t` is the Adam step after this update.
 */
export function tfjsGanStep(tf: typeof tfjs, nets: GanNets, t: number, adam: AdamHyper, batch: number): { result: StepResult; gradNorms: number[] } {
  const aux = nets.auxLabels;
  const advLogit = (out: tfjs.Tensor) => (aux ? tf.slice(out, [0, 0], [-1, 1]) : out);
  const classLoss = (out: tfjs.Tensor) => tf.losses.softmaxCrossEntropy(aux!, tf.slice(out, [0, 1], [-1, -1]));
  // The class term goes with target 1: D on real images, G on its own.
  const loss = (out: tfjs.Tensor, target: 0 | 1) => (aux && target ? tf.add(bceWithLogits(tf, advLogit(out), 1), classLoss(out)) : bceWithLogits(tf, advLogit(out), target)) as tfjs.Scalar;

  const fake = nets.fake();
  let outReal: tfjs.Tensor | undefined;
  let outFake: tfjs.Tensor | undefined;
  const d = tf.variableGrads(() => {
    outReal = tf.keep(nets.dReal());
    outFake = tf.keep(nets.dOn(fake));
    return tf.add(loss(outReal, 1), loss(outFake, 0)) as tfjs.Scalar;
  }, nets.dVars);
  adamUpdate(tf, nets.dVars, nets.dMoments.m, nets.dMoments.v, d.grads, t, adam);

  const g = tf.variableGrads(() => loss(nets.dOn(nets.fake()), 1), nets.gVars);
  adamUpdate(tf, nets.gVars, nets.gMoments.m, nets.gMoments.v, g.grads, t, adam);
  const gradNorms = nets.gVars.map((v) => g.grads[v.name]!.norm().dataSync()[0]!);

  const pr = tf.sigmoid(advLogit(outReal!));
  const pf = tf.sigmoid(advLogit(outFake!));
  const correct = tf.add(tf.sum(tf.cast(tf.greater(pr, 0.5), "float32")), tf.sum(tf.cast(tf.less(pf, 0.5), "float32")));
  const [dLoss, gLoss, acc, dReal, dFake] = [d.value, g.value, correct, tf.mean(pr), tf.mean(pf)].map((x) => x.dataSync()[0]!);
  const result: StepResult = { dLoss: dLoss!, gLoss: gLoss!, dAcc: acc! / (2 * batch), dReal: dReal!, dFake: dFake! };
  if (aux) {
    const classAcc = (out: tfjs.Tensor) => tf.mean(tf.cast(tf.equal(tf.argMax(tf.slice(out, [0, 1], [-1, -1]), 1), tf.argMax(aux, 1)), "float32")).dataSync()[0]!;
    result.dClassReal = classAcc(outReal!);
    result.dClassFake = classAcc(outFake!);
  }
  tf.dispose([outReal!, outFake!]);
  return { result, gradNorms };
}
