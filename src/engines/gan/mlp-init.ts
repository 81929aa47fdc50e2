import type { Rng } from "../runtime/random.ts";
import type { Weights } from "./trainer.ts";

/**
 * PyTorch's nn.Linear default initialisation, U(-1/√fan_in, 1/√fan_in) for weights and biases,
 * so GenLab starts where the lab's PyTorch code starts. Kernels are [in][out] row-major.
 */
export function initMlp(layers: { g: number[]; d: number[] }, rng: Rng): Weights {
  const net = (widths: number[]) => {
    const params: Float32Array[] = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      const fanIn = widths[i]!;
      const bound = 1 / Math.sqrt(fanIn);
      const w = new Float32Array(fanIn * widths[i + 1]!);
      for (let j = 0; j < w.length; j++) w[j] = (rng.uniform() * 2 - 1) * bound;
      const b = new Float32Array(widths[i + 1]!);
      for (let j = 0; j < b.length; j++) b[j] = (rng.uniform() * 2 - 1) * bound;
      params.push(w, b);
    }
    return params;
  };
  return { g: net(layers.g), d: net(layers.d) };
}
