import { pino, type Logger } from "pino";
import { redact } from "./config/redact.ts";

export type { Logger };

/**
 * The one logger. JSON lines on stderr (stdout stays for command output); every line is
 * scrubbed of registered secrets just before it is written.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: undefined,
    hooks: { streamWrite: (line) => redact(line) },
  }, pino.destination(2));
}

export const log: Logger = createLogger();
