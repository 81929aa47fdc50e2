import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { readPngText } from "../../src/images/index.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig, tempDir } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type FakeMessage } from "../support/fake-discord.ts";
import { writeTinySd } from "../support/tiny-sd.ts";
import { waitUntil } from "../support/wait.ts";

const EPHEMERAL = 64;
const STUDENT = "500000000000000001";
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const model = writeTinySd(join(tempDir("genlab-imagine-model-"), "tiny-sd"));
  const config = testConfig({ DATABASE_URL: await createTestDatabase("imagine"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, SD_MODEL_DIR: model, GENLAB_ONNX_PROVIDER: "cpu", BIGGAN_MODEL_DIR: "" });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const withImages = (m: FakeMessage | undefined) => (m && m.attachments.length > 0 ? m : undefined);
const str = (name: string, value: string) => ({ name, type: 3, value });
const int = (name: string, value: number) => ({ name, type: 4, value });

describe("/imagine through the fake Discord, on a tiny local Stable Diffusion", () => {
  it("/models says Stable Diffusion is ready with the local model", async () => {
    const cb = await fake.interact({ name: "models", userId: STUDENT }).callback();
    expect(cb.data.embeds[0].description).toMatch(/✅ \*\*Stable Diffusion\*\*: local ONNX model genlab\/tiny-sd from .*tiny-sd on CPU, euler scheduler\./);
  });

  it("/imagine a cyberpunk street posts a 2×2 grid and the four images, with provenance", async () => {
    const h = fake.interact({ name: "imagine", options: [str("prompt", "a cyberpunk street"), int("seed", 7), int("steps", 3)], userId: STUDENT, username: "ada" });
    expect((await h.callback()).type).toBe(5);
    const msg = await waitUntil(async () => withImages(h.original()), "the images on the reply");
    expect(msg.attachments).toHaveLength(5);
    const grid = await sharp(msg.files[0]!.data).metadata();
    expect([grid.width, grid.height]).toEqual([2 * 128 + 2, 2 * 128 + 2]); // 64-px images, shown at 128 px, 2 px gutter
    const first = await sharp(msg.files[1]!.data).metadata();
    expect([first.width, first.height]).toEqual([64, 64]);
    expect(msg.embeds[0].title).toBe("/imagine");
    expect(msg.embeds[0].fields).toEqual(expect.arrayContaining([{ name: "Model", value: "genlab/tiny-sd", inline: true }, { name: "Seed", value: "7", inline: true }]));

    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" }, include: { images: true } }), "the provenance row");
    expect(gen.engine).toBe("diffusion");
    expect(gen.model).toBe("genlab/tiny-sd");
    expect(gen.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(gen.params).toMatchObject({ prompt: "a cyberpunk street", n: 4, steps: 3, guidance: 7.5, seed: 7, width: 64, height: 64, scheduler: "euler", seeds: [7, 8, 9, 10] });
    expect(gen.images).toHaveLength(4);
    expect(new Set(gen.images.map((i) => i.sha256)).size).toBe(4); // four different images
    expect(JSON.parse(readPngText(msg.files[2]!.data)["genlab:params"]!)).toMatchObject({ prompt: "a cyberpunk street" });

    const info = await fake.interact({ type: 3, customId: `gen:info:${gen.id}`, componentType: 2, messageId: msg.id }).callback();
    expect(info.data.content).toBe("Draw these again: `/imagine prompt:a cyberpunk street n:4 steps:3 guidance:7.5 seed:7`");
  });

  it.each([
    [[str("prompt", "a nude statue")], '⚠️ The prompt contains "nude", which this server does not allow: rephrase it.'],
    [[str("prompt", "a city"), int("steps", 500)], "⚠️ steps must be a whole number from 1 to 100, not 500."],
    [[str("prompt", "x".repeat(501))], "⚠️ The prompt is 501 characters long; the limit is 500: shorten it."],
    [[str("prompt", "a city"), str("model", "hf")], '⚠️ There is no diffusion model "hf" here: choose local.'],
  ])("refuses %j before queueing, with one ephemeral sentence", async (options, sentence) => {
    const before = await app.db.prisma.generation.count();
    const cb = await fake.interact({ name: "imagine", options, userId: STUDENT }).callback();
    expect(cb.type).toBe(4);
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toBe(sentence);
    expect(await app.db.prisma.generation.count()).toBe(before);
  });

  it("honours the server's own blocked words, set with /config and in force at once", async () => {
    const config = (words: string) => fake.interact({ name: "config", options: [{ type: 1, name: "blocked-words", options: [str("words", words)] }], userId: "500000000000000999", permissions: "32" }).callback();
    expect((await config("dragon, red car")).data.content).toContain("• Blocked words: dragon, red car");
    const cb = await fake.interact({ name: "imagine", options: [str("prompt", "A Red  Car in a village")], userId: STUDENT }).callback();
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toBe('⚠️ The prompt contains "red car", which this server does not allow: rephrase it.');
    await config("none");
  });

  it("/dataset preset:xray writes the dataset as a job and posts its contact sheet, marked synthetic", async () => {
    const h = fake.interact({ name: "dataset", options: [str("preset", "xray"), int("per_prompt", 2), int("seed", 100), int("steps", 2)], userId: STUDENT });
    expect((await h.callback()).type).toBe(5);
    const msg = await waitUntil(async () => withImages(h.original()), "the dataset result");
    const sheet = await sharp(msg.files[0]!.data).metadata();
    expect([sheet.width, sheet.height]).toEqual([2 * 128 + 2, 5 * 128 + 4 * 2]); // 2 columns × 5 prompts
    const note = msg.embeds[0].description as string;
    expect(note).toMatch(/^10 images, one folder per prompt, with metadata\.csv and metadata\.jsonl, saved on the GenLab host in .*datasets\/xray-seed100-5x2; the zip \(\d+ KB\) is attached\. SYNTHETIC image made by a text-to-image model: not a real radiograph, not for diagnosis/);
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" } }), "the provenance row");
    const params = gen.params as { dir: string; zip: string };
    const { existsSync, readFileSync } = await import("node:fs");
    expect(existsSync(params.zip)).toBe(true);
    // The zip goes with the message, byte for byte the one on disk.
    const zip = msg.files.find((f) => f.name === "dataset.zip");
    expect(zip?.data.equals(readFileSync(params.zip))).toBe(true);
    expect(zip!.data.subarray(0, 4).toString("hex")).toBe("504b0304");
    const rows = readFileSync(join(params.dir, "metadata.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { file: string; seed: number; note: string });
    expect(rows.map((r) => r.seed)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(rows[0]!.file).toBe("a-frontal-chest-x-ray-of-a-healthy-adult/000.png");
    expect(rows.every((r) => r.note.startsWith("SYNTHETIC"))).toBe(true);
  });

  it("/dataset refuses too many images before queueing", async () => {
    const cb = await fake.interact({ name: "dataset", options: [str("preset", "lab1"), int("per_prompt", 9)], userId: STUDENT }).callback();
    expect(cb.data.content).toBe("⚠️ per_prompt must be a whole number from 1 to 8 for 5 prompts, not 9.");
  });
});
