import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DiffusionEngine } from "../../../src/engines/diffusion/index.ts";
import { EngineUnavailableError } from "../../../src/engines/errors.ts";

/**
 * `/imagine` with HF_TOKEN alone: @huggingface/inference asks the Hub which id the provider gives
 * the model, queues the request on fal through Hugging Face's router, fetches the result and then
 * the image. A local node:http server plays all four hosts: fetch is wrapped so that
 * https://HOST/path reaches http://127.0.0.1:PORT/HOST/path (the library calls the global fetch for
 * fal's result and image, so options.fetch alone could not reach them), and the library's own
 * code runs unchanged.
 */
const TOKEN = "hf_DefaultPathTokenThatMustNeverLeak9";
type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let base: string;
let png: Buffer;
const seen: { method: string; path: string; auth?: string; body: string }[] = [];
/** Replies to the queue POST, in order; the default draws the image. */
let submit: Reply[] = [];
/** The Hub's mapping of each model to provider ids. */
const mappings: Record<string, Record<string, { providerId: string; status: string; task: string }>> = {
  "black-forest-labs/FLUX.1-schnell": { "fal-ai": { providerId: "fal-ai/flux/schnell", status: "live", task: "text-to-image" }, together: { providerId: "black-forest-labs/FLUX.1-schnell", status: "live", task: "text-to-image" } },
  "stabilityai/stable-diffusion-xl-base-1.0": { "fal-ai": { providerId: "fal-ai/fast-sdxl", status: "live", task: "text-to-image" } },
};

const json = (status: number, body: unknown): Reply => (_req, res) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
const queued: Reply = (req, res) => json(200, { request_id: "req-1", status: "COMPLETED", response_url: `https://queue.fal.run${req.url!.split("?")[0]!.replace(/^\/router\.huggingface\.co\/fal-ai/, "")}/requests/req-1` })(req, res, "");

beforeAll(async () => {
  png = await sharp({ create: { width: 40, height: 24, channels: 3, background: { r: 10, g: 220, b: 60 } } }).png().toBuffer();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const url = new URL(req.url!, "http://local");
      seen.push({ method: req.method!, path: url.pathname, auth: req.headers.authorization, body });
      const [host, ...rest] = url.pathname.slice(1).split("/");
      const path = `/${rest.join("/")}`;
      if (host === "huggingface.co" && path.startsWith("/api/models/")) {
        const model = path.slice("/api/models/".length);
        return mappings[model] ? json(200, { _id: "x", id: model, inferenceProviderMapping: mappings[model] })(req, res, body) : json(404, { error: "Repository not found" })(req, res, body);
      }
      if (host === "router.huggingface.co" && req.method === "POST") return (submit.shift() ?? queued)(req, res, body);
      if (host === "router.huggingface.co" && path.includes("/requests/")) return json(200, { images: [{ url: "https://v3.fal.media/files/genlab/out.png", width: 40, height: 24 }] })(req, res, body);
      if (host === "v3.fal.media") return res.writeHead(200, { "content-type": "image/png" }).end(png);
      res.writeHead(500).end("unexpected request");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (url.protocol !== "https:") throw new Error(`unexpected fetch of ${url.href}`);
    return realFetch(`${base}/${url.host}${url.pathname}${url.search}`, init);
  });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await new Promise<void>((r) => server.close(() => r()));
});

const ctx = () => ({ signal: new AbortController().signal });
const engine = (extra: Record<string, unknown> = {}) => new DiffusionEngine({ hfToken: TOKEN, hfBackoffMs: 5, hfAttempts: 2, ...extra });

async function failure(e: DiffusionEngine): Promise<EngineUnavailableError> {
  const error = await e.generate(e.validate({ prompt: "a robot", n: 1, seed: 3 }), ctx()).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(EngineUnavailableError);
  const all = JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack, cause: String(((error as Error).cause as Error)?.message), causeStack: ((error as Error).cause as Error)?.stack });
  expect(all).not.toContain(TOKEN);
  return error as EngineUnavailableError;
}

describe("Hugging Face Inference with HF_TOKEN alone", () => {
  it("draws with FLUX.1-schnell on fal: 4 steps, no guidance, 1024² by default, the token sent only as a bearer header", async () => {
    seen.length = 0;
    const e = engine();
    expect(e.status()).toEqual({ ready: true, detail: "Hugging Face Inference: black-forest-labs/FLUX.1-schnell via fal-ai." });
    const p = e.validate({ prompt: "a cyberpunk street", n: 1, seed: 5 });
    expect(p).toMatchObject({ steps: 4, guidance: 0, width: 1024, height: 1024 });
    const r = await e.generate(p, ctx());
    expect(r.model).toEqual({ name: "hf:black-forest-labs/FLUX.1-schnell" });
    expect(r.images.map((i) => [i.width, i.height])).toEqual([[40, 24]]);
    expect(Array.from(r.images[0]!.data.slice(0, 3))).toEqual([10, 220, 60]);
    const post = seen.find((s) => s.method === "POST")!;
    expect(post.path).toBe("/router.huggingface.co/fal-ai/fal-ai/flux/schnell");
    expect(post.auth).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(post.body)).toEqual({ prompt: "a cyberpunk street", width: 1024, height: 1024, num_inference_steps: 4, guidance_scale: 0, seed: 5 });
    expect(seen.map((s) => s.path)).toContain("/huggingface.co/api/models/black-forest-labs/FLUX.1-schnell");
    expect(seen.filter((s) => s.body.includes(TOKEN))).toEqual([]);
  });

  it("SD_HF_MODEL and SD_HF_PROVIDER override the default", async () => {
    seen.length = 0;
    const e = engine({ hfModel: "stabilityai/stable-diffusion-xl-base-1.0", hfProvider: "fal-ai" });
    expect(e.status().detail).toBe("Hugging Face Inference: stabilityai/stable-diffusion-xl-base-1.0 via fal-ai.");
    await e.generate(e.validate({ prompt: "a village", n: 1, seed: 1 }), ctx());
    expect(seen.find((s) => s.method === "POST")!.path).toBe("/router.huggingface.co/fal-ai/fal-ai/fast-sdxl");
    expect(engine({ hfModel: "stabilityai/stable-diffusion-xl-base-1.0" }).status().detail).toBe("Hugging Face Inference: stabilityai/stable-diffusion-xl-base-1.0 via auto.");
    expect(engine({ hfProvider: "together" }).status().detail).toBe("Hugging Face Inference: black-forest-labs/FLUX.1-schnell via together.");
  });

  it("402 with the monthly included credits used up: one sentence saying so", async () => {
    submit = [json(402, { error: "You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits." })];
    const error = await failure(engine());
    expect(error.message).toBe("The Hugging Face account behind HF_TOKEN has used up its monthly included credits (402): they renew next month; until then buy credits or subscribe to PRO at huggingface.co/settings/billing, or use a local model (SD_MODEL_DIR).");
  });

  it("402 otherwise: pay-as-you-go is not enabled for the provider", async () => {
    submit = [json(402, { error: "Payment Required" })];
    const error = await failure(engine());
    expect(error.message).toBe("The provider fal-ai needs payment for black-forest-labs/FLUX.1-schnell and the account behind HF_TOKEN has no inference credits left (402): enable pay-as-you-go with a billing method at huggingface.co/settings/billing, or use a local model (SD_MODEL_DIR).");
  });

  it("410: the model or endpoint was retired, and what to set instead", async () => {
    submit = [json(410, { error: "This model is no longer available on fal-ai." })];
    const error = await failure(engine());
    expect(error.message).toBe("Hugging Face has retired black-forest-labs/FLUX.1-schnell via fal-ai (410): set SD_HF_MODEL and SD_HF_PROVIDER to a model a provider serves today, or unset both for black-forest-labs/FLUX.1-schnell via fal-ai.");
  });

  it("a provider that does not serve the model: one sentence, no retry", async () => {
    seen.length = 0;
    const error = await failure(engine({ hfModel: "stabilityai/stable-diffusion-xl-base-1.0", hfProvider: "nebius" }));
    expect(error.message).toMatch(/^Hugging Face cannot run stabilityai\/stable-diffusion-xl-base-1\.0 via nebius as text-to-image \(.+\): set SD_HF_PROVIDER to a provider listed on the model's page, or SD_HF_MODEL to another model\.$/);
    expect(seen.filter((s) => s.method === "POST")).toEqual([]);
  });
});
