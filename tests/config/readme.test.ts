import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { configSchema } from "../../src/config/index.ts";

it("the README's configuration table lists every setting GenLab reads", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  for (const key of Object.keys(configSchema.shape)) expect(documented, `README.md lacks ${key}`).toContain(key);
});
