/**
 * Process-wide list of secret strings. Every log line and every error shown to a user
 * passes through `redact`, so a token that leaks into an exception message (a URL, a
 * driver error) is replaced before anyone sees it.
 */
const secrets = new Set<string>();

export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) if (v.length >= 4) secrets.add(v);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
  return out;
}
