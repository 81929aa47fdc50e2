import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { printable } from "../../src/engines/errors.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, snowflake, type InteractOptions } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

// Two class servers on one bot and one database, a teacher and a student in each. Server A
// trains a model and draws images; server B must see none of it, and nothing B tries may queue
// work or reveal what A has.
let fake: FakeDiscord;
let app: App;
let A: string;
const B = snowflake();
const B_CHANNEL = snowflake();
const TEACHER_A = { userId: "700000000000000001", permissions: "32" };
const STUDENT_A = { userId: "700000000000000002", permissions: "0" };
const TEACHER_B = { userId: "700000000000000003", permissions: "32" };
const STUDENT_B = { userId: "700000000000000004", permissions: "0" };
const TEACHER_ROLE_A = snowflake();
const EPHEMERAL = 64;
let model = "";
let genId = "";
let messageId = "";

const inB = (o: InteractOptions) => fake.interact({ guildId: B, channelId: B_CHANNEL, ...o });
const sub = (name: string, options: { name: string; type: number; value: string | number }[]) => [{ type: 1, name, options }];
const queued = () => app.db.prisma.generation.count();

beforeAll(async () => {
  fake = await FakeDiscord.start();
  A = fake.guildId;
  app = await startApp({ config: testConfig({ DATABASE_URL: await createTestDatabase("twoservers"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl }), log: createLogger("silent"), bot: true, worker: true });

  // A's teacher trains the least model that is real: one epoch of 256 Fashion-MNIST images.
  const cb = await fake.interact({ name: "train", ...TEACHER_A, options: sub("start", [{ name: "dataset", type: 3, value: "fashion-mnist" }, { name: "arch", type: 3, value: "mlp" }, { name: "epochs", type: 4, value: 1 }, { name: "limit", type: 4, value: 256 }]) }).callback();
  model = /Queued \*\*([\w-]+)\*\*/.exec(cb.data.content)![1]!;
  await waitUntil(() => app.db.prisma.trainingRun.findFirst({ where: { modelName: model, status: "succeeded" } }), "A's run to finish");

  // A's student draws from it: a generation, a posted message and its buttons.
  const h = fake.interact({ name: "gan", ...STUDENT_A, options: sub("sample", [{ name: "model", type: 3, value: model }, { name: "n", type: 4, value: 4 }]) });
  await h.callback();
  const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded", messageId: { not: null } } }), "A's images");
  genId = gen.id;
  messageId = gen.messageId!;

  // A's teacher role, set in A.
  await fake.interact({ name: "config", ...TEACHER_A, options: sub("teacher-role", [{ name: "role", type: 8, value: TEACHER_ROLE_A }]), resolved: { roles: { [TEACHER_ROLE_A]: { id: TEACHER_ROLE_A, name: "Teacher", color: 0, hoist: false, position: 1, permissions: "0", managed: false, mentionable: false } } } }).callback();
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

describe("server A's model", () => {
  it("A samples it (the fixture works)", () => {
    expect(genId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["/gan sample", { name: "gan", options: sub("sample", [{ name: "model", type: 3, value: "MODEL" }]) }],
    ["/evaluate", { name: "evaluate", options: [{ name: "model", type: 3, value: "MODEL" }] }],
    ["/denoise", { name: "denoise", options: [{ name: "model", type: 3, value: "MODEL" }] }],
  ])("B cannot use it with %s: the same sentence as for a model that does not exist, nothing queued", async (_, o) => {
    const withModel = (value: string) => JSON.parse(JSON.stringify(o).replace("MODEL", value)) as InteractOptions;
    const before = await queued();
    const theirs = await inB({ ...STUDENT_B, ...withModel(model) }).callback();
    const none = await inB({ ...STUDENT_B, ...withModel("no-such-model") }).callback();
    expect(theirs.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(theirs.data.content).toBe(none.data.content.replace("no-such-model", model));
    expect(theirs.data.content).toMatch(/^⚠️ There is no GAN model named/);
    expect(theirs.data.content).not.toContain(A);
    expect(await queued()).toBe(before);
  });

  it("B's autocomplete and /models do not list it; A's autocomplete does", async () => {
    const focused = (guild: Partial<InteractOptions>) =>
      fake.interact({ type: 4, name: "gan", ...guild, options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "", focused: true }] }] }).callback();
    const inA = (await focused({ ...STUDENT_A })).data.choices.map((c: { value: string }) => c.value);
    const fromB = (await focused({ guildId: B, channelId: B_CHANNEL, ...STUDENT_B })).data.choices.map((c: { value: string }) => c.value);
    expect(inA).toContain(model);
    expect(fromB).not.toContain(model);
    expect(fromB).toContain("mnist-mlp"); // the shipped models are everyone's
    // Labels autocomplete for the models a server may use, the shipped ones in every server.
    const labels = await fake.interact({ type: 4, name: "gan", guildId: B, channelId: B_CHANNEL, ...STUDENT_B, options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "fashion-mnist-mlp-cond" }, { name: "label", type: 3, value: "Sne", focused: true }] }] }).callback();
    expect(labels.data.choices).toEqual([{ name: "7 · Sneaker", value: "7" }]);
    const models = await inB({ name: "models", ...STUDENT_B }).callback();
    expect(JSON.stringify(models.data)).not.toContain(model);
  });
});

describe("server A's generations", () => {
  const sentence = (target: string) => `⚠️ No GenLab generation matches \`${printable(target, 80)}\`: give the link or id of a message GenLab posted, or a generation id.`;
  it.each([
    ["its generation id", () => genId],
    ["its message id", () => messageId],
    ["its message link", () => `https://discord.com/channels/${A}/${fake.channelId}/${messageId}`],
  ])("B cannot read its provenance by %s, nor can a DM", async (_, target) => {
    for (const where of [{ guildId: B, channelId: B_CHANNEL }, { guildId: null }]) {
      const cb = await fake.interact({ name: "provenance", ...STUDENT_B, ...where, options: [{ name: "target", type: 3, value: target() }] }).callback();
      expect(cb.data.content).toBe(sentence(target()));
    }
    // A's own student can.
    const own = await fake.interact({ name: "provenance", ...STUDENT_A, options: [{ name: "target", type: 3, value: target() }] }).callback();
    expect(own.data.embeds[0].title).toBe(`Provenance of generation ${genId}`);
  });

  it.each(["info", "reroll", "v1", "u1", "delete", "cancel"])("B cannot press its %s button by forging the custom id", async (action) => {
    const before = await queued();
    const cb = await inB({ type: 3, componentType: 2, customId: `gen:${action}:${genId}`, ...TEACHER_B }).callback();
    expect(cb.data.content).toBe("⚠️ GenLab has no record of this image any more.");
    expect(await queued()).toBe(before);
    const gen = await app.db.prisma.generation.findUniqueOrThrow({ where: { id: genId } });
    expect(gen.deletedAt).toBeNull();
  });
});

describe("roles", () => {
  it("A's teacher role gives nothing in B", async () => {
    const cb = await inB({ name: "train", userId: STUDENT_B.userId, permissions: "0", roles: [TEACHER_ROLE_A], options: sub("start", [{ name: "dataset", type: 3, value: "fashion-mnist" }, { name: "arch", type: 3, value: "mlp" }]) }).callback();
    expect(cb.data.content).toBe("⚠️ Only teachers can start training runs: it needs the Manage Server permission.");
    // …while in A it makes a teacher (the role was really set).
    const settings = await app.db.prisma.guild.findUniqueOrThrow({ where: { id: A } });
    expect(JSON.stringify(settings.settings)).toContain(TEACHER_ROLE_A);
  });

  it("B's runs and A's are apart: /train list in B shows none of A's", async () => {
    const cb = await inB({ name: "train", ...TEACHER_B, options: sub("list", []) }).callback();
    expect(JSON.stringify(cb.data)).not.toContain(model);
  });
});
