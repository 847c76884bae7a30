/**
 * The value schemas shared by requests: amounts, currency codes, identifiers, and the
 * percent-encoding of identifiers in paths.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { isCurrencyCode, minorUnits } from "./currency.ts"

/** A decimal string with at most 13 integer digits and 3 decimals, as Ottu's operations accept. */
export const Amount: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.pattern(/^\d{1,13}(\.\d{1,3})?$/, {
    message: () => 'must be a decimal string with at most 3 decimals, such as "20.000"',
  }),
)

/** True when a valid amount string is zero. */
export const isZero = (amount: string): boolean => /^0+(\.0*)?$/.test(amount)

/**
 * A message when `amount` has non-zero digits past the currency's decimals ("20.123" in USD),
 * undefined when it fits.
 */
export const excessDecimals = (amount: string, currency: string): string | undefined => {
  const decimals = minorUnits(currency)
  const fraction = amount.split(".")[1] ?? ""
  if (decimals === undefined || /^0*$/.test(fraction.slice(decimals))) return undefined
  return `${currency} takes at most ${decimals} decimals`
}

/** An active ISO 4217 alphabetic code. */
export const CurrencyCode: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.filter((code) => isCurrencyCode(code) || "must be an ISO 4217 currency code, such as KWD"),
)

/** Ottu's path identifiers (`session_id`, card tokens): letters, digits, `_` and `-`. */
export const PathId: Schema.filter<Schema.filter<typeof Schema.String>> = Schema.String.pipe(
  Schema.pattern(/^[-\w]+$/, { message: () => "must contain only letters, digits, _ and -" }),
  Schema.maxLength(128),
)

/** A bounded string. */
export const Text = (max: number): Schema.filter<typeof Schema.String> =>
  Schema.String.pipe(Schema.maxLength(max))

/** A string of at most 2000 characters that parses as an absolute http(s) URL. */
export const Url: Schema.filter<Schema.filter<typeof Schema.String>> = Schema.String.pipe(
  Schema.maxLength(2000),
  Schema.filter((u) => /^https?:\/\/[^\s]+$/.test(u) || "must be an absolute http(s) URL"),
)

/** A bounded integer. */
export const IntBetween = (
  min: number,
  max: number,
): Schema.filter<Schema.filter<typeof Schema.Int>> =>
  Schema.Int.pipe(Schema.greaterThanOrEqualTo(min), Schema.lessThanOrEqualTo(max))

/** A calendar date `YYYY-MM-DD`. */
export const DateString: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "must be a date YYYY-MM-DD" }),
)

/** An e-mail address (a light check; Ottu validates fully). */
export const Email: Schema.filter<Schema.filter<typeof Schema.String>> = Schema.String.pipe(
  Schema.maxLength(128),
  Schema.pattern(/^[^\s@]+@[^\s@]+$/, { message: () => "must be an e-mail address" }),
)

/** An operation's `Tracking-Key`: 1 to 255 printable ASCII characters, no spaces. */
export const TrackingKey: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.pattern(/^[\x21-\x7e]{1,255}$/, {
    message: () => "must be 1 to 255 printable ASCII characters without spaces",
  }),
)

/** The fields of an answer the schema does not name, kept as they came. */
export const Rest: Schema.Record$<typeof Schema.String, typeof Schema.Unknown> = Schema.Record({
  key: Schema.String,
  value: Schema.Unknown,
})

/** An optional answer field that may be `null` or a string. */
export const optionalText: Schema.optional<Schema.NullOr<typeof Schema.String>> = Schema.optional(
  Schema.NullOr(Schema.String),
)

/** An optional answer field that may be `null` or an object. */
export const optionalObject: Schema.optional<Schema.NullOr<typeof Rest>> = Schema.optional(
  Schema.NullOr(Rest),
)
