import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { printable } from "../../src/engines/errors.ts";
import { createLogger } from "../../src/log.ts";
import { testConfig } from "../support/config.ts";
import { createTestDatabase } from "../support/db.ts";
import { FakeDiscord, type InteractOptions } from "../support/fake-discord.ts";

// Every Discord input is hostile until checked. Each row is what a student (or a teacher, or a
// modified client) can send; each must get one clear ephemeral sentence that reveals nothing
// about the host, and must queue and save nothing.
const TEACHER = { userId: "710000000000000001", permissions: "32" };
const STUDENT = { userId: "710000000000000002", permissions: "0" };
const EPHEMERAL = 64;
const NO_SUCH = "00000000-0000-4000-8000-000000000000";
let fake: FakeDiscord;
let app: App;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  app = await startApp({ config: testConfig({ DATABASE_URL: await createTestDatabase("hostile"), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, BIGGAN_MODEL_DIR: "" }), log: createLogger("silent"), bot: true, worker: true });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const str = (name: string, value: string) => ({ name, type: 3, value });
const int = (name: string, value: number) => ({ name, type: 4, value });
const gan = (...options: object[]): InteractOptions => ({ name: "gan", ...STUDENT, options: [{ type: 1, name: "sample", options }] });
const cmd = (name: string, ...options: object[]): InteractOptions => ({ name, ...STUDENT, options });
const sub = (name: string, subcommand: string, who: object, ...options: object[]): InteractOptions => ({ name, ...who, options: [{ type: 1, name: subcommand, options }] });
const button = (customId: string, who: object = STUDENT): InteractOptions => ({ type: 3, componentType: 2, customId, ...who });
const long = "a".repeat(6000);
const NO_MODEL = /^⚠️ There is no GAN model named ".*": choose one of [^\n]*\.$/;
const CONTROL = /^⚠️ The option `\w+` contains an invisible control character: type it again without it\.$/;

const rows: [string, InteractOptions, RegExp][] = [
  ["an absolute path to a shipped model", gan(str("model", "/proc/self/cwd/assets/gan/mnist-mlp")), NO_MODEL],
  ["/etc as a model", gan(str("model", "/etc")), NO_MODEL],
  ["../.. as a model", gan(str("model", "../..")), NO_MODEL],
  [".. as a model", gan(str("model", "..")), NO_MODEL],
  ["a relative path to a shipped model", gan(str("model", "assets/gan/mnist-mlp")), NO_MODEL],
  ["a Windows-style path", gan(str("model", "..\\..\\windows")), NO_MODEL],
  ["/evaluate on the host's root", cmd("evaluate", str("model", "/proc/self/root/etc")), NO_MODEL],
  ["/denoise on the host's root", cmd("denoise", str("model", "/proc/self/root/etc")), NO_MODEL],
  ["/denoise up and into the shipped folder", cmd("denoise", str("model", "../../assets/gan/mnist-mlp")), NO_MODEL],
  ["a 6,000-character model name", gan(str("model", long)), NO_MODEL],
  ["emoji as a model", gan(str("model", "😀🎉‍👩‍💻")), NO_MODEL],
  ["SQL as a model", gan(str("model", `'; DROP TABLE "Generation"; --`)), NO_MODEL],
  ["mentions as a model", gan(str("model", "@everyone <@&1234567890>")), NO_MODEL],
  ["NUL in a model", gan(str("model", "mnist-mlp\u0000")), CONTROL],
  ["an escape sequence in a label", gan(str("label", "\u001b[2J7")), CONTROL],
  ["a path as a label", gan(str("model", "fashion-mnist-mlp-cond"), str("label", "../../etc/passwd")), /^⚠️ label must be one of 0 \(T-shirt\/top\), .* — not "\.\.\/\.\.\/etc\/passwd"\.$/],
  ["6,000 characters as a label", gan(str("model", "fashion-mnist-mlp-cond"), str("label", long)), /^⚠️ label must be one of .* — not "a{60}…"\.$/],
  ["n below its range", gan(int("n", -5)), /^⚠️ n must be a whole number from 1 to 64, not -5\.$/],
  ["n far above its range", gan(int("n", 1e9)), /^⚠️ n must be a whole number from 1 to 64, not 1000000000\.$/],
  ["a seed beyond 32 bits", gan(int("seed", 2 ** 40)), /^⚠️ seed must be a whole number from 0 to 4294967295, not 1099511627776\.$/],
  ["NUL in blocked words", sub("config", "blocked-words", TEACHER, str("words", "bad\u0000word")), CONTROL],
  ["a path as the default model", sub("config", "default-model", TEACHER, str("engine", "gan"), str("model", "/etc")), NO_MODEL],
  ["a path as a training run", sub("train", "resume", TEACHER, str("run", "../../../etc")), /^⚠️ No training run here matches that name: see \/train list\.$/],
  ["SQL as a training run", sub("train", "status", TEACHER, str("run", "' OR '1'='1")), /^⚠️ No training run here matches "' OR '1'='1": see \/train list\.$/],
  ["SQL as a provenance target", cmd("provenance", str("target", "' OR 1=1 --")), /^⚠️ That is not a message link, message id or generation id: /],
  ["6,000 characters as a provenance target", cmd("provenance", str("target", long)), /^⚠️ That is not a message link, message id or generation id: /],
  ["an unknown generation id", cmd("provenance", str("target", NO_SUCH)), /^⚠️ No GenLab generation matches `0{8}-/],
  ["a path as a generation to cancel", cmd("cancel", str("generation", "../../etc")), /^⚠️ That is not a generation id: /],
  ["a path in a result button", button("gen:info:../../etc"), /^⚠️ This button is not one of GenLab's\.$/],
  ["an unknown action in a result button", button(`gen:rm -rf:${NO_SUCH}`), /^⚠️ This button is not one of GenLab's\.$/],
  ["an unknown generation in a result button", button(`gen:delete:${NO_SUCH}`), /^⚠️ GenLab has no record of this image any more\.$/],
  ["NUL in a result button", button(`gen:reroll:${NO_SUCH}\u0000`), /^⚠️ This button is not one of GenLab's\.$/],
  ["a 500-character custom id", button(`gen:info:${"f".repeat(490)}`), /^⚠️ This button is not one of GenLab's\.$/],
  ["a button of no GenLab command", button("evil:x"), /^⚠️ This button is no longer active\.$/],
  ["a prototype key as a result button's action", button(`gen:constructor:${NO_SUCH}`), /^⚠️ This button is not one of GenLab's\.$/],
  ["a prototype key as /train's button action", button("train:__proto__:x", TEACHER), /^⚠️ This button is not one of GenLab's\.$/],
  ["a student's Stop with a path", button("train:stop:../../x"), /^⚠️ Only teachers can stop training runs/],
  ["a teacher's Stop of no run", button("train:stop:../../x", TEACHER), /^⚠️ No training run here matches "\.\.\/\.\.\/x": see \/train list\.$/],
];

/** The reply with the user's own words taken out: what is left is what GenLab chose to say. */
function withoutEcho(content: string, interaction: InteractOptions): string {
  const typed: string[] = [interaction.customId ?? ""];
  const walk = (os: { value?: unknown; options?: unknown[] }[] = []) => os.forEach((o) => (typeof o.value === "string" && typed.push(o.value), walk(o.options as never)));
  walk(interaction.options);
  for (const t of typed.filter(Boolean)) content = content.split(t).join("").split(printable(t, 80)).join("").split(printable(t)).join("");
  return content;
}

const HOST = /\/proc|\/etc\/|\/root|\/work|\/tmp|node_modules|assets\/|\.ts:\d|Error:|Something went wrong/;

describe("hostile Discord input: one sentence, nothing queued or saved, nothing revealed", () => {
  it("has at least 30 rows", () => expect(rows.length).toBeGreaterThanOrEqual(30));

  it.each(rows)("%s", async (_, interaction, expected) => {
    const [generations, settings] = await Promise.all([app.db.prisma.generation.count(), app.db.prisma.guild.findMany()]);
    const cb = await fake.interact(interaction).callback();
    const content = String(cb.data?.content ?? "");
    expect(content).toMatch(expected);
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content.split("\n")).toHaveLength(1);
    expect(withoutEcho(content, interaction)).not.toMatch(HOST);
    expect(cb.data.allowed_mentions).toEqual({ parse: [] }); // an echoed @everyone pings no one
    expect(await app.db.prisma.generation.count()).toBe(generations);
    expect(await app.db.prisma.guild.findMany()).toEqual(settings);
  });

  it("autocomplete of a path or a control character offers nothing", async () => {
    for (const value of ["/etc", "../..", "/proc/self/cwd/assets/gan", "mnist\u0000"]) {
      const cb = await fake.interact({ type: 4, name: "gan", ...STUDENT, options: [{ type: 1, name: "sample", options: [{ name: "model", type: 3, value, focused: true }] }] }).callback();
      expect(cb.data.choices).toEqual([]);
    }
  });

  it("150 spellings of one model's path load nothing: memory stays flat", async () => {
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 150; i++) {
      const spelling = `/proc/self/cwd/${"./".repeat(i)}assets/gan/mnist-mlp`;
      const cb = await fake.interact(gan(str("model", spelling))).callback();
      expect(cb.data.content).toMatch(NO_MODEL);
    }
    // A loaded generator is megabytes of weights; 150 loads were 850 MB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  });
});
