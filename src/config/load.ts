import { existsSync, readFileSync } from "node:fs";
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
  throw new ConfigError(`${name}${where} ${describeIssue(issue)}.`);
}

function describeIssue(issue: { code: string; message: string }): string {
  // zod's own wording for coercion failures names types, not fixes; say what a number must be.
  if (issue.code === "invalid_type" || issue.message.startsWith("Invalid input")) return "must be a valid value (see the configuration table in README.md)";
  if (issue.code === "too_small" || issue.code === "too_big") return `is out of range: ${issue.message.replace(/^Too (small|big): expected \w+ to (have )?/i, "must be ")}`;
  return issue.message;
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
