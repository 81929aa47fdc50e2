import type { RawImage } from "../../images/encode.ts";
import type { GanSpec } from "./spec.ts";

/** G's tanh outputs (n × H·W·C, in [-1, 1], HWC order) as 8-bit images. */
export function toRawImages(out: Float32Array, n: number, spec: Pick<GanSpec, "height" | "width" | "channels">): RawImage[] {
  const size = spec.height * spec.width * spec.channels;
  return Array.from({ length: n }, (_, i) => {
    const data = new Uint8Array(size);
    const base = i * size;
    for (let j = 0; j < size; j++) {
      const v = Math.round((out[base + j]! + 1) * 127.5);
      data[j] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    return { data, width: spec.width, height: spec.height, channels: spec.channels };
  });
}
