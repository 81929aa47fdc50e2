import { randomBytes } from "node:crypto";
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type RepliableInteraction,
} from "discord.js";
import { UserFacingError } from "../config/errors.ts";
import { redact } from "../config/redact.ts";
import type { Logger } from "../log.ts";

/**
 * A check the router runs before a handler (as sapphire's preconditions do): it throws a
 * UserFacingError, whose sentence the user gets, to refuse.
 */
export type Precondition<C> = (interaction: ChatInputCommandInteraction | ButtonInteraction, ctx: C) => Promise<void>;

/**
 * Preconditions by what they guard: "*" every use of the command or button, a subcommand's name
 * that subcommand, a button action (the custom id's second part) that button.
 */
export type Preconditions<C> = Readonly<Record<string, readonly Precondition<C>[]>>;

/**
 * What the router needs of a slash command: it is generic over the context handlers get, so
 * that this layer knows nothing of the commands above it.
 */
export interface RoutedCommand<C> {
  defer: "public" | "ephemeral" | "none";
  preconditions?: Preconditions<C>;
  execute(interaction: ChatInputCommandInteraction, ctx: C): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: C): Promise<void>;
  button?(interaction: ButtonInteraction, ctx: C, id: ButtonId): Promise<void>;
}

/**
 * A button's custom id, `<prefix>:<action>:<target>`, split once by the router. It comes back
 * from clients: handlers still check that action and target are shapes they know.
 */
export interface ButtonId {
  prefix: string;
  action: string;
  target: string;
}

/** A button handler not owned by one command, keyed by its custom-id prefix. */
export interface RoutedButton<C> {
  preconditions?: Preconditions<C>;
  handle(interaction: ButtonInteraction, ctx: C, id: ButtonId): Promise<void>;
}

export interface Routes<C> {
  commands: ReadonlyMap<string, RoutedCommand<C>>;
  buttons: ReadonlyMap<string, RoutedButton<C>>;
}

/**
 * Dispatches interactions to command modules. Each interaction runs inside its own error
 * boundary: the user gets one short ephemeral sentence (with an error id to quote), the log
 * gets the whole error, and no other interaction is affected.
 */
export function createRouter<C extends { log: Logger }>({ commands, buttons }: Routes<C>, ctx: C) {
  return async function route(interaction: Interaction): Promise<void> {
    const started = performance.now();
    let name = "?";
    try {
      if (interaction.isChatInputCommand()) {
        name = interaction.commandName;
        const bad = optionWithControlCharacter(interaction.options.data);
        if (bad) return void (await replyError(interaction, `The option \`${bad}\` contains an invisible control character: type it again without it.`));
        const command = commands.get(name);
        if (!command) return void (await replyError(interaction, `/${name} is not a command of this GenLab version: run \`genlab register-commands\` to refresh the list.`));
        await runPreconditions(command.preconditions, interaction.options.getSubcommand(false), interaction, ctx);
        if (command.defer !== "none") {
          await interaction.deferReply(command.defer === "ephemeral" ? { flags: MessageFlags.Ephemeral } : {});
        }
        await command.execute(interaction, ctx);
      } else if (interaction.isAutocomplete()) {
        name = interaction.commandName;
        if (optionWithControlCharacter(interaction.options.data)) return void (await interaction.respond([]));
        await commands.get(name)?.autocomplete?.(interaction, ctx);
      } else if (interaction.isButton()) {
        // Custom ids come back from clients: GenLab's are short and printable.
        if (interaction.customId.length > 100 || CONTROL.test(interaction.customId)) return void (await replyError(interaction, "This button is not one of GenLab's."));
        const [prefix = "", action = "", target = ""] = interaction.customId.split(":");
        const id: ButtonId = { prefix, action, target };
        name = prefix;
        const shared = buttons.get(prefix);
        const command = commands.get(prefix);
        if (shared) {
          await runPreconditions(shared.preconditions, action, interaction, ctx);
          await shared.handle(interaction, ctx, id);
        } else if (command?.button) {
          await runPreconditions(command.preconditions, action, interaction, ctx);
          await command.button(interaction, ctx, id);
        } else await replyError(interaction, "This button is no longer active.");
      }
      ctx.log.debug({ command: name, ms: Math.round(performance.now() - started) }, "interaction handled");
    } catch (error) {
      const errorId = randomBytes(4).toString("hex");
      ctx.log.error({ err: error, errorId, command: name, user: interaction.user.id }, "interaction failed");
      if (interaction.isRepliable()) {
        const text = error instanceof UserFacingError ? redact(error.message) : `Something went wrong (error id ${errorId}); the teacher can find it in the GenLab logs.`;
        await replyError(interaction, text).catch((e) => ctx.log.warn({ err: e, errorId }, "could not report the error to the user"));
      }
    }
  };
}

/** The preconditions for everything ("*"), then those for this subcommand or button action, in order. */
async function runPreconditions<C>(all: Preconditions<C> | undefined, key: string | null, interaction: ChatInputCommandInteraction | ButtonInteraction, ctx: C): Promise<void> {
  if (!all) return;
  // The key can come from a client's custom id: only the record's own entries count ("constructor" is not one).
  const own = (k: string) => (Object.hasOwn(all, k) ? all[k]! : []);
  for (const check of [...own("*"), ...(key && key !== "*" ? own(key) : [])]) await check(interaction, ctx);
}

// eslint-disable-next-line no-control-regex -- these are what must not reach the database or a reply
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The name of the first string option (at any depth) holding a control character, if any. */
function optionWithControlCharacter(options: readonly CommandInteractionOption[]): string | undefined {
  for (const o of options) {
    if (typeof o.value === "string" && CONTROL.test(o.value)) return o.name;
    const inner = o.options && optionWithControlCharacter(o.options);
    if (inner) return inner;
  }
  return undefined;
}

/** An error may quote what the user typed ("@everyone"): it pings no one. */
const NO_PINGS = { parse: [] };

/** Discord refuses messages over 2,000 characters: the user would see nothing at all. */
const MAX_CONTENT = 2000;

/** An ephemeral error in whatever form the interaction still allows. */
export async function replyError(interaction: RepliableInteraction, text: string): Promise<void> {
  const full = `⚠️ ${text}`;
  const content = full.length > MAX_CONTENT ? `${full.slice(0, MAX_CONTENT - 1)}…` : full;
  if (interaction.deferred && !interaction.replied) {
    // A deferred public reply cannot become ephemeral: say it there.
    await interaction.editReply({ content, embeds: [], files: [], components: [], allowedMentions: NO_PINGS });
  } else if (interaction.replied) {
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  } else {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  }
}
