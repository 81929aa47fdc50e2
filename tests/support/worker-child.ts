// `genlab worker` with the test engine, as a separate process a test can kill -9.
// Run: node --import tsx tests/support/worker-child.ts   (configuration from the environment)
import { startApp } from "../../src/app.ts";
import { loadConfig, registerSecrets, secretValues } from "../../src/config/index.ts";
import { createLogger } from "../../src/log.ts";
import { patternEngine } from "./pattern-engine.ts";

const config = loadConfig();
registerSecrets(secretValues(config));
const app = await startApp({
  config,
  log: createLogger(config.LOG_LEVEL),
  bot: false,
  worker: true,
  engines: [patternEngine({ delayMs: Number(process.env.PATTERN_DELAY_MS ?? 0), startedMarker: process.env.PATTERN_STARTED_MARKER })],
});
process.stdout.write("worker ready\n");
process.once("SIGTERM", () => void app.stop().then(() => process.exit(0)));
