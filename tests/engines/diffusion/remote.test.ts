import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiffusionEngine } from "../../../src/engines/diffusion/index.ts";
import { EngineUnavailableError } from "../../../src/engines/errors.ts";

/** Hugging Face Inference, played by a local node:http server: textToImage({ endpointUrl }) POSTs exactly there. */
const TOKEN = "hf_TestTokenThatMustNeverLeak123";
type Reply = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let url: string;
let replies: Reply[] = [];
const seen: { auth?: string; body: Record<string, unknown> }[] = [];
let png: Buffer;

beforeAll(async () => {
  png = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 30, b: 90 } } }).png().toBuffer();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ auth: req.headers.authorization, body: JSON.parse(body || "{}") as Record<string, unknown> });
      (replies.shift() ?? image)(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/generate`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const image: Reply = (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(png);
const json = (status: number, body: unknown): Reply => (_req, res) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
const never: Reply = () => {};
const ctx = () => ({ signal: new AbortController().signal });
const engine = (extra: Record<string, unknown> = {}) => new DiffusionEngine({ hfToken: TOKEN, hfEndpointUrl: url, hfBackoffMs: 5, hfAttempts: 3, ...extra });

async function failure(run: Promise<unknown>): Promise<EngineUnavailableError> {
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(EngineUnavailableError);
  return e as EngineUnavailableError;
}

describe("remote provider: Hugging Face Inference against a local server", () => {
  it("passes prompt, negative prompt, size, steps, guidance and seed, with the token, and decodes the image", async () => {
    seen.length = 0;
    replies = [image, image];
    const e = engine();
    expect(e.status()).toEqual({ ready: true, detail: `Hugging Face Inference Endpoint ${url}.` });
    const p = e.validate({ prompt: "a cyberpunk street", negative: "blurry", n: 2, steps: 30, guidance: 6, seed: 11, aspect: "3:2" });
    const r = await e.generate(p, ctx());
    expect(r.images.map((i) => [i.width, i.height, i.channels])).toEqual([[48, 32, 3], [48, 32, 3]]);
    expect(Array.from(r.images[0]!.data.slice(0, 3))).toEqual([200, 30, 90]);
    expect(r.model).toEqual({ name: `hf:${url}` });
    expect(seen[0]!.auth).toBe(`Bearer ${TOKEN}`);
    expect(seen.map((s) => s.body)).toEqual([0, 1].map((i) => ({ inputs: "a cyberpunk street", parameters: { negative_prompt: "blurry", width: 640, height: 448, num_inference_steps: 30, guidance_scale: 6, seed: 11 + i } })));
  });

  it("retries a 503 (model loading) and succeeds", async () => {
    seen.length = 0;
    replies = [json(503, { error: "Model is currently loading" }), image];
    const r = await engine().generate(engine().validate({ prompt: "a village", n: 1, seed: 1 }), ctx());
    expect(r.images).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });

  it("gives up on a model that keeps loading with one sentence", async () => {
    replies = [json(503, { error: "loading" }), json(503, { error: "loading" }), json(503, { error: "loading" })];
    const e = await failure(engine().generate(engine().validate({ prompt: "a robot", n: 1 }), ctx()));
    expect(e.message).toBe(`The model ${url} is still loading on Hugging Face (503): try again in a minute or two.`);
  });

  it("401: one sentence about HF_TOKEN, no retry, and the token appears nowhere", async () => {
    seen.length = 0;
    replies = [json(401, { error: `Invalid credentials in Authorization header: Bearer ${TOKEN}` })];
    const e = await failure(engine().generate(engine().validate({ prompt: "a robot", n: 1 }), ctx()));
    expect(e.message).toBe("Hugging Face rejected HF_TOKEN (401): create a token with the Inference permission at huggingface.co/settings/tokens and set HF_TOKEN to it.");
    expect(seen).toHaveLength(1);
    const everything = JSON.stringify({ message: e.message, stack: e.stack, cause: String((e.cause as Error).message), causeStack: (e.cause as Error).stack });
    expect(everything).not.toContain(TOKEN);
    expect((e.cause as Error).message).toContain("[redacted]");
  });

  it.each([
    [403, "HF_TOKEN may not use"],
    [402, "has no inference credits left (402)"],
    [429, "rate limit or monthly quota for HF_TOKEN is used up (429)"],
  ])("%i: a clear sentence", async (status, words) => {
    replies = [json(status, { error: "no" }), json(status, { error: "no" }), json(status, { error: "no" })];
    const e = await failure(engine().generate(engine().validate({ prompt: "a robot", n: 1 }), ctx()));
    expect(e.message).toContain(words);
  });

  it("times out a silent server", async () => {
    replies = [never];
    const e = await failure(engine({ hfTimeoutMs: 1000, hfAttempts: 1 }).generate(engine().validate({ prompt: "a robot", n: 1 }), ctx()));
    expect(e.message).toBe(`Hugging Face did not answer within 1 s for ${url}: try again later, or raise SD_HF_TIMEOUT_SECONDS.`);
  });

  it("names the missing setting when the token or the model is absent", () => {
    expect(new DiffusionEngine({}).status()).toEqual({ ready: false, detail: "no model — set SD_MODEL_DIR to an exported ONNX model, or HF_TOKEN for Hugging Face Inference (SD_HF_MODEL / SD_HF_PROVIDER / SD_HF_ENDPOINT_URL choose another model)." });
    // HF_TOKEN alone is enough: a pinned model and provider (remote-default.test.ts draws with them).
    expect(new DiffusionEngine({ hfToken: TOKEN }).status()).toEqual({ ready: true, detail: "Hugging Face Inference: black-forest-labs/FLUX.1-schnell via fal-ai." });
    expect(new DiffusionEngine({ hfModel: "stabilityai/sd-turbo" }).status().detail).toBe("Hugging Face Inference needs a token: set HF_TOKEN (huggingface.co/settings/tokens).");
    expect(() => new DiffusionEngine({}).validate({ prompt: "a city" })).toThrow(/^Stable Diffusion is not set up here: no model — set SD_MODEL_DIR/);
    expect(new DiffusionEngine({ modelDir: "/nonexistent/sd" }).status().detail).toBe("SD_MODEL_DIR points to /nonexistent/sd, which does not exist: export a model there with scripts/export-sd.sh.");
  });
});
