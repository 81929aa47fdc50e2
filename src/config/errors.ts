/**
 * An error whose message is one sentence meant for the person running GenLab:
 * what was wrong and what to do. The CLI prints it alone, without a stack trace.
 */
export class UserFacingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UserFacingError";
  }
}

/** A configuration value is missing or invalid. */
export class ConfigError extends UserFacingError {
  override name = "ConfigError";
}
