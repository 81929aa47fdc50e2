import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { tfRuntime } from "../../../src/engines/runtime/tfjs.ts";

/** The filter gradient on wasm (GenLab's kernel) against tfjs's reference cpu backend. */
function maxRelDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!) / (Math.abs(b[i]!) + 1e-2));
  return max;
}

function onBoth(f: () => tf.Tensor): [Float32Array, Float32Array] {
  const run = (backend: string) => {
    tf.setBackend(backend);
    return tf.tidy(() => f().dataSync() as Float32Array);
  };
  const out: [Float32Array, Float32Array] = [run("wasm"), run("cpu")];
  tf.setBackend("wasm");
  return out;
}

describe("Conv2DBackpropFilter on wasm", () => {
  beforeAll(async () => {
    const { backend } = await tfRuntime();
    expect(backend).toBe("wasm");
  });

  it.each([
    [9, 5, 2, 4, 1, "same"],
    [9, 5, 2, 4, 2, "same"],
    [10, 5, 3, 4, 2, "valid"], // the forward conv leaves the last row unread
    [28, 5, 1, 16, 2, "same"],
    [7, 3, 3, 2, 3, "same"],
    [8, 4, 2, 3, 2, "same"],
  ] as const)("conv2d %i px, filter %i, %i→%i channels, stride %i, %s", (size, fsize, ci, co, stride, pad) => {
    const x = tf.randomNormal([3, size, size, ci], 0, 1, "float32", 1);
    const f = tf.randomNormal([fsize, fsize, ci, co], 0, 1, "float32", 2);
    const [wasm, cpu] = onBoth(() => tf.grad((ff) => tf.conv2d(x as tf.Tensor4D, ff as tf.Tensor4D, stride, pad).square().sum())(f as tf.Tensor4D));
    expect(maxRelDiff(wasm, cpu)).toBeLessThan(2e-3);
  });

  it("gives conv2dTranspose (DCGAN's generator) the right filter gradient", () => {
    const x = tf.randomNormal([2, 7, 7, 8], 0, 1, "float32", 3);
    const f = tf.randomNormal([5, 5, 4, 8], 0, 1, "float32", 4);
    const [wasm, cpu] = onBoth(() => tf.grad((ff) => tf.conv2dTranspose(x as tf.Tensor4D, ff as tf.Tensor4D, [2, 14, 14, 4], 2, "same").square().sum())(f as tf.Tensor4D));
    expect(maxRelDiff(wasm, cpu)).toBeLessThan(2e-3);
  });

  it("frees its temporaries and never touches its inputs", () => {
    const x = tf.randomNormal([2, 10, 10, 3], 0, 1, "float32", 5);
    const f = tf.randomNormal([5, 5, 3, 4], 0, 1, "float32", 6);
    const x0 = x.dataSync().slice();
    // "valid" on 10 px takes the cropping path too.
    const grad = () => tf.tidy(() => tf.grad((ff) => tf.conv2d(x as tf.Tensor4D, ff as tf.Tensor4D, 2, "valid").square().sum())(f as tf.Tensor4D).dataSync());
    const first = grad();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 50; i++) grad();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(Array.from(x.dataSync())).toEqual(Array.from(x0));
    expect(Array.from(grad())).toEqual(Array.from(first));
  });
});
