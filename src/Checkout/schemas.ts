/**
 * The wire shapes of checkout sessions: the parameters of create, update (PATCH) and replace
 * (PUT) with the rules that tie their fields together, and the answers Ottu gives. Exported by
 * `Checkout`.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import type { FileInput } from "../internal/multipart.ts"
import {
  Amount,
  CurrencyCode,
  DateString,
  Email,
  excessDecimals,
  IntBetween,
  isZero,
  optionalObject,
  optionalText,
  Rest,
  Text,
  Url,
} from "../internal/primitives.ts"

// ---------------------------------------------------------------------------------------------
// Request building blocks
// ---------------------------------------------------------------------------------------------

/**
 * The plugin a transaction belongs to (`type` on checkout).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransactionType: Schema.Literal<["e_commerce", "payment_request"]> = Schema.Literal(
  "e_commerce",
  "payment_request",
)

/**
 * `one_off` (default), `auto_debit` (needs `agreement` and `customer_id`) or `save_card` (amount
 * `"0"`, needs `customer_id`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentType: Schema.Literal<["one_off", "auto_debit", "save_card"]> = Schema.Literal(
  "one_off",
  "auto_debit",
  "save_card",
)

const states = [
  "created",
  "pending",
  "attempted",
  "authorized",
  "paid",
  "failed",
  "canceled",
  "expired",
  "invalided",
  "refunded",
  "cod",
] as const

/**
 * The states of a payment transaction (API reference §12).
 *
 * @since 0.1.0
 * @category schemas
 */
export const State: Schema.Literal<[...typeof states]> = Schema.Literal(...states)

/**
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

const notificationEvents = [
  "created",
  "paid",
  "canceled",
  "failed",
  "expired",
  "authorized",
  "voided",
  "refunded",
  "captured",
] as const

const NotificationEvent: Schema.Literal<[...typeof notificationEvents]> = Schema.Literal(
  ...notificationEvents,
)

/**
 * Which events notify the customer, per channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Notifications: Schema.Struct<{
  email: Schema.optional<Schema.Array$<typeof NotificationEvent>>
  sms: Schema.optional<Schema.Array$<typeof NotificationEvent>>
  whatsapp: Schema.optional<
    Schema.Array$<
      Schema.Literal<["created", "paid", "canceled", "failed", "expired", "authorized"]>
    >
  >
}> = Schema.Struct({
  email: Schema.optional(Schema.Array(NotificationEvent)),
  sms: Schema.optional(Schema.Array(NotificationEvent)),
  whatsapp: Schema.optional(
    Schema.Array(Schema.Literal("created", "paid", "canceled", "failed", "expired", "authorized")),
  ),
})

const frequencies = [
  "irregular",
  "daily",
  "weekly",
  "semi_monthly",
  "monthly",
  "quarterly",
  "semi_annually",
  "yearly",
  "other",
] as const

/**
 * A recurring-payment agreement (required with `payment_type: "auto_debit"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Agreement: Schema.Struct<{
  id: Schema.filter<typeof Schema.String>
  type: Schema.optional<
    Schema.Literal<["event_based", "installment", "recurring", "unscheduled", "other"]>
  >
  amount_variability: Schema.optional<Schema.Literal<["fixed", "variable"]>>
  start_date: Schema.optional<typeof Schema.String>
  expiry_date: Schema.optional<typeof Schema.String>
  max_amount_per_cycle: Schema.optional<Schema.filter<typeof Schema.String>>
  cycle_interval_days: Schema.optional<Schema.filter<Schema.filter<typeof Schema.Int>>>
  total_cycles: Schema.optional<Schema.filter<Schema.filter<typeof Schema.Int>>>
  frequency: Schema.optional<Schema.Literal<[...typeof frequencies]>>
  seller: Schema.optional<
    Schema.Struct<{
      name: Schema.optional<Schema.filter<typeof Schema.String>>
      short_name: Schema.optional<Schema.filter<typeof Schema.String>>
      category_code: Schema.optional<Schema.filter<typeof Schema.String>>
    }>
  >
}> = Schema.Struct({
  id: Text(128),
  type: Schema.optional(
    Schema.Literal("event_based", "installment", "recurring", "unscheduled", "other"),
  ),
  amount_variability: Schema.optional(Schema.Literal("fixed", "variable")),
  start_date: Schema.optional(Schema.String),
  expiry_date: Schema.optional(Schema.String),
  max_amount_per_cycle: Schema.optional(Amount),
  cycle_interval_days: Schema.optional(IntBetween(1, 366)),
  total_cycles: Schema.optional(IntBetween(1, 999)),
  frequency: Schema.optional(Schema.Literal(...frequencies)),
  seller: Schema.optional(
    Schema.Struct({
      name: Schema.optional(Text(128)),
      short_name: Schema.optional(Text(64)),
      category_code: Schema.optional(Text(64)),
    }),
  ),
})

const addressFields = {
  line1: Text(128),
  line2: Schema.optional(Text(128)),
  city: Text(40),
  state: Schema.optional(Text(40)),
  country: Schema.String.pipe(
    Schema.pattern(/^[A-Z]{2}$/, { message: () => "must be an ISO 3166-1 alpha-2 code" }),
  ),
  postal_code: Schema.optional(Text(12)),
}

/**
 * A billing address.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Address: Schema.Struct<{
  line1: Schema.filter<typeof Schema.String>
  line2: Schema.optional<Schema.filter<typeof Schema.String>>
  city: Schema.filter<typeof Schema.String>
  state: Schema.optional<Schema.filter<typeof Schema.String>>
  country: Schema.filter<typeof Schema.String>
  postal_code: Schema.optional<Schema.filter<typeof Schema.String>>
}> = Schema.Struct(addressFields)

/**
 * A shipping address: an address plus the recipient.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ShippingAddress: Schema.Struct<{
  first_name: Schema.filter<typeof Schema.String>
  last_name: Schema.filter<typeof Schema.String>
  email: Schema.filter<Schema.filter<typeof Schema.String>>
  phone: Schema.filter<typeof Schema.String>
  line1: Schema.filter<typeof Schema.String>
  line2: Schema.optional<Schema.filter<typeof Schema.String>>
  city: Schema.filter<typeof Schema.String>
  state: Schema.optional<Schema.filter<typeof Schema.String>>
  country: Schema.filter<typeof Schema.String>
  postal_code: Schema.optional<Schema.filter<typeof Schema.String>>
}> = Schema.Struct({
  ...addressFields,
  first_name: Text(64),
  last_name: Text(64),
  email: Email,
  phone: Text(16),
})

const Token = Schema.Struct({ token: Schema.String })

/**
 * One-step checkout: the instrument to charge in the same call (API reference §5.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentInstrument: Schema.Union<
  [
    Schema.Struct<{
      instrument_type: Schema.Literal<["apple_pay", "google_pay"]>
      payload: typeof Rest
    }>,
    Schema.Struct<{
      instrument_type: Schema.Literal<["token", "samsung_pay"]>
      payload: Schema.Struct<{ token: typeof Schema.String }>
    }>,
    Schema.Struct<{
      instrument_type: Schema.Literal<["wallet"]>
      payload: Schema.Struct<{ wallet_code: typeof Schema.String }>
    }>,
  ]
> = Schema.Union(
  Schema.Struct({
    instrument_type: Schema.Literal("apple_pay", "google_pay"),
    payload: Rest,
  }),
  Schema.Struct({ instrument_type: Schema.Literal("token", "samsung_pay"), payload: Token }),
  Schema.Struct({
    instrument_type: Schema.Literal("wallet"),
    payload: Schema.Struct({ wallet_code: Schema.String }),
  }),
)

/** The fields a checkout create may leave out; a partial update (PATCH) may send any. */
type OptionalFields = {
  readonly payment_type: Schema.optional<typeof PaymentType>
  readonly customer_id: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly customer_email: Schema.optional<Schema.filter<Schema.filter<typeof Schema.String>>>
  readonly customer_phone: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly customer_phone_2: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly customer_first_name: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly customer_last_name: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly customer_birthdate: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly order_no: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly agreement: Schema.optional<typeof Agreement>
  readonly billing_address: Schema.optional<typeof Address>
  readonly shipping_address: Schema.optional<typeof ShippingAddress>
  readonly card_acceptance_criteria: Schema.optional<
    Schema.Struct<{
      min_expiry_time: Schema.optional<Schema.filter<Schema.filter<typeof Schema.Int>>>
    }>
  >
  readonly attachment_upload_url: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly due_datetime: Schema.optional<typeof Schema.String>
  readonly expiration_time: Schema.optional<typeof Schema.String>
  readonly email_recipients: Schema.optional<
    Schema.Array$<Schema.filter<Schema.filter<typeof Schema.String>>>
  >
  readonly extra: Schema.optional<typeof Rest>
  readonly generate_qr_code: Schema.optional<typeof Schema.Boolean>
  readonly include_sdk_setup_preload: Schema.optional<typeof Schema.Boolean>
  readonly preload_checkout_page: Schema.optional<typeof Schema.Boolean>
  readonly initiator_id: Schema.optional<typeof Schema.Int>
  readonly language: Schema.optional<Schema.Literal<["en", "ar"]>>
  readonly notifications: Schema.optional<typeof Notifications>
  readonly product_type: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly vendor_name: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly redirect_url: Schema.optional<Schema.filter<Schema.filter<typeof Schema.String>>>
  readonly webhook_url: Schema.optional<Schema.filter<Schema.filter<typeof Schema.String>>>
  readonly shortify_checkout_url: Schema.optional<typeof Schema.Boolean>
  readonly shortify_attachment_url: Schema.optional<typeof Schema.Boolean>
  readonly unit_code: Schema.optional<typeof Schema.String>
  readonly branding_options: Schema.optional<
    Schema.Struct<{
      payment_methods: Schema.Record$<
        typeof Schema.String,
        Schema.Struct<{
          text: typeof Schema.String
          color: Schema.filter<typeof Schema.String>
          font_weight: Schema.optional<typeof Schema.Int>
        }>
      >
    }>
  >
  readonly loyalty: Schema.optional<
    Schema.NullOr<
      Schema.Struct<{
        enabled: typeof Schema.Boolean
        reference: Schema.optional<Schema.filter<typeof Schema.String>>
        metadata: Schema.optional<typeof Rest>
      }>
    >
  >
  readonly payment_instrument: Schema.optional<typeof PaymentInstrument>
}

const optionalFields: OptionalFields = {
  payment_type: Schema.optional(PaymentType),
  customer_id: Schema.optional(Text(64)),
  customer_email: Schema.optional(Email),
  customer_phone: Schema.optional(Text(16)),
  customer_phone_2: Schema.optional(Text(16)),
  customer_first_name: Schema.optional(Text(64)),
  customer_last_name: Schema.optional(Text(64)),
  customer_birthdate: Schema.optional(DateString),
  order_no: Schema.optional(Text(128)),
  agreement: Schema.optional(Agreement),
  billing_address: Schema.optional(Address),
  shipping_address: Schema.optional(ShippingAddress),
  card_acceptance_criteria: Schema.optional(
    Schema.Struct({ min_expiry_time: Schema.optional(IntBetween(1, 365)) }),
  ),
  attachment_upload_url: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/(?:pdf|jpeg|png|doc|docx|jpg|xls|xlsx|txt)$/, {
        message: () => "must be the file_url of an uploaded pdf, image, document or sheet",
      }),
    ),
  ),
  due_datetime: Schema.optional(Schema.String),
  expiration_time: Schema.optional(Schema.String),
  email_recipients: Schema.optional(Schema.Array(Email)),
  extra: Schema.optional(Rest),
  generate_qr_code: Schema.optional(Schema.Boolean),
  include_sdk_setup_preload: Schema.optional(Schema.Boolean),
  preload_checkout_page: Schema.optional(Schema.Boolean),
  initiator_id: Schema.optional(Schema.Int),
  language: Schema.optional(Schema.Literal("en", "ar")),
  notifications: Schema.optional(Notifications),
  product_type: Schema.optional(Text(128)),
  vendor_name: Schema.optional(Text(64)),
  redirect_url: Schema.optional(Url),
  webhook_url: Schema.optional(Url),
  shortify_checkout_url: Schema.optional(Schema.Boolean),
  shortify_attachment_url: Schema.optional(Schema.Boolean),
  unit_code: Schema.optional(Schema.String),
  branding_options: Schema.optional(
    Schema.Struct({
      payment_methods: Schema.Record({
        key: Schema.String,
        value: Schema.Struct({
          text: Schema.String,
          color: Schema.String.pipe(Schema.pattern(/^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$/)),
          font_weight: Schema.optional(Schema.Int),
        }),
      }),
    }),
  ),
  loyalty: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        enabled: Schema.Boolean,
        reference: Schema.optional(Text(128)),
        metadata: Schema.optional(Rest),
      }),
    ),
  ),
  payment_instrument: Schema.optional(PaymentInstrument),
}

const PgCodes = Schema.Array(Schema.String.pipe(Schema.minLength(1))).pipe(
  Schema.minItems(1, { message: () => "must list at least one gateway code" }),
)

/** The fields a checkout create or full update (PUT) must send. */
type RequiredFields = {
  readonly type: typeof TransactionType
  readonly amount: Schema.filter<typeof Schema.String>
  readonly currency_code: Schema.filter<typeof Schema.String>
  readonly pg_codes: Schema.filter<Schema.Array$<Schema.filter<typeof Schema.String>>>
}

const requiredFields: RequiredFields = {
  type: TransactionType,
  amount: Amount,
  currency_code: CurrencyCode,
  pg_codes: PgCodes,
}

type Rules = {
  readonly amount?: string | undefined
  readonly currency_code?: string | undefined
  readonly payment_type?: string | undefined
  readonly customer_id?: string | undefined
  readonly agreement?: unknown
  readonly pg_codes?: ReadonlyArray<string> | undefined
  readonly payment_instrument?: unknown
}

/** Ottu's rules that tie fields together, as issues on the offending field. */
const crossFieldIssues = (p: Rules): Array<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  const at = (field: string, message: string) => issues.push({ path: [field], message })
  if (p.amount !== undefined && p.currency_code !== undefined) {
    const excess = excessDecimals(p.amount, p.currency_code)
    if (excess !== undefined) at("amount", excess)
  }
  if (p.amount !== undefined) {
    if (p.payment_type === "save_card" && !isZero(p.amount)) {
      at("amount", 'must be "0" when payment_type is save_card')
    } else if (p.payment_type !== "save_card" && isZero(p.amount)) {
      at("amount", "must be greater than zero")
    }
  }
  if (p.payment_type === "auto_debit" && p.agreement === undefined) {
    at("agreement", "is required when payment_type is auto_debit")
  }
  if (p.payment_type !== "auto_debit" && p.agreement !== undefined) {
    at("agreement", "is sent only when payment_type is auto_debit")
  }
  if (
    (p.payment_type === "auto_debit" || p.payment_type === "save_card") &&
    p.customer_id === undefined
  ) {
    at("customer_id", `is required when payment_type is ${p.payment_type}`)
  }
  if (p.payment_instrument !== undefined && p.pg_codes !== undefined && p.pg_codes.length !== 1) {
    at("pg_codes", "must list exactly one gateway code with payment_instrument")
  }
  return issues
}

/**
 * The fields of a checkout create or full update (PUT): `type`, `amount`, `currency_code` and
 * `pg_codes` are required, the rest optional. Checked before sending: amounts are decimal
 * strings with at most 3 decimals that suit the currency, currency codes are ISO 4217, enums are
 * checked, and the fields that go together (auto-debit, save-card, one-step) are present.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateParams: Schema.filter<Schema.Struct<RequiredFields & OptionalFields>> =
  Schema.Struct({ ...requiredFields, ...optionalFields }).pipe(Schema.filter(crossFieldIssues))

/**
 * The fields of a partial update (PATCH): any subset of the writable fields.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdateParams: Schema.filter<
  Schema.Struct<
    OptionalFields & { readonly [K in keyof RequiredFields]: Schema.optional<RequiredFields[K]> }
  >
> = Schema.Struct({
  ...optionalFields,
  type: Schema.optional(TransactionType),
  amount: Schema.optional(Amount),
  currency_code: Schema.optional(CurrencyCode),
  pg_codes: Schema.optional(PgCodes),
}).pipe(
  Schema.filter((p) =>
    crossFieldIssues(p).filter(
      // A PATCH may change the amount alone; whether it suits the session is Ottu's call.
      (issue) => issue.path[0] === "amount" || issue.path[0] === "pg_codes",
    ),
  ),
)

/**
 * What the SDK adds to the wire fields: a file to attach (the request becomes multipart), and
 * fields this SDK does not know yet, sent as given (ottu-py's `**kwargs`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Extras {
  /** A file for the `attachment` field: a path, bytes, a Blob, or `{ name, data }`. */
  readonly attachment?: FileInput | undefined
  /** Fields sent as given, for what the SDK does not type yet. They may not repeat a known field. */
  readonly extraFields?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The input of {@link create} and {@link replace}.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateInput = typeof CreateParams.Encoded & Extras

/**
 * The input of {@link update}.
 *
 * @since 0.1.0
 * @category models
 */
export type UpdateInput = typeof UpdateParams.Encoded & Extras

/**
 * True for the name of a field the SDK knows: every field of {@link CreateParams} (and so of
 * {@link UpdateParams}, which has the same fields) and `attachment`. Such a field cannot be
 * passed through `extraFields`, where it would escape validation.
 */
export const isKnownField = (key: string): boolean =>
  key === "attachment" || Object.hasOwn(CreateParams.from.fields, key)

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/**
 * A gateway offered on the checkout page (`payment_methods` of a checkout response).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckoutPaymentMethod: Schema.TypeLiteral<
  {
    code: typeof Schema.String
    name: typeof optionalText
    type: typeof optionalText
    amount: typeof optionalText
    currency_code: typeof optionalText
    fee: typeof optionalText
    fee_description: typeof optionalText
    icon: typeof optionalText
    flow: typeof optionalText
    redirect_url: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    code: Schema.String,
    name: optionalText,
    type: optionalText,
    amount: optionalText,
    currency_code: optionalText,
    fee: optionalText,
    fee_description: optionalText,
    icon: optionalText,
    flow: optionalText,
    redirect_url: optionalText,
  },
  Rest,
)

/**
 * A checkout session as Ottu returns it (create, retrieve, PATCH, PUT). Fields Ottu adds that
 * this schema does not name are kept as they came.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckoutSession: Schema.TypeLiteral<
  {
    session_id: typeof Schema.String
    type: Schema.optional<typeof Schema.String>
    state: Schema.optional<typeof State>
    amount: Schema.optional<typeof Schema.String>
    currency_code: Schema.optional<typeof Schema.String>
    pg_codes: Schema.optional<Schema.Array$<typeof Schema.String>>
    operation: typeof optionalText
    payment_type: typeof optionalText
    checkout_url: typeof optionalText
    checkout_short_url: typeof optionalText
    checkout_page_url: typeof optionalText
    qr_code_url: typeof optionalText
    attachment: typeof optionalText
    attachment_short_url: typeof optionalText
    order_no: typeof optionalText
    customer_id: typeof optionalText
    customer_email: typeof optionalText
    customer_phone: typeof optionalText
    customer_first_name: typeof optionalText
    customer_last_name: typeof optionalText
    expiration_time: typeof optionalText
    due_datetime: typeof optionalText
    language: typeof optionalText
    redirect_url: typeof optionalText
    webhook_url: typeof optionalText
    vendor_name: typeof optionalText
    settled_pg_code: typeof optionalText
    initiator_id: Schema.optional<Schema.NullOr<typeof Schema.Number>>
    payment_methods: Schema.optional<Schema.NullOr<Schema.Array$<typeof CheckoutPaymentMethod>>>
    agreement: typeof optionalObject
    billing_address: typeof optionalObject
    shipping_address: typeof optionalObject
    notifications: typeof optionalObject
    extra: typeof optionalObject
    sdk_setup_preload_payload: typeof optionalObject
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    session_id: Schema.String,
    type: Schema.optional(Schema.String),
    state: Schema.optional(State),
    amount: Schema.optional(Schema.String),
    currency_code: Schema.optional(Schema.String),
    pg_codes: Schema.optional(Schema.Array(Schema.String)),
    operation: optionalText,
    payment_type: optionalText,
    checkout_url: optionalText,
    checkout_short_url: optionalText,
    checkout_page_url: optionalText,
    qr_code_url: optionalText,
    attachment: optionalText,
    attachment_short_url: optionalText,
    order_no: optionalText,
    customer_id: optionalText,
    customer_email: optionalText,
    customer_phone: optionalText,
    customer_first_name: optionalText,
    customer_last_name: optionalText,
    expiration_time: optionalText,
    due_datetime: optionalText,
    language: optionalText,
    redirect_url: optionalText,
    webhook_url: optionalText,
    vendor_name: optionalText,
    settled_pg_code: optionalText,
    initiator_id: Schema.optional(Schema.NullOr(Schema.Number)),
    payment_methods: Schema.optional(Schema.NullOr(Schema.Array(CheckoutPaymentMethod))),
    agreement: optionalObject,
    billing_address: optionalObject,
    shipping_address: optionalObject,
    notifications: optionalObject,
    extra: optionalObject,
    sdk_setup_preload_payload: optionalObject,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type CheckoutSession = typeof CheckoutSession.Type

/**
 * The answer of {@link uploadAttachment}: `file_url` is a relative storage path to pass as
 * `attachment_upload_url`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UploadedAttachment: Schema.TypeLiteral<
  {
    file_url: typeof Schema.String
    original_filename: typeof optionalText
    attachment_short_url: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    file_url: Schema.String,
    original_filename: optionalText,
    attachment_short_url: optionalText,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type UploadedAttachment = typeof UploadedAttachment.Type

/**
 * Where an uploaded attachment goes: a session, an order, or nowhere (stored only).
 *
 * @since 0.1.0
 * @category schemas
 */
export const UploadTarget: Schema.filter<
  Schema.Struct<{
    session_id: Schema.optional<Schema.filter<typeof Schema.String>>
    order_no: Schema.optional<Schema.filter<typeof Schema.String>>
    shortify_attachment_url: Schema.optional<typeof Schema.Boolean>
  }>
> = Schema.Struct({
  session_id: Schema.optional(Text(128)),
  order_no: Schema.optional(Text(128)),
  shortify_attachment_url: Schema.optional(Schema.Boolean),
}).pipe(
  Schema.filter((p) =>
    p.session_id !== undefined && p.order_no !== undefined
      ? { path: ["order_no"], message: "give either session_id or order_no, not both" }
      : p.shortify_attachment_url === true && p.session_id === undefined && p.order_no === undefined
        ? { path: ["shortify_attachment_url"], message: "needs session_id or order_no" }
        : undefined,
  ),
)
