/**
 * When an engine's thread may be started again after it failed to start: 1 s after the
 * first failure, doubling with each failure in a row up to a cap (60 s), and at once after
 * a start that worked. Time comes from `now`, so tests need no waiting.
 */
export class StartBackoff {
  private failures = 0;
  private until = 0;
  /** The last failure's sentence, answered to requests until `until`. */
  private error: Error | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly firstMs = 1_000,
    private readonly maxMs = 60_000,
  ) {}

  /** The error to answer with instead of starting a thread, while the window lasts. */
  blocked(): Error | undefined {
    return this.error && this.now() < this.until ? this.error : undefined;
  }

  /** Records a failed start; returns how long starts are held back for. */
  failed(error: Error): number {
    const wait = Math.min(this.maxMs, this.firstMs * 2 ** this.failures);
    this.failures++;
    this.until = this.now() + wait;
    this.error = error;
    return wait;
  }

  succeeded(): void {
    this.failures = 0;
    this.until = 0;
    this.error = undefined;
  }
}
