import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { loadCommands } from "../../src/commands/support/registry.ts";
import { createLogger } from "../../src/log.ts";
import { CommandInputError, parseCommandLine, type CommandJson } from "../../src/playground/parse-command.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { waitUntil } from "../support/wait.ts";

let commands: CommandJson[];
beforeAll(async () => {
  commands = [...(await loadCommands()).values()].map((c) => c.data);
});

describe("playground command line → Discord options", () => {
  it("reads sub-commands, name:value options with spaces, and a leading value for the first required option", () => {
    expect(parseCommandLine("/gan sample n:16 label:Ankle boot", commands).options).toEqual([
      { name: "sample", type: 1, options: [{ name: "n", type: 4, value: 16 }, { name: "label", type: 3, value: "Ankle boot" }] },
    ]);
    expect(parseCommandLine("/biggan golden retriever n:2", commands).options).toEqual([{ name: "class", type: 3, value: "golden retriever" }, { name: "n", type: 4, value: 2 }]);
    expect(parseCommandLine('/biggan class:"207:0.5,208:0.5"', commands).options).toEqual([{ name: "class", type: 3, value: "207:0.5,208:0.5" }]);
  });

  it("checks what Discord's client checks, with one sentence each", () => {
    const bad: [string, string][] = [
      ["gan sample", "Commands start with / — for example /gan sample n:16."],
      ["/nope", "There is no /nope command: type / to see the list."],
      ["/gan n:3", "/gan needs one of: sample (e.g. /gan sample)."],
      ["/gan sample n:0", "n: must be at least 1."],
      ["/gan sample n:two", "n: must be a whole number, not two."],
      ["/gan sample n:1 n:2", "n: is given twice."],
      ["/biggan n:2", "/biggan needs class: — Class name or number 0–999 (e.g. golden retriever, 207), or a mix 207:0.5,208:0.5."],
    ];
    for (const [text, message] of bad) expect(() => parseCommandLine(text, commands), text).toThrow(new CommandInputError(message));
  });

  it("marks the option being typed as focused, for autocomplete", () => {
    const p = parseCommandLine("/gan sample model:mnist-mlp label:sn", commands, { partial: true });
    expect(p.focused).toMatchObject({ name: "label", value: "sn" });
    expect(p.options[0]!.options![1]).toEqual({ name: "label", type: 3, value: "sn", focused: true });
  });
});

describe("playground web server", () => {
  let app: App;
  let base: string;
  beforeAll(async () => {
    const config = testConfig({ DATABASE_URL: await createTestDatabase("playground"), GENLAB_PLAYGROUND_PORT: "0", GENLAB_PLAYGROUND_HOST: "0.0.0.0", GENLAB_PLAYGROUND_PASSWORD: "correct horse battery" });
    app = await startApp({ config, log: createLogger("silent"), bot: true, worker: true, playground: true });
    base = app.playground!.url;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const auth = (password: string) => ({ authorization: `Basic ${Buffer.from(`teacher:${password}`).toString("base64")}`, "content-type": "application/json" });

  it("off loopback, every page and API needs the password", async () => {
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}api/engines`, { headers: auth("wrong password!") })).status).toBe(401);
    const page = await fetch(base, { headers: auth("correct horse battery") });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>GenLab playground</title>");
  });

  it("runs a command through the bot, stores its provenance, and serves the images", async () => {
    const r = await fetch(`${base}api/command`, { method: "POST", headers: auth("correct horse battery"), body: JSON.stringify({ text: "/gan sample model:mnist-mlp n:4 seed:1" }) });
    expect(await r.json()).toMatchObject({ callbackType: 5 });
    const gen = await waitUntil(() => app.db.prisma.generation.findFirst({ where: { status: "succeeded" }, include: { images: true } }), "the playground generation");
    expect(gen).toMatchObject({ engine: "gan", model: "mnist-mlp", requesterId: "100000000000000001", command: "gan sample" });
    expect(gen.images).toHaveLength(4);
    const m = app.playground!.local.channelMessages(app.playground!.local.channelId).find((x) => x.id === gen.messageId)!;
    const file = await fetch(`${base}files/${m.id}/${encodeURIComponent(m.attachments[0]!.filename)}`, { headers: auth("correct horse battery") });
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer()).subarray(1, 4).toString()).toBe("PNG");
    // The local Discord's own URL for it needs the password too.
    expect((await fetch(m.attachments[0]!.url)).status).toBe(401);
    expect((await fetch(m.attachments[0]!.url, { headers: auth("correct horse battery") })).status).toBe(200);
  });

  it("a bad command line is answered with the sentence and HTTP 400", async () => {
    const r = await fetch(`${base}api/command`, { method: "POST", headers: auth("correct horse battery"), body: JSON.stringify({ text: "/gan sample n:99" }) });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: "n: must be at most 64." });
  });
});
