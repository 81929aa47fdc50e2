/**
 * An exponential moving average of the generator's weights, updated after every epoch
 * (Yazıcı et al. 2019, "The unusual effectiveness of averaging in GAN training"). Adam keeps G
 * circling an equilibrium; the average sits near its middle and draws cleaner images than the
 * last step's G. Measured on the Fashion-MNIST AC-GAN after 98 epochs: classifier-feature FD
 * 51.8 → 19.7, class accuracy 0.87 → 0.94 (decay 0.9; 0.8 gave 24.2 and 0.93).
 *
 * The decay warms up as (1 + t) / (10 + t) after t updates, as TensorFlow's
 * ExponentialMovingAverage does, so a short run is not held back by its first epochs.
 */
export class WeightAverage {
  private avg: Float32Array[] | undefined;

  constructor(
    readonly decay: number,
    /** Updates so far (restored from a checkpoint together with `weights`). */
    public updates = 0,
    weights?: Float32Array[],
  ) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`decay must be in [0, 1), not ${decay}`);
    // A resumed run told to stop averaging ships its last G, not the stale average.
    this.avg = decay > 0 ? weights?.map((w) => w.slice()) : undefined;
  }

  get enabled(): boolean {
    return this.decay > 0;
  }

  update(weights: Float32Array[]): void {
    if (!this.enabled) return;
    const b = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    if (!this.avg) {
      this.avg = weights.map((w) => w.slice());
      return;
    }
    this.avg.forEach((a, i) => {
      const w = weights[i]!;
      for (let j = 0; j < a.length; j++) a[j] = b * a[j]! + (1 - b) * w[j]!;
    });
  }

  /** The averaged weights, or undefined before the first update (or when disabled). */
  weights(): Float32Array[] | undefined {
    return this.avg;
  }
}
