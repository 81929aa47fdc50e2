import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // Limits for a busy 2-core machine, not for speed: a test that hangs still fails, and
    // timings are measured in bench/, never asserted here.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Two cores: two files at a time keeps Postgres and the workers from starving each other.
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
