#!/usr/bin/env node
// GenLab runs the JavaScript `npm ci` compiled into dist/ (scripts/build-js.mjs) while it is at
// least as new as every file in src/, and otherwise its TypeScript sources through tsx — so an
// edited source is never run stale, and there is no build step to forget. GENLAB_SOURCES=1
// always runs the sources.
import { fileURLToPath } from "node:url";
import { compiledIsFresh } from "./compiled.js";

const src = fileURLToPath(new URL("../src", import.meta.url));
const stamp = fileURLToPath(new URL("../dist/.built", import.meta.url));

if (process.env.GENLAB_SOURCES !== "1" && compiledIsFresh(src, stamp)) {
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
