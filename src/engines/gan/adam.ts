import type * as tfjs from "@tensorflow/tfjs";

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * One Adam update with PyTorch's semantics (bias-corrected moments, eps added to √v̂), on
 * variables whose moments the caller owns, so they can be checkpointed synchronously.
 * `t` is the 1-based step count after this update.
 */
export function adamUpdate(tf: typeof tfjs, params: tfjs.Variable[], m: tfjs.Variable[], v: tfjs.Variable[], grads: Record<string, tfjs.Tensor>, t: number, h: AdamHyper): void {
  const c1 = 1 - h.beta1 ** t;
  const c2 = 1 - h.beta2 ** t;
  tf.tidy(() => {
    params.forEach((p, i) => {
      const g = grads[p.name]!;
      m[i]!.assign(tf.add(tf.mul(m[i]!, h.beta1), tf.mul(g, 1 - h.beta1)));
      v[i]!.assign(tf.add(tf.mul(v[i]!, h.beta2), tf.mul(tf.square(g), 1 - h.beta2)));
      p.assign(tf.sub(p, tf.div(tf.mul(m[i]!, h.lr / c1), tf.add(tf.sqrt(tf.div(v[i]!, c2)), h.eps))));
    });
  });
}

/** BCE on logits against a constant target, averaged (PyTorch's Sigmoid + BCELoss, but stable). */
export function bceWithLogits(tf: typeof tfjs, logits: tfjs.Tensor, target: 0 | 1): tfjs.Scalar {
  // log(1 + e^-|x|) + max(x, 0) - x·y
  const stable = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))), tf.relu(logits));
  return tf.mean(target ? tf.sub(stable, logits) : stable) as tfjs.Scalar;
}
