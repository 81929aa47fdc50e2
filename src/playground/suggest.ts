import { ApplicationCommandOptionType, type APIApplicationCommandOption } from "discord.js";
import { CommandInputError, parseCommandLine, type CommandJson, type RawOption } from "./parse-command.ts";

export interface Suggestion {
  /** What the list shows. */
  label: string;
  detail?: string;
  /** The whole input line after choosing it. */
  text: string;
}

export type Autocomplete = (command: string, options: RawOption[]) => Promise<{ name: string; value: string | number }[]>;

const SUB = ApplicationCommandOptionType.Subcommand;
const GROUP = ApplicationCommandOptionType.SubcommandGroup;

/**
 * What the command box offers next, like Discord's: command names, then the options not yet
 * given, then values — from the bot's own autocomplete handler (through `autocomplete`, a real
 * interaction) or the option's fixed choices.
 */
export async function suggest(text: string, commands: CommandJson[], autocomplete: Autocomplete): Promise<{ suggestions: Suggestion[]; hint?: string }> {
  const typed = text.trimStart();
  const paths = commands.flatMap((c) => commandPaths(c));
  const head = typed.trimEnd();
  const onPath = paths.filter((p) => p.path.startsWith(head.startsWith("/") ? head : `/${head}`) && !typed.startsWith(`${p.path} `));
  if (!/\w+:/.test(typed) && onPath.length && !paths.some((p) => typed.startsWith(`${p.path} `))) {
    return { suggestions: onPath.slice(0, 25).map((p) => ({ label: p.path, detail: p.description, text: `${p.path} ` })) };
  }
  let parsed;
  try {
    parsed = parseCommandLine(typed, commands, { partial: true });
  } catch (e) {
    if (e instanceof CommandInputError) return { suggestions: [], hint: e.message };
    throw e;
  }
  const f = parsed.focused;
  if (f) {
    const o = f.option as APIApplicationCommandOption & { autocomplete?: boolean; choices?: { name: string; value: string | number }[] };
    const stem = typed.slice(0, typed.length - f.value.length);
    let choices: { name: string; value: string | number }[] = [];
    if (o.autocomplete) choices = await autocomplete(parsed.name, parsed.options);
    else if (o.choices) choices = o.choices.filter((c) => `${c.name} ${c.value}`.toLowerCase().includes(f.value.toLowerCase()));
    return { suggestions: choices.slice(0, 25).map((c) => ({ label: c.name, text: `${stem}${c.value} ` })), hint: choices.length ? undefined : o.description };
  }
  const given = new Set(flatten(parsed.options).map((v) => v.name));
  const next = parsed.leafOptions.filter((o) => !given.has(o.name) && o.type !== SUB && o.type !== GROUP);
  const spaced = /\s$/.test(typed) ? typed : `${typed} `;
  return {
    suggestions: next.map((o) => ({ label: `${o.name}:`, detail: `${"required" in o && o.required ? "required · " : ""}${o.description}`, text: `${spaced}${o.name}:` })),
  };
}

function commandPaths(c: CommandJson): { path: string; description: string }[] {
  const subs = (c.options ?? []).filter((o) => o.type === SUB || o.type === GROUP);
  if (!subs.length) return [{ path: `/${c.name}`, description: c.description }];
  return subs.flatMap((s) => {
    const inner = (("options" in s ? s.options : undefined) ?? []) as APIApplicationCommandOption[];
    if (s.type === GROUP) return inner.map((leaf) => ({ path: `/${c.name} ${s.name} ${leaf.name}`, description: leaf.description }));
    return [{ path: `/${c.name} ${s.name}`, description: s.description }];
  });
}

function flatten(options: RawOption[]): RawOption[] {
  return options.flatMap((o) => (o.options ? flatten(o.options) : [o]));
}
