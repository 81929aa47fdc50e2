#!/usr/bin/env node
// Compiles src/ (TypeScript) to dist/ (JavaScript, the same tree at the same depth, so paths
// relative to a module still reach assets/, native/ and prisma/) and copies the other files
// src/ holds (the playground's page). bin/genlab.js runs dist/ while it is at least as new as
// every file in src/, and the sources through tsx otherwise: an edit is never run stale, and
// there is no build step to forget. Like the native build, it never fails the install.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

function copyNonTs(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    if (entry.isDirectory()) copyNonTs(src, join(to, entry.name));
    else if (!entry.name.endsWith(".ts")) {
      mkdirSync(to, { recursive: true });
      cpSync(src, join(to, entry.name));
    }
  }
}

try {
  rmSync(dist, { recursive: true, force: true });
  // TypeScript is a dev dependency: without it (npm ci --omit=dev) genlab simply runs through tsx.
  const tsc = join(dirname(createRequire(join(root, "package.json")).resolve("typescript/package.json")), "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error((r.stdout || r.stderr || "").split("\n")[0]);
  copyNonTs(join(root, "src"), dist);
  // Written last: its time says when dist/ was complete.
  writeFileSync(join(dist, ".built"), new Date().toISOString() + "\n");
  console.log("GenLab: compiled src/ to dist/ (genlab starts without transpiling)");
} catch (e) {
  rmSync(dist, { recursive: true, force: true });
  console.log(`GenLab: src/ not compiled (${e instanceof Error ? e.message : e}); genlab runs the TypeScript sources through tsx`);
}
