import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { readPngText } from "../../src/images/index.ts";
import { createLogger } from "../../src/log.ts";
import { tempDir, testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type FakeMessage } from "../support/fake-discord.ts";
import { writeTinyBigGan } from "../support/tiny-biggan.ts";
import { waitUntil } from "../support/wait.ts";

const EPHEMERAL = 64;
const STUDENT = "500000000000000077";
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  const model = writeTinyBigGan(join(tempDir("genlab-e2e-biggan-"), "biggan-tiny"), { resolution: 16, name: "biggan-tiny" });
  fake = await FakeDiscord.start();
  const config = testConfig({ DATABASE_URL: await createTestDatabase("biggan"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, BIGGAN_MODEL_DIR: model.dir, GENLAB_ONNX_PROVIDER: "cpu", GENLAB_MAX_JOBS_PER_USER: "5" });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const withImages = (m: FakeMessage | undefined) => (m && m.attachments.length > 0 ? m : undefined);
const str = (name: string, value: string, focused = false) => ({ name, type: 3, value, ...(focused ? { focused } : {}) });
const int = (name: string, value: number) => ({ name, type: 4, value });

describe("/biggan through the fake Discord", () => {
  it("/models reports BigGAN ready with its model", async () => {
    const cb = await fake.interact({ name: "models", userId: STUDENT }).callback();
    expect(cb.data.embeds[0].description).toContain("✅ **BigGAN**: biggan-tiny, 16×16, truncation as an input (step 0.02); runs on CPU.");
  });

  it("autocompletes classes by name, showing their numbers", async () => {
    const ac = await fake.interact({ type: 4, name: "biggan", options: [str("class", "retriev", true)] }).callback();
    expect(ac.type).toBe(8);
    expect(ac.data.choices.map((c: { value: string }) => c.value)).toEqual(["205", "206", "207", "208", "209"]);
    expect(ac.data.choices[2]).toEqual({ name: "207 · golden retriever", value: "207" });
  });

  it("/biggan class:207 n:4 posts four golden retrievers in a 2×2 grid, with provenance", async () => {
    const h = fake.interact({ name: "biggan", options: [str("class", "207"), int("n", 4), int("seed", 12)], userId: STUDENT });
    expect((await h.callback()).type).toBe(5);
    const msg = await waitUntil(async () => withImages(h.original()), "the BigGAN images");
    expect(msg.attachments).toHaveLength(5);
    const grid = await sharp(msg.files[0]!.data).metadata();
    expect([grid.width, grid.height]).toEqual([2 * 128 + 2, 2 * 128 + 2]);
    expect(msg.embeds[0].description).toMatch(/^golden retriever · truncation 0\.4\n/);
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" }, include: { images: true } }), "the provenance row");
    expect(gen).toMatchObject({ engine: "biggan", model: "biggan-tiny", command: "biggan", seed: 12n });
    expect(gen.params).toMatchObject({ class: "207", className: "golden retriever", n: 4, truncation: 0.4, imageSeeds: [12, 13, 14, 15] });
    expect(gen.images).toHaveLength(4);
    expect(readPngText(msg.files[1]!.data)["genlab:model-sha256"]).toBe(gen.modelSha256);
    const info = await fake.interact({ type: 3, customId: `gen:info:${gen.id}`, componentType: 2, messageId: msg.id, userId: STUDENT }).callback();
    expect(info.data.content).toBe("Draw these again: `/biggan class:207 n:4 truncation:0.4 seed:12`");
  });

  it("a misspelt class gets a private sentence with the suggestion, and nothing is queued", async () => {
    const before = await app.db.prisma.generation.count();
    const cb = await fake.interact({ name: "biggan", options: [str("class", "golden retriver")], userId: STUDENT }).callback();
    expect(cb.type).toBe(4);
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toContain(`"golden retriver" is not an ImageNet class name: did you mean "golden retriever" (207)?`);
    expect(await app.db.prisma.generation.count()).toBe(before);
  });

  it("/biggan-interpolate posts a strip and an animated GIF", async () => {
    const h = fake.interact({ name: "biggan-interpolate", options: [str("from", "golden retriever"), str("to", "tabby"), int("steps", 4), int("seed", 3)], userId: STUDENT });
    await h.callback();
    const msg = await waitUntil(async () => withImages(h.original()), "the interpolation");
    expect(msg.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/-grid\.png$/), expect.stringMatching(/-animation\.gif$/), ...[0, 1, 2, 3].map((i) => expect.stringMatching(new RegExp(`-${i}\\.png$`)))]);
    const strip = await sharp(msg.files[0]!.data).metadata();
    expect([strip.width, strip.height]).toEqual([4 * 128 + 3 * 2, 128]);
    const gif = await sharp(msg.files[1]!.data).metadata();
    expect([gif.format, gif.pages]).toEqual(["gif", 4]);
    expect(msg.embeds[0].description).toMatch(/^golden retriever → tabby, seed 3 → 3\n/);
  });
});
