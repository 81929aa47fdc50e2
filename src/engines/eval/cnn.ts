import type * as tfjs from "@tensorflow/tfjs";
import { Rng } from "../runtime/random.ts";

type Tf = typeof tfjs;

/**
 * The evaluation classifier's architecture: 3×3 "same" convolutions with ReLU, a 2×2 max-pool
 * after each but the last, one ReLU dense layer (the penultimate features the Fréchet distance
 * uses), then a linear layer to the class logits. Small on purpose: it trains on one wasm core.
 */
export interface CnnSpec {
  height: number;
  width: number;
  channels: 1 | 3;
  /** Output channels of each convolution, e.g. [16, 32, 64]. */
  convs: number[];
  /** Width of the penultimate (feature) layer. */
  features: number;
  /** Dropout on the features while training. */
  dropout: number;
  classes: number;
}

/** Parameter shapes in file order: per conv [kernel, bias], then dense, then logits. */
export function cnnShapes(spec: CnnSpec): number[][] {
  const shapes: number[][] = [];
  let c: number = spec.channels;
  for (const out of spec.convs) {
    shapes.push([3, 3, c, out], [out]);
    c = out;
  }
  const pools = spec.convs.length - 1;
  const flat = (spec.height >> pools) * (spec.width >> pools) * c;
  shapes.push([flat, spec.features], [spec.features], [spec.features, spec.classes], [spec.classes]);
  return shapes;
}

/** He-normal weights, zero biases, from a seed (JS randomness: the same on every backend). */
export function initCnn(spec: CnnSpec, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return cnnShapes(spec).map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 1) return new Float32Array(size);
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const std = Math.sqrt(2 / fanIn);
    const w = rng.normals(size);
    for (let i = 0; i < size; i++) w[i]! *= std;
    return w;
  });
}

export interface CnnOutput {
  logits: tfjs.Tensor2D;
  features: tfjs.Tensor2D;
}

/** x: [n, H, W, C] in [-1, 1]. `training` turns dropout on (needs a seed for it). */
export function cnnForward(tf: Tf, spec: CnnSpec, params: tfjs.Tensor[], x: tfjs.Tensor4D, training?: { dropoutSeed: number }): CnnOutput {
  const conv = sameConv3x3(tf);
  let h = x;
  spec.convs.forEach((_, i) => {
    h = tf.relu(tf.add(conv(h, params[2 * i]! as tfjs.Tensor4D), params[2 * i + 1]!)) as tfjs.Tensor4D;
    if (i < spec.convs.length - 1) h = tf.maxPool(h, 2, 2, "valid");
  });
  const k = 2 * spec.convs.length;
  const flat = tf.reshape(h, [x.shape[0], -1]) as tfjs.Tensor2D;
  const features = tf.relu(tf.add(tf.matMul(flat, params[k]! as tfjs.Tensor2D), params[k + 1]!)) as tfjs.Tensor2D;
  const dropped = training && spec.dropout > 0 ? (tf.dropout(features, spec.dropout, undefined, training.dropoutSeed) as tfjs.Tensor2D) : features;
  const logits = tf.add(tf.matMul(dropped, params[k + 2]! as tfjs.Tensor2D), params[k + 3]!) as tfjs.Tensor2D;
  return { logits, features };
}

const convs = new WeakMap<Tf, (x: tfjs.Tensor4D, w: tfjs.Tensor4D) => tfjs.Tensor4D>();

/**
 * conv2d(x, w, stride 1, "same") whose input gradient is itself a forward convolution (with the
 * kernel flipped and its channel axes swapped — exact for stride 1, odd kernels, "same"). The
 * result is identical; the reason is speed: on the wasm backend the forward convolution runs in
 * XNNPACK while the built-in Conv2DBackpropInput kernel is ~7× slower, and it dominated a step.
 */
function sameConv3x3(tf: Tf): (x: tfjs.Tensor4D, w: tfjs.Tensor4D) => tfjs.Tensor4D {
  let fn = convs.get(tf);
  if (fn) return fn;
  const custom = tf.customGrad(((x: tfjs.Tensor4D, w: tfjs.Tensor4D, save: tfjs.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.conv2d(x, w, 1, "same"),
      gradFunc: (dy: tfjs.Tensor4D, saved: tfjs.Tensor[]) => {
        const [sx, sw] = saved as [tfjs.Tensor4D, tfjs.Tensor4D];
        const flipped = tf.transpose(tf.reverse(sw, [0, 1]), [0, 1, 3, 2]) as tfjs.Tensor4D;
        const dx = tf.conv2d(dy, flipped, 1, "same");
        const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x: sx, dy }, { strides: [1, 1], pad: "same", dataFormat: "NHWC", dimRoundingMode: undefined, filterShape: sw.shape } as never) as tfjs.Tensor;
        return [dx, dw];
      },
    };
  }) as never) as unknown as (x: tfjs.Tensor4D, w: tfjs.Tensor4D) => tfjs.Tensor4D;
  fn = custom;
  convs.set(tf, fn);
  return fn;
}
