import { UserFacingError } from "../config/errors.ts";

/** The request itself is wrong (bad class, n out of range): retrying cannot help. */
export class EngineInputError extends UserFacingError {
  override name = "EngineInputError";
}

/** The engine cannot run here (no model configured): retrying cannot help either. */
export class EngineUnavailableError extends UserFacingError {
  override name = "EngineUnavailableError";
}

/** True for failures that a retry cannot fix. Anything else (I/O, OOM, a dead GPU) is retried. */
export function isPermanent(error: unknown): boolean {
  return error instanceof EngineInputError || error instanceof EngineUnavailableError;
}

/**
 * A list to show a user, bounded: the first `max` items and "… and N more", so a sentence that
 * lists choices stays well inside Discord's 2,000 characters however many there are.
 */
export function someOf(items: string[], none = "(none)", max = 10): string {
  if (items.length === 0) return none;
  const shown = items.slice(0, max).map((s) => printable(s));
  return items.length > max ? `${shown.join(", ")} … and ${items.length - max} more` : shown.join(", ");
}

/** A user's string, short and without control characters, fit to quote back in one sentence. */
export function printable(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
