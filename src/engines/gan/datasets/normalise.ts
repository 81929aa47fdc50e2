/**
 * Byte pixels → [-1, 1] through a 256-entry table: one indexed load per pixel, no division,
 * and exactly x/127.5 − 1 (0 → −1, 255 → 1) rounded once to float32.
 */
export const BYTE_TO_UNIT: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let x = 0; x < 256; x++) t[x] = x / 127.5 - 1;
  return t;
})();

/** out[outOffset + i] = BYTE_TO_UNIT[src[i]] for all of src. */
export function bytesToUnit(src: Uint8Array, out: Float32Array, outOffset = 0): void {
  const lut = BYTE_TO_UNIT;
  const n = src.length;
  for (let i = 0; i < n; i++) out[outOffset + i] = lut[src[i]!]!;
}
