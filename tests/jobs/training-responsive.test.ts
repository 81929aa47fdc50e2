import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

// The bot and its worker in one process, as `genlab start` runs them: training must not hold
// the event loop that the gateway, the router and every acknowledgement need.
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const config = testConfig({ DATABASE_URL: await createTestDatabase("responsive"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_DATA_DIR: tempDir("genlab-responsive-") });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

it("commands are acknowledged within Discord's 3 s while a training step runs", async () => {
  // A DCGAN on TensorFlow.js: one training step (batch 64) takes seconds on two cores, so two
  // steps of real Fashion-MNIST images are enough.
  await fake.interact({ name: "queue" }).callback(); // a first command's cold start is not what this is about
  const start = fake.interact({ name: "train", permissions: "32", options: [{ type: 1, name: "start", options: [{ name: "dataset", type: 3, value: "fashion-mnist" }, { name: "arch", type: 3, value: "dcgan" }, { name: "epochs", type: 4, value: 1 }, { name: "limit", type: 4, value: 128 }] }] });
  const first = { type: await fake.acknowledged(start, 0), during: "/train start" };
  const { id } = await waitUntil(() => app.db.prisma.trainingRun.findFirst(), "the run to be queued");
  const current = () => app.db.prisma.trainingRun.findUnique({ where: { id } });

  // One /queue after another for as long as the run lasts.
  const sent = [
    first,
    ...(await fake.queueWhile(async () => {
      const run = (await current())!;
      return { during: `${run.status} after epoch ${run.epochsDone}`, ended: ["succeeded", "failed", "stopped"].includes(run.status) };
    })),
  ];
  const run = (await current())!;
  expect(run.status).toBe("succeeded");
  // The commands overlapped the run: some went in while it trained its epoch.
  expect(sent.filter((s) => s.during === "running after epoch 0").length).toBeGreaterThan(0);
  expect(sent.filter((s) => s.type !== 4)).toEqual([]);
  expect(fake.lateCallbacks).toBe(0);
});
