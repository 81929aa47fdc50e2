import { randomInt } from "node:crypto";
import { z } from "zod";
import { EngineInputError, printable } from "./errors.ts";

/**
 * Request fields every engine shares, as zod schemas, and the one place a failed field becomes
 * the sentence the user reads. A field is absent when a caller leaves it out (undefined), Discord
 * sends an unset option (null) or a form field is cleared (""): absent takes the default.
 */
export function isAbsent(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === "";
}

/** A user's value as a refusal quotes it: printable and short, whatever was sent. */
export function shown(raw: unknown): string {
  return printable(String(raw));
}

/**
 * One field: `schema` parses a present value, `fallback` stands in for an absent one (none:
 * the field is optional), and any failure is the one sentence `refusal` writes from the raw
 * value — so the user reads what they typed, not what zod coerced it to.
 */
export function field<T>(schema: z.ZodType<T>, refusal: (raw: unknown) => string, fallback: () => T): z.ZodType<T>;
export function field<T>(schema: z.ZodType<T>, refusal: (raw: unknown) => string, fallback?: () => T): z.ZodType<T | undefined>;
export function field<T>(schema: z.ZodType<T>, refusal: (raw: unknown) => string, fallback?: () => T): z.ZodType<T | undefined> {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx) => {
      if (isAbsent(raw)) return fallback?.();
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: refusal(raw) });
      return z.NEVER;
    }) as z.ZodType<T | undefined>;
}

type Opts<T> = { default?: T; note?: string };

/** A whole number from min to max; `note` goes after the range ("for 5 prompts"). */
export function wholeNumber(name: string, min: number, max: number, opts: Opts<number> & { default: number }): z.ZodType<number>;
export function wholeNumber(name: string, min: number, max: number, opts?: Opts<number>): z.ZodType<number | undefined>;
export function wholeNumber(name: string, min: number, max: number, opts: Opts<number> = {}) {
  return field(z.coerce.number().int().min(min).max(max), (raw) => `${name} must be a whole number from ${min} to ${max}${after(opts.note)}, not ${shown(raw)}.`, fallback(opts));
}

/** A seed from 0 to max (image i of a request often uses seed + i, hence a lower max); drawn at random when absent. */
export function seed(max = 2 ** 32 - 1): z.ZodType<number> {
  // Below 2^31, so a drawn seed can be typed back into a Discord integer option.
  return field(z.coerce.number().int().min(0).max(max), (raw) => `seed must be a whole number from 0 to ${max}, not ${shown(raw)}.`, () => randomInt(2 ** 31));
}

/** A finite number from min (or above it, with `above`) to max; `note` says how to read it. */
export function number(name: string, range: Opts<number> & { min: number; max: number; above?: boolean; default: number }): z.ZodType<number>;
export function number(name: string, range: Opts<number> & { min: number; max: number; above?: boolean }): z.ZodType<number | undefined>;
export function number(name: string, range: Opts<number> & { min: number; max: number; above?: boolean }) {
  const lower = range.above ? z.coerce.number().gt(range.min) : z.coerce.number().min(range.min);
  const words = range.above ? `above ${range.min} and at most ${range.max}` : `from ${range.min} to ${range.max}`;
  return field(lower.max(range.max), (raw) => `${name} must be a number ${words}${after(range.note)}, not ${shown(raw)}.`, fallback(range));
}

/** One of a few names; `choices` is how the sentence lists them (default "one of a, b, c"). */
export function oneOf<const T extends readonly string[]>(name: string, values: T, opts: Opts<T[number]> & { choices?: string; default: T[number] }): z.ZodType<T[number]>;
export function oneOf<const T extends readonly string[]>(name: string, values: T, opts?: Opts<T[number]> & { choices?: string }): z.ZodType<T[number] | undefined>;
export function oneOf<const T extends readonly string[]>(name: string, values: T, opts: Opts<T[number]> & { choices?: string } = {}) {
  const choices = opts.choices ?? `one of ${values.join(", ")}`;
  return field(z.enum(values), (raw) => `${name} must be ${choices}, not ${shown(raw)}.`, fallback(opts));
}

/** A model's name as given, undefined when absent: the engine's catalog says whether it exists. */
export function modelName(): z.ZodType<string | undefined> {
  return field(z.coerce.string(), (raw) => `model must be a name, not ${shown(raw)}.`);
}

function fallback<T>(opts: Opts<T>): (() => T) | undefined {
  return opts.default === undefined ? undefined : () => opts.default as T;
}

function after(note: string | undefined): string {
  return note ? ` ${note}` : "";
}

/** Parses a request with `schema`; the first field that fails is the one sentence thrown. */
export function parseParams<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new EngineInputError(parsed.error.issues[0]?.message ?? "The request could not be read.");
}
