/**
 * The payment and operation payloads Ottu answers with (payment status query, auto-debit,
 * operations) — the same shapes its webhooks carry. Unknown fields are kept.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { optionalObject, optionalText, Rest } from "./primitives.ts"

/**
 * An amount Ottu sends as a JSON number or a decimal string, always read as a string so no
 * money goes through a float after decoding (`10.5` becomes `"10.5"`).
 */
export const AmountText: Schema.transform<
  Schema.Union<[typeof Schema.String, typeof Schema.Number]>,
  typeof Schema.String
> = Schema.transform(Schema.Union(Schema.String, Schema.Number), Schema.String, {
  strict: true,
  decode: (value) => String(value),
  encode: (value) => value,
})

const optionalAmount: Schema.optional<Schema.NullOr<typeof AmountText>> = Schema.optional(
  Schema.NullOr(AmountText),
)

/** A saved card, as the cards API and payment payloads (`token`) describe it. */
export const Card: Schema.TypeLiteral<
  {
    token: typeof Schema.String
    pg_code: typeof optionalText
    pg_name: typeof optionalText
    customer_id: typeof optionalText
    brand: typeof optionalText
    number: typeof optionalText
    name_on_card: typeof optionalText
    expiry_month: typeof optionalText
    expiry_year: typeof optionalText
    is_expired: Schema.optional<typeof Schema.Boolean>
    is_preferred: Schema.optional<typeof Schema.Boolean>
    cvv_required: Schema.optional<typeof Schema.Boolean>
    agreements: Schema.optional<typeof Schema.Unknown>
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    token: Schema.String,
    pg_code: optionalText,
    pg_name: optionalText,
    customer_id: optionalText,
    brand: optionalText,
    number: optionalText,
    name_on_card: optionalText,
    expiry_month: optionalText,
    expiry_year: optionalText,
    is_expired: Schema.optional(Schema.Boolean),
    is_preferred: Schema.optional(Schema.Boolean),
    cvv_required: Schema.optional(Schema.Boolean),
    agreements: Schema.optional(Schema.Unknown),
  },
  Rest,
)

/** A child transaction created by an operation (`txn`, `transactions[]`). */
export const ChildTransaction: Schema.TypeLiteral<
  {
    amount: typeof AmountText
    currency_code: typeof Schema.String
    order_no: typeof optionalText
    session_id: typeof optionalText
    state: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    amount: AmountText,
    currency_code: Schema.String,
    order_no: optionalText,
    session_id: optionalText,
    state: optionalText,
  },
  Rest,
)

/**
 * The payment payload: a payment webhook, and the answer of the payment status query, of
 * auto-debit and of one-step checkouts.
 */
export const PaymentPayload: Schema.TypeLiteral<
  {
    session_id: typeof optionalText
    order_no: typeof optionalText
    state: typeof optionalText
    result: typeof Schema.String
    message: typeof optionalText
    amount: typeof optionalAmount
    currency_code: typeof optionalText
    paid_amount: typeof optionalAmount
    settled_amount: typeof optionalAmount
    remaining_amount: typeof optionalAmount
    refunded_amount: typeof optionalAmount
    voided_amount: typeof optionalAmount
    fee: typeof optionalText
    reference_number: typeof optionalText
    gateway_account: typeof optionalText
    gateway_name: typeof optionalText
    payment_type: typeof optionalText
    customer_id: typeof optionalText
    agreement: typeof optionalObject
    token: Schema.optional<Schema.NullOr<typeof Card>>
    transactions: Schema.optional<Schema.NullOr<Schema.Array$<typeof ChildTransaction>>>
    pg_params: typeof optionalObject
    gateway_response: Schema.optional<typeof Schema.Unknown>
    is_sandbox: Schema.optional<typeof Schema.Boolean>
    timestamp_utc: typeof optionalText
    signature: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    session_id: optionalText,
    order_no: optionalText,
    state: optionalText,
    result: Schema.String,
    message: optionalText,
    amount: optionalAmount,
    currency_code: optionalText,
    paid_amount: optionalAmount,
    settled_amount: optionalAmount,
    remaining_amount: optionalAmount,
    refunded_amount: optionalAmount,
    voided_amount: optionalAmount,
    fee: optionalText,
    reference_number: optionalText,
    gateway_account: optionalText,
    gateway_name: optionalText,
    payment_type: optionalText,
    customer_id: optionalText,
    agreement: optionalObject,
    token: Schema.optional(Schema.NullOr(Card)),
    transactions: Schema.optional(Schema.NullOr(Schema.Array(ChildTransaction))),
    pg_params: optionalObject,
    gateway_response: Schema.optional(Schema.Unknown),
    is_sandbox: Schema.optional(Schema.Boolean),
    timestamp_utc: optionalText,
    signature: optionalText,
  },
  Rest,
)

/** The answer of an internal operation (cancel, expire, delete). */
export const InternalOperationResult: Schema.TypeLiteral<
  { detail: typeof Schema.String; operation: typeof Schema.String; result: typeof Schema.String },
  readonly [typeof Rest]
> = Schema.Struct({ detail: Schema.String, operation: Schema.String, result: Schema.String }, Rest)

/** The answer of an external operation (capture, refund, void); also the operation webhook. */
export const ExternalOperationResult: Schema.TypeLiteral<
  {
    amount: typeof AmountText
    session_id: typeof Schema.String
    order_no: typeof optionalText
    operation: typeof optionalText
    result: typeof Schema.String
    success: typeof Schema.Boolean
    source: typeof optionalText
    reference_number: typeof optionalText
    pg_code: typeof optionalText
    txn: typeof ChildTransaction
    pg_response: Schema.optional<typeof Schema.Unknown>
    pg_params: typeof optionalObject
    is_sandbox: Schema.optional<typeof Schema.Boolean>
    timestamp_utc: typeof optionalText
    signature: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    amount: AmountText,
    session_id: Schema.String,
    order_no: optionalText,
    operation: optionalText,
    result: Schema.String,
    success: Schema.Boolean,
    source: optionalText,
    reference_number: optionalText,
    pg_code: optionalText,
    txn: ChildTransaction,
    pg_response: Schema.optional(Schema.Unknown),
    pg_params: optionalObject,
    is_sandbox: Schema.optional(Schema.Boolean),
    timestamp_utc: optionalText,
    signature: optionalText,
  },
  Rest,
)
