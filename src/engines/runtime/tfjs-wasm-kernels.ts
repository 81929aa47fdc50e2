import * as tf from "@tensorflow/tfjs";

type Info = { dataId: object; shape: number[]; dtype: string };
type Backend = { disposeData(dataId: object): boolean };

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so no convolutional network
 * (DCGAN, a CNN classifier) can train on it. The filter gradient is itself a convolution:
 *
 *   dW[fh, fw, ci, co] = Σ_{n, oh, ow} xpad[n, oh·s + fh, ow·s + fw, ci] · dy[n, oh, ow, co]
 *
 * i.e. conv2d(xᵀ, dyᵀ) with the batch as the channel axis, stride 1 and dilation s, where
 * xᵀ = x as [CI, H, W, N] and dyᵀ = dy as [OH, OW, N, CO]. This kernel builds it from the
 * backend's own Transpose, Slice and (XNNPACK) Conv2D kernels.
 */
export function registerWasmConv2dBackpropFilter(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) return;
  const kernel = (name: string) => {
    const k = tf.getKernel(name, "wasm");
    if (!k) throw new Error(`wasm kernel ${name} is missing`);
    return k.kernelFunc;
  };
  const [transpose, slice, conv2d] = [kernel("Transpose"), kernel("Slice"), kernel("Conv2D")];
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: Info; dy: Info };
      const a = attrs as unknown as { strides: number | [number, number]; pad: "same" | "valid" | number | number[][]; filterShape: [number, number, number, number]; dataFormat?: string; dimRoundingMode?: "floor" | "round" | "ceil" };
      if (a.dataFormat && a.dataFormat !== "NHWC") throw new Error("Conv2DBackpropFilter on wasm supports NHWC only");
      const [fh, fw] = a.filterShape;
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad as never, a.dimRoundingMode);
      const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, padInfo } = info;
      const [n, h, w, ci] = x.shape as [number, number, number, number];
      const run = (k: typeof transpose, ins: Record<string, Info>, at: object) => k({ inputs: ins as never, backend: backend as never, attrs: at as never }) as unknown as Info;
      const temps: Info[] = [];
      const keep = (i: Info) => (temps.push(i), i);

      // Rows/columns past what the forward conv read must not reach the sum: crop them,
      // and pad only what it padded.
      const bottom = fh + (oh - 1) * sh - h - padInfo.top;
      const right = fw + (ow - 1) * sw - w - padInfo.left;
      let xs = x;
      if (bottom < 0 || right < 0) xs = keep(run(slice, { x }, { begin: [0, 0, 0, 0], size: [n, h + Math.min(bottom, 0), w + Math.min(right, 0), ci] }));
      const xt = keep(run(transpose, { x: xs }, { perm: [3, 1, 2, 0] })); // [CI, H, W, N]
      const dyt = keep(run(transpose, { x: dy }, { perm: [1, 2, 0, 3] })); // [OH, OW, N, CO]
      const pad = [[0, 0], [padInfo.top, Math.max(bottom, 0)], [padInfo.left, Math.max(right, 0)], [0, 0]];
      const g = keep(run(conv2d, { x: xt, filter: dyt }, { strides: [1, 1], dilations: [sh, sw], pad, dataFormat: "NHWC" })); // [CI, FH, FW, CO]
      const out = run(transpose, { x: g }, { perm: [1, 2, 0, 3] }); // [FH, FW, CI, CO]
      for (const t of temps) (backend as unknown as Backend).disposeData(t.dataId);
      return out as never;
    },
  });
}
