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
}

/**
 * The lab's GAN step on TensorFlow.js, for any network pair: fake = G(z); D step on
 * BCE(D(real), 1) + BCE(D(fake), 0) with fake held constant; G step on BCE(D(G(z)), 1)
 * through the updated D. Call inside tf.tidy. `t` is the Adam step after this update.
 */
export function tfjsGanStep(tf: typeof tfjs, nets: GanNets, t: number, adam: AdamHyper, batch: number): { result: StepResult; gradNorms: number[] } {
  const fake = nets.fake();
  let logitsReal: tfjs.Tensor | undefined;
  let logitsFake: tfjs.Tensor | undefined;
  const d = tf.variableGrads(() => {
    logitsReal = tf.keep(nets.dReal());
    logitsFake = tf.keep(nets.dOn(fake));
    return tf.add(bceWithLogits(tf, logitsReal, 1), bceWithLogits(tf, logitsFake, 0)) as tfjs.Scalar;
  }, nets.dVars);
  adamUpdate(tf, nets.dVars, nets.dMoments.m, nets.dMoments.v, d.grads, t, adam);

  const g = tf.variableGrads(() => bceWithLogits(tf, nets.dOn(nets.fake()), 1), nets.gVars);
  adamUpdate(tf, nets.gVars, nets.gMoments.m, nets.gMoments.v, g.grads, t, adam);
  const gradNorms = nets.gVars.map((v) => g.grads[v.name]!.norm().dataSync()[0]!);

  const pr = tf.sigmoid(logitsReal!);
  const pf = tf.sigmoid(logitsFake!);
  const correct = tf.add(tf.sum(tf.cast(tf.greater(pr, 0.5), "float32")), tf.sum(tf.cast(tf.less(pf, 0.5), "float32")));
  const [dLoss, gLoss, acc, dReal, dFake] = [d.value, g.value, correct, tf.mean(pr), tf.mean(pf)].map((x) => x.dataSync()[0]!);
  tf.dispose([logitsReal!, logitsFake!]);
  return { result: { dLoss: dLoss!, gLoss: gLoss!, dAcc: acc! / (2 * batch), dReal: dReal!, dFake: dFake! }, gradNorms };
}
