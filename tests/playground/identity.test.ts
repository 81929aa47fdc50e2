import { expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { patternCommand } from "../support/pattern-command.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

it("the playground is the same server across restarts: same ids, and a job queued before a restart is posted after it", async () => {
  const dir = tempDir("genlab-pgid-");
  const config = testConfig({ GENLAB_DATA_DIR: dir, GENLAB_PLAYGROUND_PORT: "0" });
  const start = (worker: boolean): Promise<App> =>
    startApp({ config, log: createLogger("silent"), bot: true, worker, playground: true, engines: [patternEngine()], commands: [patternCommand] });

  // The first GenLab only queues (no worker), then stops.
  const first = await start(false);
  const ids = (a: App) => ({ app: a.playground!.local.applicationId, guild: a.playground!.local.guildId, channel: a.playground!.local.channelId });
  const before = ids(first);
  const h = first.playground!.local.interact({ name: "pattern", options: [{ name: "seed", type: 4, value: 3 }] });
  expect((await h.callback()).type).toBe(5);
  await waitUntil(() => first.db.prisma.generation.findFirst({ where: { interactionId: h.id, jobId: { not: null } } }), "the job to be queued");
  await first.stop();

  const second = await start(true);
  try {
    expect(ids(second)).toEqual(before);
    const gen = await waitUntil(() => second.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: { in: ["succeeded", "failed"] } } }), "the job to end");
    expect(gen.status).toBe("succeeded");
    const posted = second.playground!.local.channelMessages(before.channel).filter((m) => m.attachments.length > 0);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.id).toBe(gen.messageId);
  } finally {
    await second.stop();
  }
});
