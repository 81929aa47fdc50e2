import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord } from "../support/fake-discord.ts";
import { patternCommand } from "../support/pattern-command.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

let fake: FakeDiscord;
let app: App;
let dataDir: string;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  dataDir = tempDir("genlab-diskfault-");
  const config = testConfig({ DATABASE_URL: await createTestDatabase("disk"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_DATA_DIR: dataDir, GENLAB_JOB_RETRY_LIMIT: "3" });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true, engines: [patternEngine()], commands: [patternCommand] });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

it("a file-system error that retrying cannot fix fails the job at its first attempt, with one sentence that names no path", async () => {
  // The images folder became a file after start (as root, permission bits would not stop us).
  writeFileSync(join(dataDir, "images"), "not a folder");
  const h = fake.interact({ name: "pattern", options: [{ name: "seed", type: 4, value: 5 }] });
  expect((await h.callback()).type).toBe(5);
  const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "failed" } }), "the job to fail");
  expect(gen.attempts).toBe(1);
  expect(gen.error).toMatch(/^Generation failed \(error id \w+\): the server could not save the images; an admin can find why in GenLab's log\.$/);
  const said = fake.channelMessages(fake.channelId).filter((m) => m.interactionToken === h.token);
  expect(said).toHaveLength(1);
  expect(said[0]!.content).not.toContain(dataDir);
});
