export { loadConfig, secretValues } from "./load.ts";
export { configSchema, configHelp, secretKeys, type Config } from "./schema.ts";
export { ConfigError, UserFacingError } from "./errors.ts";
export { redact, registerSecrets } from "./redact.ts";
