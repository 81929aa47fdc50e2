import { UserFacingError } from "../../../config/errors.ts";

/**
 * A dataset could not be loaded. The message is one sentence naming the file (or spec),
 * what was expected, and what to do.
 */
export class DatasetError extends UserFacingError {
  override name = "DatasetError";
}
