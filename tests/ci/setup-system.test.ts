import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/config.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const script = join(root, "scripts/setup-system.sh");

/** Runs the set-up script with PATH limited to a folder of shims (plus /bin for sh, grep). */
function withShims(shims: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const bin = tempDir("genlab-shims-");
  for (const [name, body] of Object.entries(shims)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const r = spawnSync("/bin/sh", [script], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NOTHING_INSTALLED = { dpkg: "exit 0", "dpkg-query": "exit 1", "apt-get": "echo apt-get ran >&2; exit 0" };

describe("scripts/setup-system.sh", () => {
  it("without root or sudo prints the one apt-get line to run, installs nothing and fails", () => {
    const r = withShims({ ...NOTHING_INSTALLED, id: "echo 1000", sudo: "exit 1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("sudo apt-get update && sudo apt-get install -y dataset-fashion-mnist g++ make python3 libopenblas-dev chromium");
    expect(r.stderr).not.toContain("apt-get ran");
  });

  it("as root installs exactly the missing packages", () => {
    const r = withShims({ ...NOTHING_INSTALLED, id: "echo 0", "apt-get": 'echo "apt-get $*" >&2' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("apt-get install -y -qq dataset-fashion-mnist g++ make python3 libopenblas-dev chromium");
  });

  it("installs nothing when every package is there", () => {
    const r = withShims({ dpkg: "exit 0", "dpkg-query": "echo 'install ok installed'", "apt-get": "echo apt-get ran >&2", id: "echo 1000" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/are installed/);
    expect(r.stderr).toBe("");
  });

  it("the README's test command is the one .ci/run runs", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const command = /```sh\n(.*npm test)\n```/.exec(readme)?.[1];
    expect(command).toBe("sh scripts/setup-system.sh && npm ci && npm test");
    expect(readFileSync(join(root, ".ci/run"), "utf8").split("\n")).toContain(command);
  });
});
