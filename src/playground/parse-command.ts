import { ApplicationCommandOptionType, type APIApplicationCommandOption, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";

/**
 * Turns what a playground user types ("/gan sample n:16 label:Bag", "/imagine a cyberpunk
 * street") into the option objects Discord would send, checked the way Discord's client
 * checks them (required options, types, ranges, choices), so the bot sees the same input.
 */
export type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

export interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: RawOption[];
  focused?: boolean;
}

export interface ParsedCommand {
  name: string;
  options: RawOption[];
  /** For autocomplete: the option being typed (the last one, with its partial value). */
  focused?: { name: string; value: string; option: APIApplicationCommandOption };
  /** The leaf option list (after sub-commands), for suggesting the next option. */
  leafOptions: APIApplicationCommandOption[];
}

export class CommandInputError extends Error {}

const SUB = ApplicationCommandOptionType.Subcommand;
const GROUP = ApplicationCommandOptionType.SubcommandGroup;

export function parseCommandLine(text: string, commands: CommandJson[], opts: { partial?: boolean } = {}): ParsedCommand {
  const trimmed = text.replace(/^\s+/, "");
  if (!trimmed.startsWith("/")) throw new CommandInputError("Commands start with / — for example /gan sample n:16.");
  let rest = trimmed.slice(1);
  const name = /^[\w-]+/.exec(rest)?.[0] ?? "";
  const command = commands.find((c) => c.name === name);
  if (!command) throw new CommandInputError(`There is no /${name || "…"} command: type / to see the list.`);
  rest = rest.slice(name.length);

  // Sub-command group and sub-command are plain words, as in Discord's own box.
  let leaf: APIApplicationCommandOption[] = command.options ?? [];
  const wrap: { name: string; type: number }[] = [];
  for (let depth = 0; depth < 2 && leaf.some((o) => o.type === SUB || o.type === GROUP); depth++) {
    const word = /^\s*([\w-]+)/.exec(rest);
    const sub = word ? leaf.find((o) => (o.type === SUB || o.type === GROUP) && o.name === word[1]) : undefined;
    if (!sub) {
      const names = leaf.filter((o) => o.type === SUB || o.type === GROUP).map((o) => o.name);
      throw new CommandInputError(`/${name} needs one of: ${names.join(", ")} (e.g. /${name} ${names[0]}).`);
    }
    wrap.push({ name: sub.name, type: sub.type });
    rest = rest.slice(word![0].length);
    leaf = ("options" in sub ? (sub.options as APIApplicationCommandOption[] | undefined) : undefined) ?? [];
  }

  const values = splitOptions(rest, leaf, name);
  const out: RawOption[] = [];
  let focused: ParsedCommand["focused"];
  values.forEach(({ option, value }, i) => {
    const last = i === values.length - 1;
    if (opts.partial && last && /\S*$/.test(rest) && !/\s$/.test(rest)) {
      focused = { name: option.name, value, option };
      out.push({ name: option.name, type: option.type, value, focused: true });
      return;
    }
    out.push({ name: option.name, type: option.type, value: convert(option, value) });
  });
  if (!opts.partial) {
    const missing = leaf.filter((o) => "required" in o && o.required && !out.some((v) => v.name === o.name));
    if (missing.length) throw new CommandInputError(`/${[name, ...wrap.map((w) => w.name)].join(" ")} needs ${missing.map((o) => `${o.name}:`).join(" and ")} — ${missing[0]!.description}.`);
  }
  let options = out;
  for (const w of [...wrap].reverse()) options = [{ name: w.name, type: w.type, options }];
  return { name, options, focused, leafOptions: leaf };
}

/** "n:16 label:Bag" → pairs; leading text without "name:" goes to the first required option. */
function splitOptions(text: string, leaf: APIApplicationCommandOption[], command: string): { option: APIApplicationCommandOption; value: string }[] {
  const names = leaf.map((o) => o.name).sort((a, b) => b.length - a.length);
  if (!text.trim()) return [];
  const marker = names.length ? new RegExp(`(^|\\s)(${names.map(escape).join("|")}):`, "g") : null;
  const hits = marker ? [...text.matchAll(marker)].map((m) => ({ name: m[2]!, start: m.index! + m[1]!.length, valueStart: m.index! + m[0].length })) : [];
  const pairs: { option: APIApplicationCommandOption; value: string }[] = [];
  const lead = text.slice(0, hits[0]?.start ?? text.length).trim();
  if (lead) {
    const first = leaf.find((o) => "required" in o && o.required) ?? leaf[0];
    if (!first || first.type !== ApplicationCommandOptionType.String) {
      throw new CommandInputError(`Give options as name:value, e.g. /${command} ${leaf.map((o) => `${o.name}:…`).slice(0, 2).join(" ")}.`);
    }
    pairs.push({ option: first, value: unquote(lead) });
  }
  hits.forEach((h, i) => {
    const option = leaf.find((o) => o.name === h.name)!;
    if (pairs.some((p) => p.option.name === option.name)) throw new CommandInputError(`${option.name}: is given twice.`);
    pairs.push({ option, value: unquote(text.slice(h.valueStart, hits[i + 1]?.start ?? text.length).trim()) });
  });
  return pairs;
}

function convert(option: APIApplicationCommandOption, raw: string): string | number | boolean {
  const o = option as APIApplicationCommandOption & { min_value?: number; max_value?: number; min_length?: number; max_length?: number; choices?: { name: string; value: string | number }[] };
  if (raw === "") throw new CommandInputError(`${option.name}: needs a value.`);
  switch (option.type) {
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const v = Number(raw);
      const whole = option.type === ApplicationCommandOptionType.Integer;
      if (!Number.isFinite(v) || (whole && !Number.isInteger(v))) throw new CommandInputError(`${option.name}: must be ${whole ? "a whole number" : "a number"}, not ${raw}.`);
      if (o.min_value !== undefined && v < o.min_value) throw new CommandInputError(`${option.name}: must be at least ${o.min_value}.`);
      if (o.max_value !== undefined && v > o.max_value) throw new CommandInputError(`${option.name}: must be at most ${o.max_value}.`);
      return checkChoice(o, v);
    }
    case ApplicationCommandOptionType.Boolean:
      if (!/^(true|false|yes|no)$/i.test(raw)) throw new CommandInputError(`${option.name}: must be true or false.`);
      return /^(true|yes)$/i.test(raw);
    case ApplicationCommandOptionType.String:
      if (o.max_length !== undefined && raw.length > o.max_length) throw new CommandInputError(`${option.name}: is at most ${o.max_length} characters.`);
      if (o.min_length !== undefined && raw.length < o.min_length) throw new CommandInputError(`${option.name}: needs at least ${o.min_length} characters.`);
      return checkChoice(o, raw);
    default:
      throw new CommandInputError(`${option.name}: (a Discord ${ApplicationCommandOptionType[option.type]}) cannot be given in the playground; leave it out.`);
  }
}

function checkChoice<T extends string | number>(o: { name: string; choices?: { name: string; value: string | number }[] }, v: T): T {
  if (!o.choices?.length) return v;
  const hit = o.choices.find((c) => c.value === v || c.name.toLowerCase() === String(v).toLowerCase());
  if (!hit) throw new CommandInputError(`${o.name}: must be one of ${o.choices.map((c) => c.value).join(", ")}.`);
  return hit.value as T;
}

function unquote(s: string): string {
  return /^".*"$/.test(s) ? s.slice(1, -1) : s;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}
