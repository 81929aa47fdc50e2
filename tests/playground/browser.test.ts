import { existsSync, mkdirSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, startGenlab } from "../support/cli.ts";
import { tempDir } from "../support/config.ts";

/** Debian's chromium (.ci/run installs it); GENLAB_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.GENLAB_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = "test-results/playground";

let genlab: ChildProcess;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set GENLAB_CHROMIUM.`);
  mkdirSync(SHOTS, { recursive: true });
  // `npm start` as a new user runs it: no Discord token, embedded database, the playground.
  const started = await startGenlab(["start"], { GENLAB_DATA_DIR: tempDir("genlab-playground-"), GENLAB_PLAYGROUND_PORT: "0" }, /GenLab is running/, 180_000);
  genlab = started.child;
  url = /playground: open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(started.output())![1]!;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  if (genlab) {
    genlab.kill("SIGTERM");
    await exited(genlab);
  }
});

async function type(text: string) {
  await page.locator("#input").fill(text);
  await page.locator("#input").press("Enter");
}

describe("the playground in a real browser (headless Chromium)", () => {
  it("shows the engines' readiness and autocompletes commands and classes through the bot", async () => {
    await page.goto(url);
    await expect.poll(() => page.locator("#engines li").first().textContent(), { timeout: 30_000 }).toMatch(/GAN: 3 trained generators/);
    await page.locator("#input").pressSequentially("/ga");
    await expect.poll(() => page.locator("#suggestions li").allTextContents(), { timeout: 30_000 }).toContain("/gan sampleDraw images from a trained generator");
    await page.locator("#input").fill("");
    await page.locator("#input").pressSequentially("/gan sample model:fashion-mnist-mlp-cond label:snea");
    await expect.poll(() => page.locator("#suggestions li").allTextContents(), { timeout: 30_000 }).toEqual(["7 · Sneaker"]);
    await page.locator("#input").press("Tab");
    expect(await page.locator("#input").inputValue()).toBe("/gan sample model:fashion-mnist-mlp-cond label:7 ");
  });

  it("/gan sample n:16 shows a 4×4 grid from the shipped generator, with working buttons", async () => {
    await type("/gan sample n:16 seed:4");
    const grid = page.locator(".msg .embed img.main").last();
    await grid.waitFor({ timeout: 60_000 });
    // 16 images of 28 px, each upscaled ×5 into 140-px cells, 4 per row, 2-px gutters.
    await expect.poll(() => grid.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight]), { timeout: 60_000 }).toEqual([true, 566, 566]);
    const result = page.locator(".msg").filter({ has: page.locator(".embed img.main") }).last();
    expect(await result.locator(".embed .title").textContent()).toBe("/gan sample");
    expect(await result.locator(".row button").allTextContents()).toEqual(["🎲 Reroll", "ℹ️ Info", "🗑 Delete"]);
    await page.screenshot({ path: `${SHOTS}/gan-sample.png` });

    await result.locator("button", { hasText: "Info" }).click();
    await expect.poll(() => page.locator(".msg .content").allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringContaining("Draw these again: /gan sample model:fashion-mnist-dcgan-cond n:16 seed:4"));
  });

  it("a bad option is refused in the box with the reason, and nothing is sent", async () => {
    const before = await page.locator(".msg").count();
    await type("/gan sample n:500");
    await expect.poll(() => page.locator("#hint").textContent(), { timeout: 30_000 }).toBe("n: must be at most 64.");
    expect(await page.locator(".msg").count()).toBe(before);
  });

  it("a tiny training run started from the page shows its epochs arriving live", async () => {
    await type("/train start dataset:fashion-mnist arch:mlp epochs:2 limit:512");
    const epoch = page.locator(".embed .title", { hasText: /· epoch 2\/2$/ });
    await epoch.first().waitFor({ timeout: 180_000 });
    await expect.poll(() => page.locator(".embed .title").allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/finished: 2 epochs$/));
    await page.screenshot({ path: `${SHOTS}/training.png` });
  });
});
