/**
 * Image similarity on pixels in [-1, 1], reported on the usual [0, 1] scale (data range 1):
 * PSNR = 10 log10(1 / MSE); SSIM after Wang et al. 2004 (11×11 Gaussian window, σ = 1.5,
 * K1 = 0.01, K2 = 0.03, mean over the window positions that fit inside the image).
 */
export function psnr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`psnr: ${a.length} vs ${b.length} pixels`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += ((a[i]! - b[i]!) / 2) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

const WINDOW = gaussianWindow(11, 1.5);

export function ssim(a: Float32Array, b: Float32Array, width: number, height: number): number {
  if (a.length !== width * height || b.length !== width * height) throw new RangeError(`ssim: expected ${width}×${height} single-channel images`);
  const size = 11;
  if (width < size || height < size) throw new RangeError(`ssim needs images of at least ${size}×${size}`);
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  const x = (i: number) => (a[i]! + 1) / 2;
  const y = (i: number) => (b[i]! + 1) / 2;
  let total = 0;
  let count = 0;
  for (let oy = 0; oy + size <= height; oy++) {
    for (let ox = 0; ox + size <= width; ox++) {
      let mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
      for (let wy = 0; wy < size; wy++) {
        for (let wx = 0; wx < size; wx++) {
          const w = WINDOW[wy * size + wx]!;
          const i = (oy + wy) * width + ox + wx;
          const xv = x(i), yv = y(i);
          mx += w * xv;
          my += w * yv;
          sxx += w * xv * xv;
          syy += w * yv * yv;
          sxy += w * xv * yv;
        }
      }
      const vx = sxx - mx * mx, vy = syy - my * my, cxy = sxy - mx * my;
      total += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return total / count;
}

function gaussianWindow(size: number, sigma: number): Float64Array {
  const w = new Float64Array(size * size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) sum += w[y * size + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}
