/**
 * Logs are JSON lines unless stderr is a terminal: a child process logs through src/log.ts once
 * with stderr on a pipe and once on a pseudo-terminal (util-linux `script`), and a registered
 * secret is scrubbed either way.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readableLogs } from "../src/log.ts";

const SECRET = "hunter2-very-secret-token";
const CHILD = `
const { registerSecrets } = await import("./src/config/redact.ts");
registerSecrets([${JSON.stringify(SECRET)}]);
const { createLogger } = await import("./src/log.ts");
createLogger("info").info({ engine: "gan", token: ${JSON.stringify(SECRET)} }, "sample drawn");
`;
const childArgs = ["--import", "tsx", "--input-type=module", "-e", CHILD];

function run(command: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("log format", () => {
  it("is readable only when stderr is a terminal", () => {
    expect(readableLogs({ isTTY: true })).toBe(true);
    expect(readableLogs({ isTTY: false })).toBe(false);
    expect(readableLogs({})).toBe(false);
  });

  it("writes one JSON line when stderr is not a terminal", async () => {
    const { code, out } = await run(process.execPath, childArgs);
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: "sample drawn", engine: "gan" });
    expect(out).not.toContain(SECRET);
  });

  it.skipIf(!existsSync("/usr/bin/script"))("writes a readable line when stderr is a terminal", async () => {
    const quoted = [process.execPath, ...childArgs].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    const { code, out } = await run("/usr/bin/script", ["-qec", quoted, "/dev/null"]);
    expect(code).toBe(0);
    const text = out.replace(/\x1b\[[0-9;]*m/g, "");
    expect(text).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] INFO: sample drawn/);
    expect(text).toMatch(/engine: "gan"/);
    expect(() => JSON.parse(text.trim())).toThrow();
    expect(text).not.toContain(SECRET);
  });
});
