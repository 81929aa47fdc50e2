import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

const EPHEMERAL = 64;
const ADMIN = "500000000000000100";
const STUDENT = "500000000000000101";
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const config = testConfig({ DATABASE_URL: await createTestDatabase("guildconfig"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, GENLAB_MAX_JOBS_PER_USER: "10" });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const sub = (name: string, options: unknown[] = []) => [{ type: 1, name, options }];
const config = (name: string, options: unknown[], userId = ADMIN, permissions = "32") => fake.interact({ name: "config", options: sub(name, options), userId, permissions }).callback();
const ganHandle = (userId: string, extra: unknown[] = [], channelId?: string) => fake.interact({ name: "gan", options: [{ type: 1, name: "sample", options: [{ name: "n", type: 4, value: 1 }, ...extra] }], userId, channelId });
const gan = (userId: string, extra: unknown[] = [], channelId?: string) => ganHandle(userId, extra, channelId).callback();

describe("/config: a server's own settings, audited and in force at once", () => {
  it("only admins may use it; the refusal is one private sentence", async () => {
    const cb = await config("show", [], STUDENT, "0");
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toBe("⚠️ Only server admins (Manage Server) can change GenLab's settings.");
    expect(await app.db.prisma.auditEvent.count()).toBe(0);
  });

  it("limits images to some channels", async () => {
    const set = await config("channels", [{ name: "channels", type: 3, value: `<#${fake.secondChannelId}>` }]);
    expect(set.data.content).toContain(`• Channels for images: <#${fake.secondChannelId}>`);
    const refused = await gan(STUDENT);
    expect(refused.data.content).toBe(`⚠️ Images are made in <#${fake.secondChannelId}> on this server: ask there.`);
    expect((await gan(STUDENT, [], fake.secondChannelId)).type).toBe(5);
    await config("channels", [{ name: "channels", type: 3, value: "all" }]);
    expect((await gan(STUDENT)).type).toBe(5);
  });

  it("per-person rate limits and a default model apply to the next request", async () => {
    await config("limits", [{ name: "user_per_minute", type: 4, value: 3 }]);
    await config("default-model", [{ name: "engine", type: 3, value: "gan" }, { name: "model", type: 3, value: "mnist-mlp" }]);
    const other = "500000000000000102";
    const handles = [];
    for (let i = 0; i < 4; i++) {
      const h = ganHandle(other);
      await h.callback();
      handles.push(h);
    }
    // The fourth is refused: privately when the third's row is already written, else (a
    // request racing the previous one) by the strict count made just after acknowledging.
    const sentence = "⚠️ You have made 3 requests in the last minute (the limit is 3): try again in a minute.";
    const fourth = handles[3]!;
    const refusal = await waitUntil(async () => {
      const cb = await fourth.callback();
      return cb.data?.content ?? (fourth.original()?.content.startsWith("⚠️") ? fourth.original()!.content : undefined);
    }, "the refusal");
    expect(refusal).toBe(sentence);
    const gens = await waitUntil(async () => {
      const rows = await app.db.prisma.generation.findMany({ where: { requesterId: other } });
      return rows.length === 3 ? rows : undefined;
    }, "three generations");
    expect(gens.every((g) => (g.params as { model: string }).model === "mnist-mlp")).toBe(true);
    const bad = await config("default-model", [{ name: "engine", type: 3, value: "gan" }, { name: "model", type: 3, value: "no-such-model" }]);
    expect(bad.data.content).toMatch(/^⚠️ .*no-such-model/);
    await config("limits", [{ name: "user_per_minute", type: 4, value: 0 }]);
  });

  it("the teacher role lets a member start training runs", async () => {
    const teacher = "500000000000000103";
    const role = "700000000000000001";
    const train = () => fake.interact({ name: "train", options: [{ type: 1, name: "start", options: [{ name: "dataset", type: 3, value: "fashion-mnist" }, { name: "arch", type: 3, value: "mlp" }, { name: "epochs", type: 4, value: 1 }, { name: "limit", type: 4, value: 256 }] }], userId: teacher, roles: [role] }).callback();
    expect((await train()).data.content).toMatch(/^⚠️ Only teachers can start training runs/);
    const set = await fake.interact({ name: "config", options: sub("teacher-role", [{ name: "role", type: 8, value: role }]), userId: ADMIN, permissions: "32", resolved: { roles: { [role]: { id: role, name: "Teachers", color: 0, hoist: false, position: 1, permissions: "0", managed: false, mentionable: true, flags: 0 } } } }).callback();
    expect(set.data.content).toContain(`• Teacher role: <@&${role}>`);
    expect((await train()).data.content).toMatch(/^🏋️ Queued \*\*/);
  });

  it("records every admin action with who, what and the value before", async () => {
    const events = await app.db.prisma.auditEvent.findMany({ orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["config.set", "config.set", "config.set", "config.set", "config.set", "config.set", "train.start"]);
    expect(events[0]).toMatchObject({ guildId: fake.guildId, actorId: ADMIN, target: "allowedChannelIds", details: { patch: { allowedChannelIds: [fake.secondChannelId] }, before: {} } });
    expect(events.at(-1)).toMatchObject({ actorId: "500000000000000103", action: "train.start" });
  });
});
