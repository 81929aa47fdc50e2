import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type FakeMessage } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";

const TEACHER = { userId: "600000000000000001", permissions: "32" }; // Manage Server
const STUDENT = { userId: "600000000000000002", permissions: "0" };
const EPHEMERAL = 64;
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  app = await startApp({ config: testConfig({ DATABASE_URL: await createTestDatabase("train"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl }), log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const start = (who: typeof TEACHER, opts: Record<string, string | number | boolean>, channelId?: string) =>
  fake.interact({ name: "train", ...who, channelId, options: [{ type: 1, name: "start", options: Object.entries(opts).map(([name, value]) => ({ name, value, type: typeof value === "number" ? 4 : typeof value === "boolean" ? 5 : 3 })) }] });

const sub = (who: typeof TEACHER, name: string, run?: string) => fake.interact({ name: "train", ...who, options: [{ type: 1, name, options: run ? [{ name: "run", type: 3, value: run }] : [] }] });

async function finished(name: string, statuses = ["succeeded", "failed", "stopped"]) {
  return waitUntil(() => app.db.prisma.trainingRun.findFirst({ where: { modelName: name, status: { in: statuses as never } }, include: { epochs: { orderBy: { epoch: "asc" } } } }), `run ${name} to end`, 200_000);
}

const runNameOf = (content: string) => /Queued \*\*([\w-]+)\*\*/.exec(content)![1]!;
const byTitle = (re: RegExp) => (m: FakeMessage) => m.embeds.some((e) => re.test(e.title ?? ""));

describe("/train in a class channel", () => {
  it("refuses students in one ephemeral sentence", async () => {
    const cb = await start(STUDENT, { dataset: "fashion-mnist", arch: "mlp" }).callback();
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toBe("⚠️ Only teachers can start training runs: it needs the Manage Server permission.");
    expect(await app.db.prisma.trainingRun.count()).toBe(0);
  });

  it("a teacher's run posts a status message, one embed per epoch with grid and charts, and a model /gan sample uses", async () => {
    // The least data that shows every part: 3 epochs of 512 real Fashion-MNIST images.
    const cb = await start(TEACHER, { dataset: "fashion-mnist", arch: "mlp", epochs: 3, limit: 512 }).callback();
    expect(cb.type).toBe(4);
    const name = runNameOf(cb.data.content);
    const run = await finished(name);
    expect(run.status).toBe("succeeded");
    expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(run.epochs.every((e) => e.messageId && Number.isFinite(e.dLoss) && (e.weightNorms as Record<string, number>)["dense0.kernel"]! > 0)).toBe(true);

    const posted = fake.channelMessages(fake.channelId);
    const epochs = posted.filter(byTitle(new RegExp(`^${name} · epoch \\d/3$`)));
    expect(epochs.map((m) => m.embeds[0].title)).toEqual([1, 2, 3].map((k) => `${name} · epoch ${k}/3`));
    for (const [i, m] of epochs.entries()) {
      expect(m.attachments.map((a) => a.filename).sort()).toEqual(["charts.png", `epoch-${i + 1}.png`]);
      expect(m.embeds[1].image.url).toBe("attachment://charts.png");
    }
    const status = fake.messages.get(run.progressMessageId!)!;
    expect(status.edits).toBeGreaterThanOrEqual(3);
    expect(status.embeds[0].description).toMatch(/^▰{20}\nEpoch 3\/3 · succeeded/);
    expect(status.embeds[0].fields.map((f: { name: string }) => f.name)).toEqual(["D_loss", "G_loss", "D_acc", "Images/s", "Backend"]);
    const final = posted.find(byTitle(new RegExp(`^${name} finished: 3 epochs$`)))!;
    expect(final.embeds[0].description).toContain(`/gan sample model:${name}`);
    expect(await app.db.prisma.modelArtifact.count({ where: { name, createdByRunId: run.id } })).toBe(1);

    const h = fake.interact({ name: "gan", options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: name }, { name: "n", type: 4, value: 4 }] }] });
    await h.callback();
    await waitUntil(async () => (h.original()?.attachments.length === 5 ? true : undefined), "samples from the new model");

    const listed = await sub(STUDENT, "list").callback();
    expect(listed.data.embeds[0].description).toContain(`\`${name}\` — succeeded, epoch 3/3`);
  });

  it("Stop saves the last finished epoch; resume continues without repeating an epoch or its embed", async () => {
    // Small epochs, but enough of them that the Stop lands long before the last one.
    const cb = await start(TEACHER, { dataset: "fashion-mnist", arch: "mlp", epochs: 8, limit: 2048 }).callback();
    const name = runNameOf(cb.data.content);
    await fake.waitForMessage(byTitle(new RegExp(`^${name} · epoch 1/8$`)), 120_000);
    const run = (await app.db.prisma.trainingRun.findFirst({ where: { modelName: name } }))!;
    // A student cannot press Stop…
    const denied = await fake.interact({ type: 3, customId: `train:stop:${run.id}`, componentType: 2, messageId: run.progressMessageId!, ...STUDENT }).callback();
    expect(denied.data.content).toMatch(/^⚠️ Only teachers can stop training runs/);
    // …a teacher can.
    const ok = await fake.interact({ type: 3, customId: `train:stop:${run.id}`, componentType: 2, messageId: run.progressMessageId!, ...TEACHER }).callback();
    expect(ok.data.content).toMatch(/^⏹️ Stopping/);
    // One run per server: a second start is refused while this one is active.
    const busy = await start(TEACHER, { dataset: "mnist", arch: "mlp" }).callback();
    expect(busy.data.content).toMatch(new RegExp(`^⚠️ ${name} is still (running|stopping), and this server may run one training run at a time`));
    const stopped = await finished(name, ["stopped"]);
    expect(stopped.epochsDone).toBeLessThan(8);
    expect(fake.channelMessages(fake.channelId).some(byTitle(new RegExp(`^${name} stopped after epoch ${stopped.epochsDone}$`)))).toBe(true);

    const resumed = await sub(TEACHER, "resume", name).callback();
    expect(resumed.data.content).toBe(`▶️ Resuming **${name}** after epoch ${stopped.epochsDone}.`);
    const done = await finished(name, ["succeeded"]);
    const all = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(done.epochs.map((e) => e.epoch)).toEqual(all);
    const epochPosts = fake.channelMessages(fake.channelId).filter(byTitle(new RegExp(`^${name} · epoch \\d/8$`)));
    expect(epochPosts.map((m) => m.embeds[0].title)).toEqual(all.map((k) => `${name} · epoch ${k}/8`));
  });

  it("a run whose channel is deleted stops cleanly with the reason recorded", async () => {
    const cb = await start(TEACHER, { dataset: "fashion-mnist", arch: "mlp", epochs: 8, limit: 2048 }, fake.secondChannelId).callback();
    const name = runNameOf(cb.data.content);
    await fake.waitForMessage(byTitle(new RegExp(`^${name} · epoch 1/8$`)), 120_000);
    fake.deleteChannel(fake.secondChannelId);
    const run = await finished(name);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^GenLab can no longer post in <#\d+> \(the channel was deleted or a permission was removed\)\.$/);
    expect(run.epochs.length).toBeGreaterThanOrEqual(1); // metrics kept whatever Discord does
  });
});
