import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { ConfigError, UserFacingError } from "../config/errors.ts";
import { redact } from "../config/redact.ts";
import type { Config } from "../config/schema.ts";

// Only what every command needs is imported up front: help is printed before discord.js,
// zod, Prisma or any engine loads, and each command loads what it uses when it runs.

const USAGE = `genlab — a generative-AI course lab in Discord

  genlab start [--shards auto|N]
                               database + worker + Discord bot + web playground (the default; npm start);
                               --shards runs the gateway bot in N shard processes (GENLAB_SHARDS)
  genlab worker                workers only, for GPU hosts sharing one DATABASE_URL
  genlab register-commands [--guild ID | --global]
                               publish the slash commands to Discord
  genlab train …               train a GAN (genlab train --help)
  genlab sample --model NAME|DIR --n 16 [--seed S] [--label K] --out FILE.png
  genlab eval --model NAME|DIR [--n 1000] [--seed S] [--json] [--chart FILE.png]
                               label distribution and classifier-feature FD of a generator
  genlab denoise --model NAME|DIR [--sigma 0.5] [--n 8] [--seed S] --out FILE.png [--json]
                               clean / noisy / GAN-projection comparison with PSNR, SSIM
  genlab biggan --class 207 --n 4 [--truncation 0.4] [--seed S] --out FILE.png [--model-dir DIR]
  genlab biggan-interpolate --from 207 --to 208 [--steps 8] [--seed S] [--to-seed T] --out FILE.png
  genlab imagine "PROMPT" --out FILE.png [--n 4] [--negative T] [--steps S] [--guidance G] [--seed S]
               [--aspect 3:2] [--scheduler euler|euler-a|ddim|lcm] [--model local|hf] [--model-dir DIR]
                               Stable Diffusion text-to-image (SD_MODEL_DIR or HF_TOKEN)
  genlab dataset --prompts FILE|--preset lab1|xray --per-prompt N --out DIR [--zip] [--seed S] …
                               a synthetic image dataset: a folder per prompt, metadata.csv/jsonl
  genlab migrate               apply database migrations and exit
  genlab config                list the settings GenLab reads
  genlab version               the version, and whether it runs compiled JavaScript or the sources
`;

/** Engine commands: they need neither Discord nor the database. */
const ENGINE_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  train: async (a) => (await import("./train.ts")).trainCommand(a),
  sample: async (a) => (await import("./sample.ts")).sampleCommand(a),
  eval: async (a) => (await import("./eval.ts")).evalCommand(a),
  denoise: async (a) => (await import("./denoise.ts")).denoiseCommand(a),
  biggan: async (a) => (await import("./biggan.ts")).bigganCommand(a),
  "biggan-interpolate": async (a) => (await import("./biggan.ts")).bigganInterpolateCommand(a),
  imagine: async (a) => (await import("./imagine.ts")).imagineCommand(a),
  dataset: async (a) => (await import("./dataset.ts")).datasetCommand(a),
};

/** `genlab CMD --help`: CMD's entry in USAGE, with its continuation lines (train has a longer one). */
async function usageOf(cmd: string): Promise<string> {
  if (cmd === "train") return `${(await import("./train.ts")).TRAIN_USAGE}\n`;
  const lines = USAGE.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`  genlab ${cmd} `));
  let end = start + 1;
  while (end < lines.length && /^ {3,}\S/.test(lines[end]!)) end++;
  return lines.slice(start, end).map((l) => l.slice(2)).join("\n") + "\n";
}

async function main(argv: string[]): Promise<number> {
  const engine = ENGINE_COMMANDS[argv[0] ?? ""];
  if (engine && (argv.includes("--help") || argv.includes("-h"))) return void process.stdout.write(await usageOf(argv[0]!)), 0;
  if (engine) return engine(argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { guild: { type: "string" }, global: { type: "boolean" }, shards: { type: "string" }, help: { type: "boolean", short: "h" }, version: { type: "boolean" } },
  });
  const cmd = positionals[0] ?? "start";
  if (values.help || cmd === "help") return void process.stdout.write(USAGE), 0;
  if (values.version || cmd === "version") {
    const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };
    // Compiled at install (dist/, JavaScript) or run from the sources (tsx): see bin/genlab.js.
    return void process.stdout.write(`genlab ${version} (${import.meta.url.endsWith(".js") ? "compiled JavaScript in dist/" : "TypeScript sources through tsx"})\n`), 0;
  }
  if (cmd === "config") {
    const { configHelp } = await import("../config/schema.ts");
    for (const [k, v] of Object.entries(configHelp)) process.stdout.write(`${k.padEnd(32)} ${v}\n`);
    return 0;
  }
  const [{ loadConfig, secretValues }, { registerSecrets }, { createLogger }] = await Promise.all([import("../config/load.ts"), import("../config/redact.ts"), import("../log.ts")]);
  // `--shards` is GENLAB_SHARDS for this run.
  const config = loadConfig(values.shards ? { ...process.env, GENLAB_SHARDS: values.shards } : process.env);
  registerSecrets(secretValues(config));
  const log = createLogger(config.LOG_LEVEL);

  switch (cmd) {
    case "start":
    case "worker": {
      const { startApp } = await import("../app.ts");
      const app = await startApp({ config, log, bot: cmd === "start", worker: true, playground: cmd === "start" });
      log.info({ role: cmd, database: app.db.embedded ? "embedded" : "DATABASE_URL" }, "GenLab is running; Ctrl-C stops it");
      // A signal stops GenLab; so does losing its embedded database for good, with that sentence.
      const lost = await Promise.race([untilSignal().then(() => undefined), app.db.lost]);
      log.info("stopping");
      await app.stop();
      if (lost) throw lost;
      return 0;
    }
    case "migrate": {
      const { openDatabase } = await import("../db/database.ts");
      const db = await openDatabase(config, log);
      await db.close();
      return 0;
    }
    case "register-commands":
      return registerCommands(config, values.guild ?? (values.global ? undefined : config.DISCORD_GUILD_ID));
    default:
      throw new UserFacingError(`"${cmd}" is not a genlab command: run \`genlab help\` to see them.`);
  }
}

async function registerCommands(config: Config, guildId: string | undefined): Promise<number> {
  if (!config.DISCORD_TOKEN) throw new ConfigError("DISCORD_TOKEN is not set: register-commands needs the bot token (Developer Portal → your application → Bot).");
  // The definitions alone: registering loads no engine, model runtime or database.
  const [{ REST, Routes }, { definitions }] = await Promise.all([import("discord.js"), import("../commands/definitions/index.ts")]);
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const appId = config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const body = definitions;
  await rest.put(guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId), { body });
  process.stdout.write(`Registered ${body.length} commands ${guildId ? `in guild ${guildId} (available now)` : "globally (may take up to an hour to appear)"}.\n`);
  return 0;
}

/** Ctrl-C, SIGTERM, or SIGHUP (the terminal closed): each stops GenLab in order. */
function untilSignal(): Promise<void> {
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  return new Promise((resolve) => {
    const onSignal = () => {
      // A second signal means "now" (exiting still stops the embedded PostgreSQL).
      for (const [signal, code] of Object.entries(signals)) {
        process.removeListener(signal, onSignal);
        process.once(signal, () => process.exit(code));
      }
      resolve();
    };
    for (const signal of Object.keys(signals)) process.once(signal, onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UserFacingError) {
      process.stderr.write(`genlab: ${redact(error.message)}\n`);
    } else if (String((error as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS")) {
      // A mistyped option: node's own sentence, without the stack.
      process.stderr.write(`genlab: ${redact((error as Error).message.replace(/\.?$/, ""))}: run \`genlab help\` for the commands and their options.\n`);
    } else {
      process.stderr.write(`genlab: stopped by an unexpected error: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    }
    process.exit(1);
  },
);
