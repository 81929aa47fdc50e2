import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Interaction } from "discord.js";
import { startApp, type App } from "../../src/app.ts";
import { startInteractionsEndpoint } from "../../src/discord/http-interactions.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type InteractionHandle, type RecordedFile } from "../support/fake-discord.ts";
import { waitUntil } from "../support/wait.ts";
import { abortMidBody, rawRequest, type RawRequest } from "../playground/raw-http.ts";

const STUDENT = "500000000000000001";
const { publicKey, privateKey } = generateKeyPairSync("ed25519");
/** The raw 32-byte key, as the Developer Portal shows it: the SPKI DER minus its 12-byte header. */
const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("hex");

let fake: FakeDiscord;

/** POSTs `body` as Discord would: X-Signature-Ed25519 over timestamp + body. */
function post(url: string, body: string, opts: { key?: KeyObject; timestamp?: number; signature?: string | null } = {}): Promise<Response> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature === undefined ? sign(null, Buffer.from(timestamp + body), opts.key ?? privateKey).toString("hex") : opts.signature;
  const headers: Record<string, string> = { "content-type": "application/json", "x-signature-timestamp": timestamp };
  if (signature !== null) headers["x-signature-ed25519"] = signature;
  return fetch(url, { method: "POST", headers, body });
}

/** Plays Discord: delivers the interaction to the endpoint and takes its answer as the callback. */
async function deliver(url: string, h: InteractionHandle): Promise<{ status: number; body: any; files: RecordedFile[] }> {
  const res = await post(url, JSON.stringify(h.payload));
  if (res.status !== 200) return { status: res.status, body: await res.text(), files: [] };
  if (!res.headers.get("content-type")?.startsWith("multipart/form-data")) {
    const body = await res.json();
    h.respond(body);
    return { status: res.status, body, files: [] };
  }
  const form = await res.formData();
  const body = JSON.parse(String(form.get("payload_json")));
  const files: RecordedFile[] = [];
  for (const [name, value] of form.entries()) {
    if (/^files\[\d+\]$/.test(name) && typeof value !== "string") files.push({ name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
  }
  h.respond(body, files);
  return { status: res.status, body, files };
}

beforeAll(async () => {
  fake = await FakeDiscord.start();
});

afterAll(async () => {
  await fake?.stop();
});

describe("genlab start with GENLAB_INTERACTIONS_PORT: Discord's HTTP interactions", () => {
  let app: App;
  let url: string;

  beforeAll(async () => {
    const config = testConfig({
      DATABASE_URL: await createTestDatabase("http"),
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_PUBLIC_KEY: publicKeyHex,
      GENLAB_INTERACTIONS_PORT: "0",
      BIGGAN_MODEL_DIR: "",
    });
    app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true });
    url = app.interactions!.url;
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("serves POST /interactions on loopback", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/interactions$/);
  });

  it("answers a signed PING with PONG", async () => {
    const res = await post(url, JSON.stringify({ type: 1, id: "1", application_id: fake.applicationId, token: "t", version: 1 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it("refuses requests without a signature, with a wrong one, or signed too long ago", async () => {
    const ping = JSON.stringify({ type: 1, id: "1", application_id: fake.applicationId, token: "t", version: 1 });
    expect((await post(url, ping, { signature: null })).status).toBe(401);
    expect((await post(url, ping, { key: generateKeyPairSync("ed25519").privateKey })).status).toBe(401);
    expect((await post(url, ping, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await post(url, ping, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 })).status).toBe(401);
    // Signed, but the body changed on the way.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(timestamp + ping), privateKey).toString("hex");
    const tampered = await fetch(url, { method: "POST", headers: { "x-signature-ed25519": signature, "x-signature-timestamp": timestamp }, body: ping.replace('"t"', '"u"') });
    expect(tampered.status).toBe(401);
  });

  it("/models is answered in the HTTP response by the same command module", async () => {
    const h = fake.interact({ http: true, name: "models", userId: STUDENT });
    const { status, body } = await deliver(url, h);
    expect(status).toBe(200);
    expect(body.type).toBe(4);
    expect(body.data.embeds[0].description).toMatch(/✅ \*\*GAN\*\*: \d+ trained generators?: .*fashion-mnist-mlp-cond/);
    expect(fake.requests.some((r) => r.path.startsWith(`/interactions/${h.id}/`))).toBe(false); // nothing went to the callback API
  });

  it("/gan sample is deferred in the HTTP response, then the worker's result edits @original", async () => {
    const h = fake.interact({ http: true, name: "gan", options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value: "fashion-mnist-mlp-cond" }, { name: "n", type: 4, value: 1 }, { name: "seed", type: 4, value: 3 }] }], userId: STUDENT });
    const { status, body } = await deliver(url, h);
    expect(status).toBe(200);
    expect(body.type).toBe(5);
    expect(body.data?.flags ?? 0).toBe(0); // a public deferral: the command's, or the endpoint's own on a busy machine
    const msg = await waitUntil(async () => (h.original()?.attachments.length ? h.original() : undefined), "the GAN sample on the original reply");
    expect(msg.attachments).toHaveLength(1); // one sample, no grid
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { interactionId: h.id, status: "succeeded" } }), "the provenance row");
    expect(gen.messageId).toBe(msg.id);
    expect(fake.requests.some((r) => r.method === "PATCH" && r.path === `/webhooks/${fake.applicationId}/${h.token}/messages/@original` && r.files.length === 1)).toBe(true);
  });
});

describe("the interactions endpoint on its own", () => {
  /** An endpoint whose interactions go to `handler`; stopped after `use`. */
  async function withEndpoint(handler: (i: Interaction) => Promise<void>, use: (url: string) => Promise<void>, deferAfterMs?: number): Promise<void> {
    const endpoint = await startInteractionsEndpoint({
      publicKey: publicKeyHex, token: fake.token, apiUrl: fake.apiUrl, host: "127.0.0.1", port: 0, log: createLogger("silent"),
      onInteraction: handler, deferAfterMs,
    });
    try {
      await use(endpoint.url);
    } finally {
      await endpoint.stop();
    }
  }

  it("defers for a handler that is still busy, and turns its late reply into an edit of @original", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async (i: Interaction) => {
      await gate; // until the deferral is in the test's hands
      if (i.isChatInputCommand()) await i.reply({ content: "late but here" });
    };
    await withEndpoint(slow, async (url) => {
      const h = fake.interact({ http: true, name: "slow" });
      const { body } = await deliver(url, h);
      expect(body).toEqual({ type: 5 });
      release();
      const edited = await fake.waitFor((r) => r.method === "PATCH" && r.path === `/webhooks/${fake.applicationId}/${h.token}/messages/@original`);
      expect(edited.status).toBe(200);
      expect(h.original()!.content).toBe("late but here");
    }, 0);
  });

  it("answers a reply with files as multipart/form-data (payload_json + files[n])", async () => {
    const withFile = async (i: Interaction) => {
      if (i.isChatInputCommand()) await i.reply({ content: "a file", files: [{ attachment: Buffer.from("hello"), name: "hello.txt" }] });
    };
    await withEndpoint(withFile, async (url) => {
      const h = fake.interact({ http: true, name: "file" });
      const { body, files } = await deliver(url, h);
      expect(body).toMatchObject({ type: 4, data: { content: "a file" } });
      expect(files.map((f) => [f.name, f.data.toString()])).toEqual([["hello.txt", "hello"]]);
      expect(h.original()!.attachments.map((a) => a.filename)).toEqual(["hello.txt"]);
    });
  });

  it("refuses bodies over 1 MiB", async () => {
    await withEndpoint(async () => {}, async (url) => {
      const res = await post(url, JSON.stringify({ type: 1, pad: "x".repeat(1024 * 1024) }));
      expect(res.status).toBe(413);
    });
  });

  it("a request that hangs up halfway through its body is one debug line, not an error with a stack", async () => {
    const lines: { level: number }[] = [];
    const log = pino({ level: "debug", base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const endpoint = await startInteractionsEndpoint({ publicKey: publicKeyHex, token: fake.token, apiUrl: fake.apiUrl, host: "127.0.0.1", port: 0, log, onInteraction: async () => {} });
    try {
      await abortMidBody(endpoint.url, "/interactions", { "content-type": "application/json" }, 1000, '{"type":');
      await waitUntil(async () => lines.length > 0, "the log line of the aborted request", 30_000);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 20 });
      expect(JSON.stringify(lines[0])).not.toMatch(/stack|Error/);
    } finally {
      await endpoint.stop();
    }
  });
});

/** Signed by the application's key, as only Discord can: the endpoint must still check what it got. */
function signed(body: string | Buffer, extra: Partial<RawRequest> = {}): RawRequest {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey).toString("hex");
  return { method: "POST", headers: { "content-type": "application/json", "x-signature-timestamp": timestamp, "x-signature-ed25519": signature }, body, ...extra };
}

const NOT_AN_INTERACTION = /^The body is not a Discord interaction \(a JSON object with id, type, token and application_id\)\.$/;
const TOO_LARGE = /^The body is over 1 MiB, and no interaction is that large\.$/;
const TEN_MB = Buffer.alloc(10 * 2 ** 20, 0x20);

const hostile: [string, () => RawRequest, number, RegExp][] = [
  ["a signed null", () => signed("null"), 400, NOT_AN_INTERACTION],
  ["a signed array", () => signed("[]"), 400, NOT_AN_INTERACTION],
  ["a signed number", () => signed("42"), 400, NOT_AN_INTERACTION],
  ["a signed string", () => signed('"PING"'), 400, NOT_AN_INTERACTION],
  ["a signed body that is not JSON", () => signed('{"type":1'), 400, NOT_AN_INTERACTION],
  ["a signed empty body", () => signed(""), 400, NOT_AN_INTERACTION],
  ["a signed interaction with ids of the wrong type", () => signed(JSON.stringify({ type: 2, id: 1, token: 2, application_id: 3 })), 400, NOT_AN_INTERACTION],
  ["a signed command without its data", () => signed(JSON.stringify({ type: 2, id: "1", token: "t", application_id: "1", version: 1 })), 400, NOT_AN_INTERACTION],
  ["a 10 MB body with its length declared", () => signed(TEN_MB), 413, TOO_LARGE],
  ["a 10 MB body sent in chunks", () => signed(TEN_MB, { chunked: true }), 413, TOO_LARGE],
];

describe("hostile requests to the interactions endpoint: status, one sentence, nothing handled", () => {
  it.each(hostile)("%s", async (_, request, status, sentence) => {
    const handled: Interaction[] = [];
    const lines: { level: number }[] = [];
    const log = pino({ level: "debug", base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const endpoint = await startInteractionsEndpoint({ publicKey: publicKeyHex, token: fake.token, apiUrl: fake.apiUrl, host: "127.0.0.1", port: 0, log, onInteraction: async (i) => void handled.push(i) });
    try {
      const sent = fake.requests.length;
      const answer = await rawRequest(endpoint.url, request());
      expect(answer.status).toBe(status);
      expect((JSON.parse(answer.text) as { error: string }).error).toMatch(sentence);
      expect(handled).toEqual([]);
      expect(fake.requests.length).toBe(sent);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]); // a bad request is not GenLab's error
    } finally {
      await endpoint.stop();
    }
  });
});
