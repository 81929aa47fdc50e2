import type * as tfjs from "@tensorflow/tfjs";
import { EngineInputError } from "../errors.ts";
import { Rng } from "../runtime/random.ts";
import type { LoadedModel } from "../gan/model-files.ts";
import { labelWidth, LEAKY_SLOPE, mlpLayers, pixels } from "../gan/spec.ts";
import { tfRuntime } from "../runtime/tfjs.ts";

export interface InversionOptions {
  seed: number;
  /** Random starting points per image; the best fit to the target wins. */
  restarts: number;
  /** Adam steps on z (and soft labels), then as many again on z with the label fixed. */
  steps: number;
  lr: number;
  /** Weight of ‖z‖²/zDim: keeps z where G was trained (a standard normal), so G cannot chase the noise off its range. */
  prior: number;
}

export interface InversionControl {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export const DEFAULT_INVERSION: Omit<InversionOptions, "seed"> = { restarts: 6, steps: 150, lr: 0.05, prior: 1e-3 };

export interface Inversion {
  /** n × pixels, G's closest images in [-1, 1]. */
  images: Float32Array;
  /** Per image: mean squared error to the target it was fitted to (the noisy image). */
  fitMse: number[];
  /** Conditional models: the class inversion settled on, per image. */
  labels: number[] | null;
}

/**
 * Projects target images onto the generator's range: argmin_z ‖G(z) − target‖² (+ a small prior
 * on z), by gradient descent through G with TensorFlow.js autograd, from several random starts.
 * For a conditional generator the label is optimised too, as softmax(logits) fed where the
 * one-hot goes, then fixed to its most likely class while z is refined. MLP generators only
 * (their weights are plain matrices; a DCGAN's layers live inside its trainer).
 */
export async function invertGenerator(model: LoadedModel, targets: Float32Array, n: number, opts: InversionOptions, control: InversionControl = {}): Promise<Inversion> {
  const spec = model.manifest.spec;
  if (spec.arch !== "mlp") throw new EngineInputError(`${model.manifest.name} is a ${spec.arch.toUpperCase()}: denoising by inversion works with MLP generators only, so pick an MLP model.`);
  const { tf } = await tfRuntime();
  const pix = pixels(spec);
  const k = labelWidth(spec);
  const rows = n * opts.restarts;
  const widths = mlpLayers(spec).g;
  const weights = model.generator.map((w, i) => tf.tensor(w, i % 2 === 0 ? [widths[i >> 1]!, widths[(i >> 1) + 1]!] : [widths[(i >> 1) + 1]!]));
  const rng = new Rng(opts.seed);
  const z = tf.variable(tf.tensor2d(rng.normals(rows * spec.zDim), [rows, spec.zDim]));
  const logits = k ? tf.variable(tf.zeros([rows, k])) : null; // uniform soft label to start
  // Row r fits image r % n.
  const target = tf.tidy(() => tf.tile(tf.tensor2d(targets.subarray(0, n * pix), [n, pix]), [opts.restarts, 1]));

  const generate = (labelIn: tfjs.Tensor2D | null) => {
    let h: tfjs.Tensor2D = labelIn ? tf.concat([z, labelIn], 1) : z;
    const layers = weights.length / 2;
    for (let i = 0; i < layers; i++) {
      h = tf.add(tf.matMul(h, weights[2 * i]! as tfjs.Tensor2D), weights[2 * i + 1]!);
      h = i < layers - 1 ? tf.leakyRelu(h, LEAKY_SLOPE) : tf.tanh(h);
    }
    return h;
  };
  const perRowMse = (out: tfjs.Tensor2D) => tf.mean(tf.square(tf.sub(out, target)), 1);
  const loss = (labelIn: tfjs.Tensor2D | null) => tf.add(tf.mean(perRowMse(generate(labelIn))), tf.mul(opts.prior / spec.zDim, tf.mean(tf.sum(tf.square(z), 1)))) as tfjs.Scalar;

  const phases = k ? 2 : 1;
  let done = 0;
  const run = async (vars: tfjs.Variable[], labelIn: () => tfjs.Tensor2D | null) => {
    const opt = tf.train.adam(opts.lr);
    try {
      for (let s = 0; s < opts.steps; s++) {
        tf.tidy(() => void opt.minimize(() => loss(labelIn()), false, vars));
        // Hand the event loop back now and then: a worker's job heartbeat must keep beating.
        if (s % 10 === 9) {
          await new Promise((resolve) => setImmediate(resolve));
          control.signal?.throwIfAborted();
          control.onProgress?.(++done / ((phases * opts.steps) / 10));
        }
      }
    } finally {
      opt.dispose();
    }
  };
  try {
    let hard: tfjs.Tensor2D | null = null;
    if (logits) {
      await run([z, logits], () => tf.softmax(logits) as tfjs.Tensor2D);
      hard = tf.tidy(() => tf.oneHot(tf.argMax(logits, 1), k).toFloat() as tfjs.Tensor2D);
    }
    await run([z], () => hard);
    const { fits, images } = tf.tidy(() => {
      const out = generate(hard);
      return { fits: perRowMse(out).dataSync() as Float32Array, images: out.dataSync() as Float32Array };
    });
    const classes = hard ? (tf.tidy(() => tf.argMax(hard!, 1).dataSync()) as Int32Array) : null;
    hard?.dispose();

    // Keep each image's best restart (judged against the noisy target only: the clean image is never seen).
    const best = Array.from({ length: n }, (_, i) => {
      let r = i;
      for (let j = i + n; j < rows; j += n) if (fits[j]! < fits[r]!) r = j;
      return r;
    });
    const result = new Float32Array(n * pix);
    best.forEach((r, i) => result.set(images.subarray(r * pix, r * pix + pix), i * pix));
    return { images: result, fitMse: best.map((r) => fits[r]!), labels: classes ? best.map((r) => classes[r]!) : null };
  } finally {
    tf.dispose([...weights, z, target, ...(logits ? [logits] : [])]);
  }
}
