/**
 * Ottu webhooks: the HMAC-SHA256 signature of both of Ottu's schemes, the schemas of payment and
 * operation events, and {@link verify}, which checks a body's signature and decodes its event.
 * Everything here is pure and synchronous, on Deno, Bun and Node alike.
 *
 * **How a value becomes signed text** (API reference §14.3). Ottu's signer writes each signed
 * value with Python's `str()`:
 *
 * | value | text |
 * |---|---|
 * | absent, `null`, `""` | the field is left out |
 * | string | as it is (`"0"` and `" "` are kept) |
 * | `true` / `false` | `True` / `False` |
 * | integer | its digits: `86`, `-3`, `0` for `-0` |
 * | float | Python's `repr`: `86.5`, `86.0`, `1e+16`, `1e-05`, `nan`, `inf` |
 * | object / array | Python's `repr`: `{'id': 'a', 'n': 1}`, `['a', True, None]` |
 *
 * The message is then encoded as UTF-8 (a lone surrogate becomes U+FFFD; Python's signer would
 * fail on it). Signed fields are strings in every documented webhook; the other rows matter only
 * for unusual payloads, and have these limits:
 *
 * - A parsed number does not say whether its JSON literal was `86` (a Python integer, `86`) or
 *   `86.000` (a float, `86.0`). {@link verifySignature} takes an integral number as an integer;
 *   {@link verify} given the body's JSON text, and the receiver, read the literal and match
 *   Python exactly, huge integers included.
 * - Inside an object or array, an integral number is written as an integer, and keys come in
 *   JavaScript's order (integer-like keys first), not always in the order Ottu sent them.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as payloads from "./internal/payloads.ts"
import { optionalObject, optionalText, Rest } from "./internal/primitives.ts"
import {
  OttuWebhookDecodeError,
  type OttuWebhookError,
  OttuWebhookSignatureError,
} from "./OttuError.ts"
import { equalInConstantTime, hmacSha256Hex } from "./Webhook/hmac.ts"
import { numberLiterals } from "./Webhook/jsonNumbers.ts"
import { asPlainData } from "./Webhook/plainData.ts"
import type { NumberLiteral, Payload } from "./Webhook/signedMessage.ts"
import * as signed from "./Webhook/signedMessage.ts"

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

/**
 * The 18 top-level fields the standard scheme signs, in the order it signs them.
 *
 * @since 0.1.0
 * @category signatures
 */
export const standardFields: ReadonlyArray<string> = signed.standardFields

/**
 * The 26 fields and dotted paths the subscription scheme signs, in the order it signs them.
 *
 * @since 0.1.0
 * @category signatures
 */
export const subscriptionFields: ReadonlyArray<string> = signed.subscriptionFields

/**
 * The webhook HMAC key set in Ottu's dashboard, as text or `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export type Key = string | Redacted.Redacted<string>

/**
 * Ottu's two signing schemes:
 *
 * - `"standard"`, for every regular webhook: the 18 {@link standardFields} in byte order, each
 *   written as `<field><value>` with no separator at all (`amount86.000currency_codeKWD`);
 * - `"subscription"`, for subscription and autopay webhooks of newer Ottu instances: the 26
 *   {@link subscriptionFields}, dotted paths into nested objects included (`token.pg_code`),
 *   each written as `<path>=<value>`, joined by `\n`.
 *
 * Both leave out fields that are absent, `null` or `""`.
 *
 * @since 0.1.0
 * @category models
 */
export type Scheme = "standard" | "subscription"

const keyText = (key: unknown): string | undefined => {
  const text = Redacted.isRedacted(key) ? Redacted.value(key) : key
  return typeof text === "string" ? text : undefined
}

const isPayload = (value: unknown): value is Payload =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The message a scheme signs for a payload. */
const messageOf = (payload: Payload, scheme: Scheme, literal?: NumberLiteral): string =>
  scheme === "standard" ? signed.standard(payload, literal) : signed.subscription(payload, literal)

/**
 * The signature Ottu puts in a payload's `signature` field: lowercase hex HMAC-SHA256 of the
 * scheme's message under the key (both as UTF-8). `scheme` defaults to `"standard"`. The
 * payload's own `signature` field is not signed, so the result can be added to the payload as
 * it is: a sandbox or a test signs events this way.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-ottu"
 *
 * const payload = { amount: "86.000", currency_code: "KWD", customer_first_name: "example-customer" }
 * Webhook.signatureOf(payload, "pu9MpX3yPR")
 * // "6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67"
 * ```
 *
 * @since 0.1.0
 * @category signatures
 */
export const signatureOf = (
  payload: Readonly<Record<string, unknown>>,
  key: Key,
  scheme: Scheme = "standard",
): string =>
  hmacSha256Hex(typeof key === "string" ? key : Redacted.value(key), messageOf(payload, scheme))

/** Whether `signature` is the payload's signature under `secret` in `scheme`, in constant time. */
const signedWith = (
  scheme: Scheme,
  payload: Payload,
  signature: string,
  secret: string,
  literal: NumberLiteral | undefined,
): boolean =>
  equalInConstantTime(hmacSha256Hex(secret, messageOf(payload, scheme, literal)), signature)

/**
 * The scheme whose signature `signature` is, or undefined: the check shared by
 * {@link verifySignature} and {@link verify}.
 */
const matchingScheme = (
  payload: unknown,
  signature: unknown,
  key: unknown,
  literal?: NumberLiteral,
): Scheme | undefined => {
  const secret = keyText(key)
  if (!isPayload(payload) || typeof signature !== "string" || signature.length !== 64) return
  if (secret === undefined || secret === "") return
  try {
    if (signedWith("standard", payload, signature, secret, literal)) return "standard"
    if (signedWith("subscription", payload, signature, secret, literal)) return "subscription"
  } catch {
    return
  }
}

/**
 * Whether `signature` is the payload's signature under `key`: the standard scheme is tried
 * first, then the subscription scheme, each compared in constant time (ottu-py's
 * `verify_signature`).
 *
 * **Gotchas**
 *
 * - Never throws: a payload that is not an object (an array, a string, `null`), a signature that
 *   is not a string or not 64 characters long (missing, empty), and an empty key all give
 *   `false`. An empty key is refused on purpose: anyone can sign with it (ottu-py's default
 *   `OTTU_WEBHOOK_KEY` is `""`).
 * - The comparison is case-sensitive, as in ottu-py: Ottu sends lowercase hex.
 * - Numbers are taken as parsed: an integral number signs as an integer (`86`), while Ottu's
 *   Python would write `86.0` for a JSON `86.000`. Pass the body's text to {@link verify} to
 *   keep the literal. Signed fields are strings in every documented webhook, so this matters
 *   only for unusual payloads.
 *
 * @since 0.1.0
 * @category signatures
 */
export const verifySignature = (payload: unknown, signature: unknown, key: Key): boolean =>
  matchingScheme(payload, signature, key) !== undefined

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** An event schema: its fields' schema with the `_tag` it adds on decoding. */
type Tagged<Fields extends Schema.Schema.Any, Tag extends string> = Schema.SchemaClass<
  Schema.Schema.Type<Fields> & { readonly _tag: Tag },
  Schema.Schema.Encoded<Fields>
>

/** The user who started a transaction or an operation (Basic-auth users). */
const Initiator: Schema.TypeLiteral<
  {
    readonly id: Schema.optional<typeof Schema.Number>
    readonly username: typeof optionalText
    readonly email: typeof optionalText
    readonly first_name: typeof optionalText
    readonly last_name: typeof optionalText
    readonly phone: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    id: Schema.optional(Schema.Number),
    username: optionalText,
    email: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    phone: optionalText,
  },
  Rest,
)

const PaymentEventFields: Schema.TypeLiteral<
  Omit<typeof payloads.PaymentPayload.fields, "session_id"> & {
    readonly session_id: typeof Schema.String
    readonly operation: typeof optionalText
    readonly amount_details: typeof optionalObject
    readonly customer_email: typeof optionalText
    readonly customer_first_name: typeof optionalText
    readonly customer_last_name: typeof optionalText
    readonly customer_phone: typeof optionalText
    readonly customer_birthdate: typeof optionalText
    readonly customer_address_line1: typeof optionalText
    readonly customer_address_line2: typeof optionalText
    readonly customer_address_city: typeof optionalText
    readonly customer_address_state: typeof optionalText
    readonly customer_address_postal_code: typeof optionalText
    readonly customer_address_country: typeof optionalText
    readonly card_acceptance_criteria: typeof optionalObject
    readonly capture_delivery_address: Schema.optional<Schema.NullOr<typeof Schema.Boolean>>
    readonly capture_delivery_location: Schema.optional<Schema.NullOr<typeof Schema.Boolean>>
    readonly initiator: Schema.optional<Schema.NullOr<typeof Initiator>>
    readonly customer_wallet_transactions: Schema.optional<
      Schema.NullOr<Schema.Array$<typeof Rest>>
    >
    readonly transaction_log_id: Schema.optional<Schema.NullOr<typeof Schema.Number>>
    readonly extra: Schema.optional<typeof Schema.Unknown>
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    ...payloads.PaymentPayload.fields,
    session_id: Schema.String,
    operation: optionalText,
    amount_details: optionalObject,
    customer_email: optionalText,
    customer_first_name: optionalText,
    customer_last_name: optionalText,
    customer_phone: optionalText,
    customer_birthdate: optionalText,
    customer_address_line1: optionalText,
    customer_address_line2: optionalText,
    customer_address_city: optionalText,
    customer_address_state: optionalText,
    customer_address_postal_code: optionalText,
    customer_address_country: optionalText,
    card_acceptance_criteria: optionalObject,
    capture_delivery_address: Schema.optional(Schema.NullOr(Schema.Boolean)),
    capture_delivery_location: Schema.optional(Schema.NullOr(Schema.Boolean)),
    initiator: Schema.optional(Schema.NullOr(Initiator)),
    customer_wallet_transactions: Schema.optional(Schema.NullOr(Schema.Array(Rest))),
    transaction_log_id: Schema.optional(Schema.NullOr(Schema.Number)),
    extra: Schema.optional(Schema.Unknown),
  },
  Rest,
)

/**
 * A payment webhook (Ottu's `SchemaWebhook`), sent when a payment completes and after
 * inquiries: the payment payload the status query also answers with, plus the customer, billing
 * and delivery fields only webhooks carry. `_tag` is added on decoding (Ottu does not send it);
 * every field Ottu sends is kept, named or not.
 *
 * Only `session_id` and `result` are required: Ottu leaves optional fields out, and its own
 * examples omit fields its schema calls required. Amounts Ottu sends as JSON numbers
 * (`paid_amount`, `settled_amount`, ...) are read as strings, so no money goes through a float.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentEvent: Tagged<typeof PaymentEventFields, "PaymentEvent"> =
  PaymentEventFields.annotations({ identifier: "PaymentEvent" }).pipe(
    Schema.attachPropertySignature("_tag", "PaymentEvent"),
  )

/**
 * @since 0.1.0
 * @category models
 */
export type PaymentEvent = typeof PaymentEvent.Type

const OperationEventFields: Schema.TypeLiteral<
  typeof payloads.ExternalOperationResult.fields & {
    readonly initiator: Schema.optional<Schema.NullOr<typeof Initiator>>
    readonly extra: Schema.optional<typeof Schema.Unknown>
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    ...payloads.ExternalOperationResult.fields,
    initiator: Schema.optional(Schema.NullOr(Initiator)),
    extra: Schema.optional(Schema.Unknown),
  },
  Rest,
)

/**
 * An operation webhook (Ottu's `ExternalOperation`), sent for a capture, refund or void, whether
 * asked through the API or the dashboard (`source: "input"`) or done on the gateway's own
 * dashboard (`source: "pg"`): the payload `Operation.capture`, `refund` and `void` answer with.
 * `session_id` is the parent payment's; `txn` is the child transaction the operation created.
 * `_tag` is added on decoding; unknown fields are kept.
 *
 * **Gotchas**: `operation` may be `null` (Ottu's own example shows it), and `result` may be
 * `queued` or `rejected` besides `success` and `failed`: a queued operation is followed by a
 * final webhook later.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OperationEvent: Tagged<typeof OperationEventFields, "OperationEvent"> =
  OperationEventFields.annotations({ identifier: "OperationEvent" }).pipe(
    Schema.attachPropertySignature("_tag", "OperationEvent"),
  )

/**
 * @since 0.1.0
 * @category models
 */
export type OperationEvent = typeof OperationEvent.Type

/**
 * Any webhook event; `_tag` tells which.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Event: Schema.Union<[typeof OperationEvent, typeof PaymentEvent]> = Schema.Union(
  OperationEvent,
  PaymentEvent,
)

/**
 * @since 0.1.0
 * @category models
 */
export type Event = typeof Event.Type

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export {
  /**
   * The body is authentic (its signature matched) but is neither a payment nor an operation event
   * of the documented shape. `reason` says what did not fit.
   *
   * @since 0.1.0
   * @category errors
   */
  OttuWebhookDecodeError,
  /**
   * The body's signature could not be verified: the body is not a JSON object (`malformed`), it
   * has no signature or an empty one (`missing`), or the signature does not match under the key
   * (`mismatch`). Nothing in the body can be trusted.
   *
   * @since 0.1.0
   * @category errors
   */
  OttuWebhookSignatureError,
} from "./OttuError.ts"

/** The payload of a body, and the literal of its numbers when the body is JSON text. */
const payloadOf = (
  body: unknown,
): { readonly payload: Payload; readonly literal?: NumberLiteral } | undefined => {
  if (typeof body !== "string") return isPayload(body) ? { payload: body } : undefined
  let payload: unknown
  try {
    payload = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!isPayload(payload)) return undefined
  let literals: ReadonlyMap<string, string> | undefined
  const literal: NumberLiteral = (path) => {
    literals ??= numberLiterals(body)
    return literals.get(path)
  }
  return { payload, literal }
}

const decodePayment = Schema.decodeUnknownEither(PaymentEvent, { errors: "all" })
const decodeOperation = Schema.decodeUnknownEither(OperationEvent, { errors: "all" })

/** What a value is, never what it holds: `a string`, `a number`, `an object`, `null`... */
const kindOf = (value: unknown): string => {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return "an array"
  return typeof value === "object" ? "an object" : `a ${typeof value}`
}

/** The value at `path` in `payload`, or undefined. */
const valueAt = (payload: Payload, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      typeof value === "object" && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined,
    payload,
  )

/** Schema's messages that hold no value of the payload. */
const valueless = new Set(["is missing", "is unexpected", "is forbidden"])

/**
 * A decoding failure on one line, one entry per field, naming each field and what was expected
 * of it and the kind of value found there, never the value: `is_sandbox: Expected boolean,
 * actual a string; session_id: is missing`. A webhook may carry card numbers and tokens
 * (`token.token`, `token.number`): the reason goes into logs and spans, so no value does.
 */
const describe = (error: ParseResult.ParseError, payload: Payload): string => {
  const byPath = new Map<
    string,
    { at: ReadonlyArray<PropertyKey>; expected: Array<string>; other: Array<string> }
  >()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = issue.path.join(".")
    const entry = byPath.get(path) ?? { at: issue.path, expected: [], other: [] }
    byPath.set(path, entry)
    const expected = /^Expected (.+?), actual /s.exec(issue.message)?.[1]
    if (expected !== undefined) entry.expected.push(expected)
    else
      entry.other.push(
        valueless.has(issue.message)
          ? issue.message
          : `is invalid, actual ${kindOf(valueAt(payload, issue.path))}`,
      )
  }
  return Array.from(byPath, ([path, { at, expected, other }]) => {
    const found = kindOf(valueAt(payload, at))
    const messages = [
      ...(expected.length > 0 ? [`Expected ${expected.join(" | ")}, actual ${found}`] : []),
      ...other,
    ].join("; ")
    return path === "" ? messages : `${path}: ${messages}`
  }).join("; ")
}

/**
 * An authentic event and the scheme its signature was made with, which says what the signature
 * covers: the 18 {@link standardFields} only (not `session_id`, `customer_id`, `token`,
 * `agreement`, `payment_type` nor `timestamp_utc`), or the 26 {@link subscriptionFields}
 * (`session_id`, `payment_type`, `agreement.id` and `token.token`, `token.customer_id`,
 * `token.pg_code` among them). Anything outside the scheme's fields could have been changed by
 * whoever replays a captured body: see `CheckoutStore` for how the store guards against that.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verified {
  readonly event: Event
  readonly scheme: Scheme
}

/**
 * {@link verify}, telling also which scheme signed the body (see {@link Verified}).
 *
 * @example
 * ```ts
 * import { Either } from "effect"
 * import { Webhook } from "effect-ottu"
 *
 * const receive = async (request: Request, webhookKey: string) => {
 *   const result = Webhook.verifyScheme(await request.text(), webhookKey)
 *   if (Either.isRight(result) && result.right.scheme === "subscription") {
 *     // token.token, token.customer_id and agreement.id are signed
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyScheme = (
  body: unknown,
  key: Key,
): Either.Either<Verified, OttuWebhookError> => {
  const parsed = payloadOf(body)
  if (parsed === undefined) {
    return Either.left(new OttuWebhookSignatureError({ reason: "malformed" }))
  }
  const signature = parsed.payload.signature
  if (typeof signature !== "string" || signature === "") {
    return Either.left(new OttuWebhookSignatureError({ reason: "missing" }))
  }
  const scheme = matchingScheme(parsed.payload, signature, key, parsed.literal)
  if (scheme === undefined) {
    return Either.left(new OttuWebhookSignatureError({ reason: "mismatch" }))
  }
  const payload = parsed.payload
  const decoded: Either.Either<Event, ParseResult.ParseError> =
    payload.txn === undefined ? decodePayment(payload) : decodeOperation(payload)
  return Either.map(
    Either.mapLeft(
      decoded,
      (error) => new OttuWebhookDecodeError({ reason: describe(error, payload) }),
    ),
    (event) => ({ event: asPlainData(event, payload), scheme }),
  )
}

/**
 * Verifies a webhook body and decodes its event. `body` is the request body's JSON text (numbers
 * then sign exactly as Ottu's Python does) or the already parsed object (a JSON or form body).
 * The signature is checked first, as {@link verifySignature} does; only an authentic body is
 * decoded: as an {@link OperationEvent} when it has a `txn` field, as a {@link PaymentEvent}
 * otherwise.
 *
 * Returns an `Either` (pure and synchronous): match on it, or lift it with
 * `Either.match(result, { onLeft: Effect.fail, onRight: Effect.succeed })` inside an effect.
 *
 * @example
 * ```ts
 * import { Either } from "effect"
 * import { Webhook } from "effect-ottu"
 *
 * const receive = async (request: Request, webhookKey: string) => {
 *   const result = Webhook.verify(await request.text(), webhookKey)
 *   if (Either.isRight(result) && result.right._tag === "PaymentEvent") {
 *     console.log(result.right.session_id, result.right.result)
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (body: unknown, key: Key): Either.Either<Event, OttuWebhookError> =>
  Either.map(verifyScheme(body, key), (verified) => verified.event)
