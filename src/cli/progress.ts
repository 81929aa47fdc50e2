/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export class ProgressBar {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastDraw = 0;

  update(label: string, done: number, total: number, suffix = ""): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total} ${suffix}`.padEnd(100));
  }

  clear(): void {
    if (this.tty) process.stderr.write("\r" + " ".repeat(100) + "\r");
  }
}
