/**
 * The messages Ottu signs for a webhook payload, one per scheme (API reference §14.1, §14.2).
 *
 * @internal
 */
import { pythonNumberFromLiteral, pythonStr } from "./pythonText.ts"

/** The 18 top-level fields of the standard scheme, in byte order. */
export const standardFields: ReadonlyArray<string> = [
  "amount",
  "currency_code",
  "customer_address_city",
  "customer_address_country",
  "customer_address_line1",
  "customer_address_line2",
  "customer_address_postal_code",
  "customer_address_state",
  "customer_email",
  "customer_first_name",
  "customer_last_name",
  "customer_phone",
  "gateway_account",
  "gateway_name",
  "order_no",
  "reference_number",
  "result",
  "state",
]

/** The 26 dotted paths of the subscription scheme, in byte order. */
export const subscriptionFields: ReadonlyArray<string> = [
  ...standardFields,
  "agreement.id",
  "extra.autopay.subscription_id",
  "extra.merchant_id",
  "payment_type",
  "session_id",
  "token.customer_id",
  "token.pg_code",
  "token.token",
].sort()

const subscriptionSegments = subscriptionFields.map((path) => path.split("."))

/**
 * The JSON literal of the number at a dotted path of the payload, when the payload's JSON text
 * is known (see `numberLiterals`).
 */
export type NumberLiteral = (path: string) => string | undefined

/** A JSON object as a record. */
export type Payload = Readonly<Record<string, unknown>>

/** True for the values a signer leaves out: absent, `null` and `""`. */
const skipped = (value: unknown): boolean => value === undefined || value === null || value === ""

/** The text of a signed value, as Python's `str()` writes it. */
const textOf = (value: unknown, path: string, literal: NumberLiteral | undefined): string => {
  if (typeof value === "string") return value
  if (typeof value === "number") {
    const source = literal?.(path)
    if (source !== undefined) return pythonNumberFromLiteral(source)
  }
  return pythonStr(value)
}

/** Standard scheme: `<field><value>` for each signed field present, no separator. */
export const standard = (payload: Payload, literal?: NumberLiteral): string => {
  let message = ""
  for (const field of standardFields) {
    const value = payload[field]
    if (!skipped(value)) message += field + textOf(value, field, literal)
  }
  return message
}

/** The value at a dotted path, walking objects only; undefined when a step is missing. */
const valueAt = (payload: Payload, segments: ReadonlyArray<string>): unknown => {
  let current: unknown = payload
  for (const segment of segments) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined
    current = (current as Payload)[segment]
  }
  return current
}

/** Subscription scheme: `<path>=<value>` for each signed path present, joined by newlines. */
export const subscription = (payload: Payload, literal?: NumberLiteral): string => {
  const lines: Array<string> = []
  subscriptionFields.forEach((path, i) => {
    const value = valueAt(payload, subscriptionSegments[i] as ReadonlyArray<string>)
    if (!skipped(value)) lines.push(`${path}=${textOf(value, path, literal)}`)
  })
  return lines.join("\n")
}
