// The one parser of numeric query parameters: decimal digits only, within the documented bounds.
import { z } from "zod";

const DIGITS = /^[0-9]+$/;

/**
 * A query parameter that is an integer from `min` to `max`, written in decimal digits only (leading zeros allowed:
 * `05` is 5). `z.coerce.number()` took `0x10`, ` 5`, `1e1` and `""` (as 0) for numbers; one rule for every
 * endpoint keeps clients from relying on spellings that happen to parse. Anything else is a 400 bad_request whose
 * message names the parameter and its bounds. `fallback`, when given, is the value of an absent parameter.
 */
export function queryInteger(name: string, min: number, max: number): z.ZodType<number | undefined, string | undefined>;
export function queryInteger(name: string, min: number, max: number, fallback: number): z.ZodType<number, string | undefined>;
export function queryInteger(name: string, min: number, max: number, fallback?: number): z.ZodType<number | undefined, string | undefined> {
  const message = `${name} must be a whole number from ${min} to ${max}, in decimal digits`;
  const integer = z.string()
    .regex(DIGITS, message)
    // Digits only, so Number is exact within the bounds; a longer run of digits becomes large and fails the bounds.
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
  // The document shows the number a client sends (the string schema with a number default read oddly).
  const shown = { description: message, type: "integer", minimum: min, maximum: max } as const;
  return fallback === undefined
    ? integer.optional().meta(shown)
    : integer.default(fallback).meta({ ...shown, default: fallback });
}
