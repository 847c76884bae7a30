/**
 * Flags the commands share: optional flags, the checkout's currency, gateways and type, and how
 * their values join the SDK's input.
 *
 * @module
 */
import * as Options from "@effect/cli/Options"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"

/** An optional text flag, as `{name: value}` when given (for the SDK's optional fields). */
export const given = <K extends string>(
  name: K,
  value: Option.Option<string>,
): { [P in K]?: string } =>
  Option.match(value, {
    onNone: () => ({}),
    onSome: (v) => ({ [name]: v }) as { [P in K]: string },
  })

/** `--name TEXT`, optional. */
export const optionalText = (
  name: string,
  description: string,
): Options.Options<Option.Option<string>> =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

/** A comma-separated list (`knet,credit-card`), its items trimmed, empty ones dropped. */
const commaList = (text: string): Array<string> =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")

/** `--name SECRET`, optional (kept `Redacted`). */
export const optionalRedacted = (
  name: string,
  description: string,
): Options.Options<Option.Option<Redacted.Redacted<string>>> =>
  Options.redacted(name).pipe(Options.withDescription(description), Options.optional)

/** `--name INTEGER`, optional. */
export const optionalInteger = (
  name: string,
  description: string,
): Options.Options<Option.Option<number>> =>
  Options.integer(name).pipe(Options.withDescription(description), Options.optional)

/** `--currency-code TEXT`: the ISO 4217 code of a checkout. */
export const currencyCode: Options.Options<string> = Options.text("currency-code").pipe(
  Options.withDescription("ISO 4217 code"),
)

/** `--pg-codes TEXT`: the gateway codes, comma-separated, read as a list ({@link commaList}). */
export const pgCodes = (description: string): Options.Options<Array<string>> =>
  Options.text("pg-codes").pipe(Options.withDescription(description), Options.map(commaList))

/** `--type`: the checkout type, `fallback` when not given (and listed first in the help). */
export const checkoutType = (
  fallback: "e_commerce" | "payment_request",
): Options.Options<"e_commerce" | "payment_request"> =>
  Options.choice("type", [
    fallback,
    fallback === "e_commerce" ? "payment_request" : "e_commerce",
  ]).pipe(Options.withDefault(fallback))
