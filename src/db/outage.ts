import pg from "pg";
import type { Logger } from "../log.ts";

/** Codes of a lost or refused connection (Node's socket errors, PostgreSQL's 08xxx and 57P0x). */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "57P01", "57P02", "57P03"]);
const CONNECTION_MESSAGES = /Connection terminated|connection ended|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

export function isConnectionLoss(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? "");
  return CONNECTION_CODES.has(code) || code.startsWith("08") || CONNECTION_MESSAGES.test(String((err as Error)?.message ?? ""));
}

/** How often an outage checks whether the server is back. */
const PROBE_EVERY_MS = 1000;

/**
 * Turns the errors that every poller (pg-boss's workers, monitors and LISTEN connection) raises
 * while the database is unreachable into two lines per outage: one when it is lost, one when it
 * is back, found by connecting once a second meanwhile. The rest go to debug.
 */
export class OutageLog {
  private since: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private suppressed = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  /** True when `err` is a lost connection, now accounted for; false for any other error. */
  report(err: unknown): boolean {
    if (!isConnectionLoss(err)) return false;
    // 57P01 "terminating connection due to administrator command": the server is being stopped
    // (Ctrl-C in a terminal reaches the embedded one a moment before GenLab stops). If it does
    // not come back, the refused connections that follow start the outage.
    if ((err as { code?: string }).code === "57P01") {
      this.log.debug({ err }, "database shutting down under the job queue");
      return true;
    }
    if (this.since === undefined && !this.closed) {
      this.since = Date.now();
      this.suppressed = 0;
      const e = err as { code?: string; message?: string };
      this.log.error({ code: e.code, reason: e.message }, "lost the connection to the database; jobs wait and GenLab retries until it is back");
      this.schedule();
    } else {
      this.suppressed++;
      this.log.debug({ err, suppressed: this.suppressed }, "database still unreachable");
    }
    return true;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.probe(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    client.on("error", () => {}); // a failed probe is expected during an outage
    try {
      await client.connect();
      await client.query("SELECT 1");
      if (this.closed || this.since === undefined) return;
      this.log.info({ seconds: Math.round((Date.now() - this.since) / 1000), errorsMeanwhile: this.suppressed }, "the database is reachable again");
      this.since = undefined;
    } catch {
      if (!this.closed) this.schedule();
    } finally {
      await client.end().catch(() => {});
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
