import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { loadCommands } from "../../src/commands/support/registry.ts";
import { createLogger } from "../../src/log.ts";
import { PasswordGate } from "../../src/playground/password-gate.ts";
import { startPlaygroundServer } from "../../src/playground/server.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { waitUntil } from "../support/wait.ts";
import { abortMidBody, rawRequest, type RawAnswer, type RawRequest } from "./raw-http.ts";

// Other web pages, DNS rebinding and password guessing against the playground. Each row is a
// request a hostile page or client can make; each gets its HTTP status and one short sentence,
// and nothing reaches the bot: no interaction, no generation, no /config change.
const PASSWORD = "correct horse battery";
const basic = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString("base64")}`;
const evil = JSON.stringify({ text: "/config blocked-words words:pwned" });
const JSON_TYPE = { "content-type": "application/json" };
const TEN_MB = Buffer.alloc(10 * 2 ** 20, 0x20);

type Server = "open" | "locked" | "local";
interface Row { name: string; server: Server; path: string | (() => string); req: RawRequest | ((host: string) => RawRequest); status: number; sentence: RegExp }

const CROSS_ORIGIN = /^The playground takes requests only from its own page, not from other web sites\.$/;
const WRONG_HOST = /^The playground answers only at its own address \(such as http:\/\/127\.0\.0\.1:\d+\/\): open it there\.$/;
const NOT_JSON_TYPE = /^Send the request as JSON \(Content-Type: application\/json\)\.$/;
const TOO_LARGE = /^That request is too large: the playground takes at most 64 KiB\.$/;
const NOT_AN_OBJECT = /^The request body must be a JSON object\.$/;
const NEEDS_PASSWORD = /^The GenLab playground needs its password \(GENLAB_PLAYGROUND_PASSWORD\)\.$/;

const post = (path: string, headers: Record<string, string>, body: string | Buffer = evil, extra: Partial<RawRequest> = {}) => ({ path, req: { method: "POST", headers, body, ...extra } });

let attachmentPath = "";
const rows: Row[] = [
  { name: "a cross-origin POST with text/plain (a form on another site)", server: "open", ...post("/api/command", { origin: "http://evil.example", "content-type": "text/plain" }), status: 403, sentence: CROSS_ORIGIN },
  { name: "a cross-origin POST with JSON", server: "open", ...post("/api/command", { origin: "http://evil.example", ...JSON_TYPE }), status: 403, sentence: CROSS_ORIGIN },
  { name: "a POST from a sandboxed page (Origin: null)", server: "open", ...post("/api/command", { origin: "null", ...JSON_TYPE }), status: 403, sentence: CROSS_ORIGIN },
  { name: "a POST from another local web server", server: "open", ...post("/api/command", { origin: "http://127.0.0.1:1", ...JSON_TYPE }), status: 403, sentence: CROSS_ORIGIN },
  { name: "a POST from an https page of another site", server: "open", ...post("/api/command", { origin: "https://evil.example:443", ...JSON_TYPE }), status: 403, sentence: CROSS_ORIGIN },
  { name: "a cross-origin autocomplete", server: "open", ...post("/api/suggest", { origin: "http://evil.example", ...JSON_TYPE }, JSON.stringify({ text: "/config " })), status: 403, sentence: CROSS_ORIGIN },
  { name: "a cross-origin button click", server: "open", ...post("/api/component", { origin: "http://evil.example", ...JSON_TYPE }, JSON.stringify({ messageId: "1", customId: "x" })), status: 403, sentence: CROSS_ORIGIN },
  { name: "a forged Host reading the event stream (DNS rebinding)", server: "open", path: "/api/events", req: (h) => ({ headers: { host: `evil.example:${h.split(":")[1]}` } }), status: 403, sentence: WRONG_HOST },
  { name: "a forged Host reading the page", server: "open", path: "/", req: { headers: { host: "evil.example" } }, status: 403, sentence: WRONG_HOST },
  { name: "a forged Host reading the command list", server: "open", path: "/api/commands", req: { headers: { host: "evil.example:3000" } }, status: 403, sentence: WRONG_HOST },
  { name: "a forged Host reading the engines", server: "open", path: "/api/engines", req: { headers: { host: "127.0.0.1.evil.example" } }, status: 403, sentence: WRONG_HOST },
  { name: "a rebound page POSTing as its own origin", server: "open", path: "/api/command", req: (h) => ({ method: "POST", headers: { host: `evil.example:${h.split(":")[1]}`, origin: `http://evil.example:${h.split(":")[1]}`, ...JSON_TYPE }, body: evil }), status: 403, sentence: WRONG_HOST },
  { name: "a Host that only starts with localhost", server: "open", path: "/api/events", req: { headers: { host: "localhost.evil.example" } }, status: 403, sentence: WRONG_HOST },
  { name: "a POST with no content type", server: "open", path: "/api/command", req: { method: "POST", body: evil }, status: 415, sentence: NOT_JSON_TYPE },
  { name: "a same-site POST with text/plain", server: "open", ...post("/api/command", { "content-type": "text/plain;charset=UTF-8" }), status: 415, sentence: NOT_JSON_TYPE },
  { name: "a form-encoded POST", server: "open", ...post("/api/command", { "content-type": "application/x-www-form-urlencoded" }, "text=%2Fconfig+blocked-words+words%3Apwned"), status: 415, sentence: NOT_JSON_TYPE },
  { name: "a multipart POST", server: "open", ...post("/api/command", { "content-type": "multipart/form-data; boundary=x" }, `--x\r\ncontent-disposition: form-data; name="text"\r\n\r\n/config blocked-words words:pwned\r\n--x--\r\n`), status: 415, sentence: NOT_JSON_TYPE },
  { name: "an odd content type that starts like JSON", server: "open", ...post("/api/command", { "content-type": "application/jsonp" }), status: 415, sentence: NOT_JSON_TYPE },
  { name: "an autocomplete as text/plain", server: "open", ...post("/api/suggest", { "content-type": "text/plain" }, JSON.stringify({ text: "/config " })), status: 415, sentence: NOT_JSON_TYPE },
  { name: "a 10 MB body with its length declared", server: "open", ...post("/api/command", JSON_TYPE, TEN_MB), status: 413, sentence: TOO_LARGE },
  { name: "a 10 MB body sent in chunks", server: "open", ...post("/api/command", JSON_TYPE, TEN_MB, { chunked: true }), status: 413, sentence: TOO_LARGE },
  { name: "a body that is not JSON", server: "open", ...post("/api/command", JSON_TYPE, "{text: /config blocked-words"), status: 400, sentence: NOT_AN_OBJECT },
  { name: "a null body", server: "open", ...post("/api/command", JSON_TYPE, "null"), status: 400, sentence: NOT_AN_OBJECT },
  { name: "an array body", server: "open", ...post("/api/command", JSON_TYPE, JSON.stringify([evil])), status: 400, sentence: NOT_AN_OBJECT },
  { name: "a number body", server: "open", ...post("/api/command", JSON_TYPE, "42"), status: 400, sentence: NOT_AN_OBJECT },
  { name: "a string body", server: "open", ...post("/api/command", JSON_TYPE, JSON.stringify("/config blocked-words words:pwned")), status: 400, sentence: NOT_AN_OBJECT },
  { name: "an empty body", server: "open", ...post("/api/command", JSON_TYPE, ""), status: 400, sentence: NOT_AN_OBJECT },
  { name: "the local Discord's attachment URL without the password", server: "local", path: () => attachmentPath, req: {}, status: 401, sentence: NEEDS_PASSWORD },
  { name: "the local Discord's attachment URL with a wrong password", server: "local", path: () => attachmentPath, req: { headers: { authorization: basic("wrong horse battery") } }, status: 401, sentence: NEEDS_PASSWORD },
];

// Refused before this table was written too; kept beside it so that no change undoes them.
const guards: Row[] = [
  { name: "no password for the event stream", server: "locked", path: "/api/events", req: {}, status: 401, sentence: NEEDS_PASSWORD },
  { name: "a wrong password for a command", server: "locked", ...post("/api/command", { authorization: basic("correct horse batterz"), ...JSON_TYPE }), status: 401, sentence: NEEDS_PASSWORD },
  { name: "a password that is only a prefix", server: "locked", ...post("/api/command", { authorization: basic("correct"), ...JSON_TYPE }), status: 401, sentence: NEEDS_PASSWORD },
  { name: "the page's file URL without the password", server: "locked", path: () => `/files/${attachmentPath.split("/").slice(2).join("/")}`, req: {}, status: 401, sentence: NEEDS_PASSWORD },
];

let app: App;
let interactions: MockInstance;
let open: { url: string; stop(): Promise<void> };
const bases = {} as Record<Server, string>;
const lines: { level: number; msg: string; err?: unknown }[] = [];
const captured = pino({ level: "debug", base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });

beforeAll(async () => {
  const config = testConfig({ DATABASE_URL: await createTestDatabase("hostile_http"), GENLAB_PLAYGROUND_PORT: "0", GENLAB_PLAYGROUND_PASSWORD: PASSWORD });
  app = await startApp({ config, log: createLogger("silent"), bot: true, worker: false, playground: true });
  const local = app.playground!.local;
  const commands = [...(await loadCommands()).values()].map((c) => c.data);
  // The same server without a password, as `npm start` serves it on 127.0.0.1.
  open = await startPlaygroundServer({ host: "127.0.0.1", port: 0, local, commands, engines: app.engines, log: captured });
  bases.open = open.url.replace(/\/$/, "");
  bases.locked = app.playground!.url.replace(/\/$/, "");
  bases.local = local.baseUrl;
  // One image in the channel, posted by the bot as a result would be.
  const form = new FormData();
  form.append("payload_json", JSON.stringify({ content: "an image", attachments: [{ id: 0, filename: "secret.png" }] }));
  form.append("files[0]", new Blob([Buffer.from("\x89PNG fake")], { type: "image/png" }), "secret.png");
  const posted = await fetch(`${local.apiUrl}/v10/channels/${local.channelId}/messages`, { method: "POST", headers: { authorization: `Bot ${local.token}` }, body: form });
  const message = (await posted.json()) as { attachments: { url: string }[] };
  attachmentPath = new URL(message.attachments[0]!.url).pathname;
  interactions = vi.spyOn(local, "interact"); // counts what reaches the bot, changes nothing
});

afterAll(async () => {
  await open?.stop();
  await app?.stop();
});

/** The one sentence an answer carries: `{ error }` for the API, the text for anything else. */
function sentenceOf(a: RawAnswer): string {
  if (!String(a.headers["content-type"]).startsWith("application/json")) return a.text;
  const body = JSON.parse(a.text) as { error?: unknown; message?: unknown };
  return String(body.error ?? body.message ?? "");
}

async function snapshot() {
  const local = app.playground!.local;
  return { interactions: interactions.mock.calls.length, generations: await app.db.prisma.generation.count(), guilds: await app.db.prisma.guild.findMany(), messages: local.messages.size };
}

describe("hostile HTTP requests to the playground: refused with one sentence, nothing reaches the bot", () => {
  it("has a row for each kind of hostile request", () => expect(rows.length + guards.length).toBeGreaterThanOrEqual(30));

  it.each([...rows, ...guards].map((r) => [r.name, r] as const))("%s", async (_, row) => {
    const before = await snapshot();
    const base = bases[row.server];
    const path = typeof row.path === "function" ? row.path() : row.path;
    const req = typeof row.req === "function" ? row.req(new URL(base).host) : row.req;
    const answer = await rawRequest(base + path, req);
    expect(answer.status).toBe(row.status);
    const sentence = sentenceOf(answer);
    expect(sentence).toMatch(row.sentence);
    expect(sentence.length).toBeLessThanOrEqual(200);
    if (row.status === 401) expect(answer.headers["www-authenticate"]).toBe('Basic realm="GenLab playground"');
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });
});

describe("what the playground still does", () => {
  it("answers at localhost, 127.0.0.1 and [::1] on its port, and takes its own page's JSON POSTs", async () => {
    const port = new URL(bases.open).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "LOCALHOST"]) {
      expect((await rawRequest(`${bases.open}/api/commands`, { headers: { host } })).status, host).toBe(200);
    }
    const ok = await rawRequest(`${bases.open}/api/command`, { method: "POST", headers: { origin: bases.open, ...JSON_TYPE }, body: JSON.stringify({ text: "/config blocked-words words:fine" }) });
    expect(ok.status).toBe(200);
    expect(await app.db.prisma.guild.findUnique({ where: { id: app.playground!.local.guildId } })).toMatchObject({ settings: { blockedWords: ["fine"] } });
  });

  it("shows an embed's image from another message (U1–U4) through its own /files/ URL", async () => {
    const local = app.playground!.local;
    const posted = await fetch(`${local.apiUrl}/v10/channels/${local.channelId}/messages`, {
      method: "POST",
      headers: { authorization: `Bot ${local.token}`, ...JSON_TYPE },
      body: JSON.stringify({ embeds: [{ image: { url: bases.local + attachmentPath } }] }),
    });
    const { id } = (await posted.json()) as { id: string };
    const events = await fetch(`${bases.open}/api/events`);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes(`"id":"${id}"`)) seen += (await reader.read()).value ?? "";
    await reader.cancel();
    const shown = seen.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)) as { id: string; embeds: { image: { url: string } }[] }).find((m) => m.id === id)!;
    expect(shown.embeds[0]!.image.url).toBe(`/files/${attachmentPath.split("/").slice(2).join("/")}`);
  });

  it("serves the local Discord's attachments with the password", async () => {
    const file = await rawRequest(bases.local + attachmentPath, { headers: { authorization: basic(PASSWORD) } });
    expect(file.status).toBe(200);
    expect(file.text).toContain("PNG");
  });

  it("a request that hangs up halfway through its body is one debug line, not an error", async () => {
    lines.length = 0;
    await abortMidBody(bases.open, "/api/command", JSON_TYPE, 1000, '{"text":"/con');
    await waitUntil(async () => lines.length > 0, "the log line of the aborted request", 30_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 20 });
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|Error/);
  });
});

describe("wrong passwords", () => {
  let now = 0;
  let clocked: { url: string; stop(): Promise<void> };
  beforeAll(async () => {
    const commands = [...(await loadCommands()).values()].map((c) => c.data);
    const gate = new PasswordGate(PASSWORD, { now: () => now, freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000 });
    clocked = await startPlaygroundServer({ host: "127.0.0.1", port: 0, gate, local: app.playground!.local, commands, engines: app.engines, log: createLogger("silent") });
  });
  afterAll(async () => {
    await clocked?.stop();
  });

  const as = (client: string, password?: string) =>
    rawRequest(`${clocked.url}api/engines`, { localAddress: client, headers: password === undefined ? {} : { authorization: basic(password) } });

  it("slow down one client after 5 in a row (429 + Retry-After), double each time, and never slow the right password", async () => {
    now = 1_000_000;
    expect((await as("127.0.0.2")).status).toBe(401); // no password at all is not a guess
    for (let i = 0; i < 5; i++) expect((await as("127.0.0.2", `guess number ${i}`)).status).toBe(401);
    const limited = await as("127.0.0.2", PASSWORD); // even the right one waits out the window
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    expect(sentenceOf(limited)).toBe("Too many wrong passwords from your address: try again in 1 second.");
    expect((await as("127.0.0.3", PASSWORD)).status).toBe(200); // another client is not slowed
    now += 1000;
    expect((await as("127.0.0.2", "guess number 5")).status).toBe(401);
    expect((await as("127.0.0.2", "guess number 6")).headers["retry-after"]).toBe("2");
    now += 2000;
    expect((await as("127.0.0.2", "guess number 6")).status).toBe(401);
    expect((await as("127.0.0.2", PASSWORD)).headers["retry-after"]).toBe("4");
    now += 4000;
    expect((await as("127.0.0.2", PASSWORD)).status).toBe(200); // after the window, at once
    for (let i = 0; i < 5; i++) expect((await as("127.0.0.2", `guess ${i}`)).status).toBe(401); // the count starts again
    expect((await as("127.0.0.2", PASSWORD)).status).toBe(429);
  });
});
