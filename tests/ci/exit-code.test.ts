import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const vitestBin = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, FORCE_COLOR: "0" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

const fixture = (file: string) => run([vitestBin, "run", "--config", "tests/fixtures/exit-code/vitest.config.ts"], { EXIT_CODE_FIXTURE: `tests/fixtures/exit-code/${file}` });

describe("a failing test fails the run", () => {
  it("vitest with the suite's real global setup exits non-zero when a test fails", async () => {
    const r = await fixture("fails.fixture.ts");
    expect(r.output).toMatch(/1 failed/);
    expect(r.code).not.toBe(0);
  }, 120_000);

  it("…and zero when it passes (the rig itself works)", async () => {
    const r = await fixture("passes.fixture.ts");
    expect(r.output).toMatch(/1 passed/);
    expect(r.code).toBe(0);
  }, 120_000);

  it("a process that loads the embedded database keeps the exit code it set", async () => {
    // async-exit-hook's 'beforeExit' hook used to turn this 3 into 0.
    const r = await run(["--import", "tsx", "--input-type=module", "-e", `await import("./src/db/embedded.ts"); process.exitCode = 3;`]);
    expect(r.output).toBe("");
    expect(r.code).toBe(3);
  }, 60_000);
});
