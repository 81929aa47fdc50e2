/**
 * pytorch-pretrained-biggan stores batch-norm statistics for 51 truncations (every 0.02) and
 * picks them in BigGANBatchNorm.forward on a Python float:
 *
 *     coef, start_idx = math.modf(truncation / self.step_size)
 *     running_mean = rows[start_idx] if coef == 0 else rows[start_idx] * coef + rows[start_idx + 1] * (1 - coef)
 *
 * Done in float32 (as a graph given a float32 truncation does), 13 of the 51 grid values land on
 * another row (0.6 / 0.02 = 30.0000019 → the statistics of 0.62). So GenLab does the float64 part
 * here — JS numbers are the same IEEE doubles as Python floats, `/` the same rounded division —
 * and feeds the graph only the row and the two float32 weights (the library multiplies float32
 * tensors by them, so they are rounded to float32 there too). coef == 0 becomes weights [1, 0]:
 * row·1 + next·0 is exactly row.
 */
export interface StatisticsFeed {
  row: number;
  weights: [number, number];
}

export function statisticsFeed(truncation: number, step: number): StatisticsFeed {
  const pos = truncation / step;
  const row = Math.trunc(pos);
  const coef = pos - row; // exact, like modf
  if (coef === 0) return { row, weights: [1, 0] };
  return { row, weights: [Math.fround(coef), Math.fround(1 - coef)] };
}
