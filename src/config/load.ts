import { existsSync, readFileSync } from "node:fs";
import type { z } from "zod";
import { ConfigError } from "./errors.ts";
import { configSchema, secretKeys, type Config } from "./schema.ts";

/**
 * Reads the optional JSON config file named by GENLAB_CONFIG, overlays the environment
 * (environment wins), and validates the result. Throws ConfigError with one sentence that
 * names the variable and says how to fix it; the offending value is never repeated, since
 * it may be a secret.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = readConfigFile(env.GENLAB_CONFIG);
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") merged[key] = value;
  }
  const known = Object.keys(configSchema.shape);
  const input = Object.fromEntries(Object.entries(merged).filter(([k]) => known.includes(k)));
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? "configuration");
  const where = env.GENLAB_CONFIG && name in fromFile ? ` (in ${env.GENLAB_CONFIG})` : "";
  throw new ConfigError(`${name}${where} ${describeIssue(issue)}: fix it in the environment${env.GENLAB_CONFIG ? " or the config file" : ""} and start again.`);
}

/** zod's wording names types; a person needs the rule. Custom messages (regexes) pass through. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return issue.origin === "string" ? `is too short` : `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "string" ? `is too long` : `must be at most ${String(issue.maximum)}`;
    case "invalid_type":
      return issue.expected === "number" ? "must be a whole number" : `must be a ${issue.expected}`;
    default:
      return issue.message;
  }
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  if (!existsSync(path)) throw new ConfigError(`GENLAB_CONFIG points to ${path}, which does not exist: fix the path or unset GENLAB_CONFIG.`);
  try {
    const data: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (data && typeof data === "object" && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch {
    // fall through to the one message below
  }
  throw new ConfigError(`GENLAB_CONFIG file ${path} is not a JSON object of settings: write it as {"LOG_LEVEL": "debug", …}.`);
}

/** The secret values in a config, longest first, for scrubbing text. */
export function secretValues(config: Config): string[] {
  const values: string[] = [];
  for (const key of secretKeys) {
    const v = config[key];
    if (!v) continue;
    values.push(v);
    if (key === "DATABASE_URL") {
      // A URL's password can appear on its own in driver errors.
      try {
        const pw = decodeURIComponent(new URL(v).password);
        if (pw) values.push(pw);
      } catch {
        // not parseable: the whole value is already listed
      }
    }
  }
  return values.sort((a, b) => b.length - a.length);
}
