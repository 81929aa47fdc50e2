import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

const STUDENT = "500000000000000001";
let fake: FakeDiscord;
let app: App;

/** Discord's rule (and the fake's): a guild belongs to shard (id >> 22) % count. */
const shardOf = (guildId: string, count: number) => Number((BigInt(guildId) >> 22n) % BigInt(count));
/** Another guild id, one shard further: the interactions from it arrive on the other shard. */
const otherGuild = () => (BigInt(fake.guildId) + (1n << 22n)).toString();

beforeAll(async () => {
  fake = await FakeDiscord.start({ shards: 2 });
  const config = testConfig({ DATABASE_URL: await createTestDatabase("shards"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_SHARDS: "auto", BIGGAN_MODEL_DIR: "" });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

describe("genlab start --shards auto against a Discord that recommends 2 shards", () => {
  it("runs the gateway bot in 2 shard processes, each with its own session", async () => {
    expect(app.shards?.count).toBe(2);
    expect(app.bot).toBeUndefined(); // no gateway client in the main process
    await waitUntil(async () => fake.connectedSessions() === 2, "both shard sessions");
    const pids = [...app.shards!.manager.shards.values()].map((s) => s.process?.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(process.pid);
  });

  it("answers commands from guilds on both shards", async () => {
    const guilds = [fake.guildId, otherGuild()];
    expect(new Set(guilds.map((g) => shardOf(g, 2))).size).toBe(2);
    for (const guildId of guilds) {
      const cb = await fake.interact({ name: "models", guildId, userId: STUDENT }).callback(60_000);
      expect(cb.type).toBe(4);
      expect(cb.data.embeds[0].description).toMatch(/✅ \*\*GAN\*\*: \d+ trained generators?: .*fashion-mnist-mlp-cond/);
    }
  });

  it("a job queued by either shard is drawn by the main process's worker and posted on its reply", async () => {
    for (const guildId of [fake.guildId, otherGuild()]) {
      const h = fake.interact({ name: "gan", guildId, options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "fashion-mnist-mlp-cond" }, { name: "n", type: 4, value: 1 }] }], userId: STUDENT });
      expect((await h.callback(60_000)).type).toBe(5);
      const msg = await waitUntil(async () => (h.original()?.attachments.length ? h.original() : undefined), "the GAN sample on the reply");
      const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" } }), "the provenance row");
      expect(gen.guildId).toBe(guildId);
      expect(gen.messageId).toBe(msg.id);
    }
  });
});
