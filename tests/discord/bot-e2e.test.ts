import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { readPngText } from "../../src/images/index.ts";
import { createLogger } from "../../src/log.ts";
import { runGenlab } from "../support/cli.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type FakeMessage } from "../support/fake-discord.ts";
import { boomCommand, patternCommand } from "../support/pattern-command.ts";
import { patternEngine } from "../support/pattern-engine.ts";
import { waitUntil } from "../support/wait.ts";

const EPHEMERAL = 64;
const STUDENT = "500000000000000001";
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const config = testConfig({ DATABASE_URL: await createTestDatabase("bot"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, BIGGAN_MODEL_DIR: "" });
  app = await startApp({
    config,
    log: createLogger("silent"),
    bot: true,
    worker: true,
    engines: [patternEngine(), patternEngine({ name: "slow", delayMs: 1500 })],
    commands: [patternCommand, boomCommand],
  });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

/** The interaction's reply once the worker has put images on it. */
function withImages(m: FakeMessage | undefined): FakeMessage | undefined {
  return m && m.attachments.length > 0 ? m : undefined;
}

describe("GenLab bot against a fake Discord (real discord.js client)", () => {
  it("logged in through the gateway", () => {
    expect(app.bot?.applicationId).toBe(fake.applicationId);
    expect(fake.connectedSessions()).toBe(1);
  });

  it("/models says which engines are ready and what the others need", async () => {
    const cb = await fake.interact({ name: "models", userId: STUDENT }).callback();
    expect(cb.type).toBe(4);
    const text = cb.data.embeds[0].description as string;
    expect(text).toContain("✅ **Pattern (test engine)**: seeded colour patterns for tests.");
    expect(text).toMatch(/✅ \*\*GAN\*\*: \d+ trained generators?: .*fashion-mnist-mlp-cond/);
    expect(text).toContain("❌ **BigGAN**: no model — set BIGGAN_MODEL_DIR to a folder made by scripts/export-biggan.py.");
    expect(text).toMatch(/❌ \*\*Stable Diffusion\*\*: no model — set SD_MODEL_DIR/);
  });

  it("/pattern n:4 goes command → job → worker → engine → images posted → provenance", async () => {
    const h = fake.interact({ name: "pattern", options: [{ name: "n", type: 4, value: 4 }, { name: "seed", type: 4, value: 42 }], userId: STUDENT, username: "ada" });
    expect((await h.callback()).type).toBe(5); // deferred within the 3 s window
    const msg = await waitUntil(async () => withImages(h.original()), "the result on the original reply");
    expect(msg.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/-grid\.png$/), ...[0, 1, 2, 3].map((i) => expect.stringMatching(new RegExp(`-${i}\\.png$`)))]);
    expect(msg.embeds[0].image.url).toBe(`attachment://${msg.attachments[0]!.filename}`);
    expect(msg.embeds[0].fields).toEqual(expect.arrayContaining([{ name: "Seed", value: "42", inline: true }]));

    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" }, include: { images: true } }), "the provenance row");
    expect(gen.messageId).toBe(msg.id);
    expect(gen.requesterId).toBe(STUDENT);
    expect(gen.guildId).toBe(fake.guildId);
    expect(gen.channelId).toBe(fake.channelId);
    expect(gen.images).toHaveLength(4);
    const gridText = readPngText(msg.files[0]!.data);
    expect(gridText["genlab:generation"]).toBe(gen.id);
    expect(gridText["genlab:index"]).toBe("grid");
    expect(readPngText(msg.files[3]!.data)["genlab:index"]).toBe("2");
    expect(fake.channelMessages(fake.channelId).filter((m) => m.interactionToken === h.token)).toHaveLength(1);

    // /provenance by message link, as a student would paste it.
    const link = `https://discord.com/channels/${fake.guildId}/${fake.channelId}/${msg.id}`;
    const p = await fake.interact({ name: "provenance", options: [{ name: "target", type: 3, value: link }] }).callback();
    expect(p.type).toBe(4);
    expect(p.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    const embed = p.data.embeds[0];
    expect(embed.title).toBe(`Provenance of generation ${gen.id}`);
    const field = (name: string) => embed.fields.find((f: { name: string }) => f.name === name)?.value as string;
    expect(field("Requested by")).toBe(`<@${STUDENT}>`);
    expect(field("Seed")).toBe("42");
    expect(field("Engine")).toBe("pattern");
    expect(field("Model")).toContain("pattern-v1");
    expect(field("Parameters")).toContain('"seed":42');
    for (const im of gen.images) expect(field("Images")).toContain(im.sha256);

    // …and by generation id.
    const byId = await fake.interact({ name: "provenance", options: [{ name: "target", type: 3, value: gen.id }] }).callback();
    expect(byId.data.embeds[0].title).toBe(`Provenance of generation ${gen.id}`);
  });

  it("/gan sample draws from a shipped generator, with class autocomplete, and records the model's sha256", async () => {
    const ac = await fake.interact({ type: 4, name: "gan", options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "fashion-mnist-mlp-cond" }, { name: "label", type: 3, value: "snea", focused: true }] }] }).callback();
    expect(ac.type).toBe(8);
    expect(ac.data.choices).toEqual([{ name: "7 · Sneaker", value: "7" }]);

    const h = fake.interact({ name: "gan", options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "fashion-mnist-mlp-cond" }, { name: "n", type: 4, value: 4 }, { name: "label", type: 3, value: "7" }, { name: "seed", type: 4, value: 5 }] }], userId: STUDENT });
    expect((await h.callback()).type).toBe(5);
    const msg = await waitUntil(async () => withImages(h.original()), "the GAN samples");
    expect(msg.attachments).toHaveLength(5); // grid + 4
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" } }), "the provenance row");
    expect(gen.engine).toBe("gan");
    expect(gen.model).toBe("fashion-mnist-mlp-cond");
    expect(gen.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(gen.params).toMatchObject({ model: "fashion-mnist-mlp-cond", n: 4, seed: 5, label: 7, class: "Sneaker" });
    expect(readPngText(msg.files[1]!.data)["genlab:model-sha256"]).toBe(gen.modelSha256);
    expect(gen.command).toBe("gan sample");
    const info = await fake.interact({ type: 3, customId: `gen:info:${gen.id}`, componentType: 2, messageId: msg.id }).callback();
    expect(info.data.content).toBe("Draw these again: `/gan sample model:fashion-mnist-mlp-cond n:4 label:7 seed:5`");
  });

  it("every result has 🎲 reroll, ℹ️ info and 🗑 delete buttons that work from the database", async () => {
    const h = fake.interact({ name: "pattern", options: [{ name: "n", type: 4, value: 2 }, { name: "seed", type: 4, value: 11 }], userId: STUDENT });
    await h.callback();
    const msg = await waitUntil(async () => withImages(h.original()), "the result");
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" } }), "the provenance row");
    const ids = msg.components[0].components.map((c: { custom_id: string }) => c.custom_id);
    expect(ids).toEqual([`gen:reroll:${gen.id}`, `gen:info:${gen.id}`, `gen:delete:${gen.id}`]);
    const press = (action: string, userId: string, permissions = "0") => fake.interact({ type: 3, customId: `gen:${action}:${gen.id}`, componentType: 2, messageId: msg.id, userId, permissions });

    const info = await press("info", "500000000000000009").callback();
    expect(info.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(info.data.embeds[0].title).toBe(`Provenance of generation ${gen.id}`);

    const reroll = press("reroll", "500000000000000009");
    expect((await reroll.callback()).type).toBe(5);
    const again = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: reroll.id, status: "succeeded" } }), "the reroll");
    expect(again.params).toMatchObject({ n: 2 });
    expect(again.seed).not.toBe(11n);
    expect(again.requesterId).toBe("500000000000000009");
    await waitUntil(async () => withImages(reroll.original()), "the rerolled images");

    const refused = await press("delete", "500000000000000009").callback();
    expect(refused.data.content).toBe("⚠️ Only the student who asked for these images, or a moderator, can delete them.");
    expect(fake.messages.get(msg.id)!.deleted).toBe(false);
    const deleted = await press("delete", STUDENT).callback();
    expect(deleted.data.content).toBe(`🗑 Deleted. Its record stays: \`/provenance target:${gen.id}\``);
    expect(fake.messages.get(msg.id)!.deleted).toBe(true);
    expect((await app.db.prisma.generation.findUniqueOrThrow({ where: { id: gen.id } })).deletedAt).not.toBeNull();
  });

  it("the queue: position and ETA in the notice, a per-person limit, /queue, and Cancel", async () => {
    const user = "500000000000000077";
    const slow = () => fake.interact({ name: "pattern", options: [{ name: "engine", type: 3, value: "slow" }], userId: user });
    const first = slow();
    await first.callback();
    const firstNotice = await waitUntil(async () => (first.original()?.content.startsWith("⏳ Queued") ? first.original() : undefined), "the first notice");
    expect(firstNotice.content).toMatch(/^⏳ Queued on Pattern \(test engine\) — position \d+(, about \d+ s)? · generation `[0-9a-f-]{36}`\.$/);
    expect(firstNotice.components[0].components[0].custom_id).toMatch(/^gen:cancel:/);
    const second = slow();
    await second.callback();
    const notice = await waitUntil(async () => (second.original()?.content.startsWith("⏳ Queued") ? second.original() : undefined), "the second notice");
    const secondId = /generation `([0-9a-f-]{36})`/.exec(notice.content)![1]!;

    const third = await slow().callback();
    expect(third.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(third.data.content).toBe("⚠️ You already have 2 requests waiting or being drawn (the limit is 2): wait for them, or cancel one with /cancel.");

    const q = await fake.interact({ name: "queue", userId: user }).callback();
    expect(q.data.content.split("\n")).toHaveLength(2);
    expect(q.data.content).toContain(secondId);

    const other = await fake.interact({ type: 3, customId: `gen:cancel:${secondId}`, componentType: 2, messageId: notice.id, userId: STUDENT }).callback();
    expect(other.data.content).toBe("⚠️ Only the person who asked for these images can cancel them.");
    const cancel = await fake.interact({ type: 3, customId: `gen:cancel:${secondId}`, componentType: 2, messageId: notice.id, userId: user }).callback();
    expect(cancel.type).toBe(6);
    expect(second.original()!.content).toBe(`🚫 Cancelled generation \`${secondId}\`.`);
    expect((await app.db.prisma.generation.findUniqueOrThrow({ where: { id: secondId } })).status).toBe("cancelled");

    await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: first.id, status: "succeeded" } }), "the first request");
    expect(second.original()!.attachments).toHaveLength(0); // the cancelled one is never drawn
    const none = await fake.interact({ name: "cancel", userId: user }).callback();
    expect(none.data.content).toBe("⚠️ You have no waiting request to cancel.");
  });

  it("/provenance explains, in one ephemeral sentence, what it could not find", async () => {
    const missing = await fake.interact({ name: "provenance", options: [{ name: "target", type: 3, value: "123456789012345678" }] }).callback();
    expect(missing.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(missing.data.content).toMatch(/^⚠️ No GenLab generation matches `123456789012345678`: give the link or id of a message GenLab posted/);
    expect(missing.data.allowed_mentions).toEqual({ parse: [] }); // user text never pings
    const garbage = await fake.interact({ name: "provenance", options: [{ name: "target", type: 3, value: "that cat picture" }] }).callback();
    expect(garbage.data.content).toMatch(/^⚠️ That is not a message link, message id or generation id/);
  });

  it("bad input gets an ephemeral sentence and queues nothing", async () => {
    const before = await app.db.prisma.generation.count();
    const h = fake.interact({ name: "pattern", options: [{ name: "n", type: 4, value: 50 }], userId: STUDENT });
    const cb = await h.callback();
    expect(cb.type).toBe(4);
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toBe("⚠️ n must be a whole number from 1 to 9, not 50.");
    expect(await app.db.prisma.generation.count()).toBe(before);
  });

  it("a failing command gets an error id, leaks nothing, and does not disturb others", async () => {
    const boom = fake.interact({ name: "boom" });
    const models = fake.interact({ name: "models" });
    expect((await boom.callback()).type).toBe(5);
    expect((await models.callback()).type).toBe(4);
    const reply = await waitUntil(async () => boom.original(), "the error reply");
    expect(reply.content).toMatch(/^⚠️ Something went wrong \(error id [0-9a-f]{8}\); the teacher can find it in the GenLab logs\.$/);
    expect(reply.content).not.toContain("kaboom");
  });

  it("a long job shows its progress on the reply, then the result replaces it", async () => {
    const h = fake.interact({ name: "pattern", options: [{ name: "engine", type: 3, value: "slow" }], userId: STUDENT });
    await h.callback();
    const edit = await fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${h.token}/messages/@original`) && /Drawing/.test(r.body?.content ?? ""), 60_000);
    expect(edit.body.content).toMatch(/^🎨 Drawing on Pattern \(test engine\)… ▰▰▰▰▰▱▱▱▱▱ 50 % · halfway · generation `[0-9a-f-]{36}`\.$/);
    expect(edit.body.components[0].components[0].custom_id).toMatch(/^gen:cancel:/);
    const msg = await waitUntil(async () => withImages(h.original()), "the result");
    expect(msg.content).toBe("");
    expect(msg.components[0].components.map((c: { label: string }) => c.label)).toEqual(["Reroll", "Info", "Delete"]);
  });

  it("after the interaction token expires, the result is posted to the channel once, mentioning the requester", async () => {
    const h = fake.interact({ name: "pattern", options: [{ name: "engine", type: 3, value: "slow" }, { name: "n", type: 4, value: 2 }], userId: STUDENT });
    await h.callback();
    await waitUntil(async () => (h.original()?.content.startsWith("⏳ Queued") ? true : undefined), "the queued notice");
    fake.expireToken(h.token);
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" } }), "the generation to succeed");
    const posted = fake.messages.get(gen.messageId!)!;
    expect(posted.interactionToken).toBeUndefined();
    expect(posted.channel_id).toBe(fake.channelId);
    expect(posted.content).toBe(`<@${STUDENT}>`);
    expect(posted.attachments).toHaveLength(3);
    const post = fake.requests.find((r) => r.method === "POST" && r.path === `/channels/${fake.channelId}/messages` && r.body?.nonce);
    expect(post?.body.enforce_nonce).toBe(true);
    expect(post?.body.allowed_mentions).toEqual({ parse: [], users: [STUDENT] });
  });

  it("genlab register-commands publishes every command module to a guild", async () => {
    const r = await runGenlab(["register-commands", "--guild", fake.guildId], { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: "silent" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Registered \d+ commands in guild \d+ \(available now\)\.$/m);
    const names = fake.commands.guild.get(fake.guildId)!.map((c: { name: string }) => c.name).sort();
    expect(names).toEqual(expect.arrayContaining(["models", "provenance"]));
    expect(names).not.toContain("pattern"); // test-only commands never ship
  });
});
