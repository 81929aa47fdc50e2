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
