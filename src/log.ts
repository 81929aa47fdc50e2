import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger } from "pino";
import { redact } from "./config/redact.ts";

export type { Logger };

/**
 * The one logger, on stderr (stdout stays for command output): readable lines when stderr is a
 * terminal, where a person reads them, JSON lines otherwise (files, pipes, log collectors).
 * Every line is scrubbed of registered secrets just before it is written.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", readable = readableLogs()): Logger {
  return pino({
    level,
    base: undefined,
    hooks: { streamWrite: (line) => redact(line) },
  }, readable ? prettyStderr() : pino.destination(2));
}

/** Whether logs are for a person: stderr is a terminal. */
export function readableLogs(stderr: { isTTY?: boolean } = process.stderr): boolean {
  return stderr.isTTY === true;
}

/** pino-pretty in this thread, synchronously, so a crash's last lines are not lost; loaded only for a terminal. */
function prettyStderr(): DestinationStream {
  const pretty = createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty");
  return pretty({ destination: 2, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}

export const log: Logger = createLogger();
