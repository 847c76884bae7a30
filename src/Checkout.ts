/**
 * Checkout sessions (Ottu's payment transactions): create, retrieve, partial update (PATCH),
 * full update (PUT) and attachment upload. Requests and responses keep Ottu's wire names.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { gatewayCodes, inStep } from "./internal/flow.ts"
import { execute } from "./internal/http.ts"
import { invalid, type Target, validate } from "./internal/input.ts"
import { type FileInput, formData, resolveFile } from "./internal/multipart.ts"
import {
  Amount,
  CurrencyCode,
  DateString,
  Email,
  excessDecimals,
  IntBetween,
  isZero,
  PathId,
  Text,
  Url,
} from "./internal/primitives.ts"
import { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError, OttuFlowError, OttuInvalidInputError } from "./OttuError.ts"

export type { FileInput } from "./internal/multipart.ts"

// ---------------------------------------------------------------------------------------------
// Request building blocks
// ---------------------------------------------------------------------------------------------

/**
 * The plugin a transaction belongs to (`type` on checkout).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransactionType = Schema.Literal("e_commerce", "payment_request")

/**
 * `one_off` (default), `auto_debit` (needs `agreement` and `customer_id`) or `save_card` (amount
 * `"0"`, needs `customer_id`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentType = Schema.Literal("one_off", "auto_debit", "save_card")

/**
 * The states of a payment transaction (API reference §12).
 *
 * @since 0.1.0
 * @category schemas
 */
export const State = Schema.Literal(
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
)

/**
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

const NotificationEvent = Schema.Literal(
  "created",
  "paid",
  "canceled",
  "failed",
  "expired",
  "authorized",
  "voided",
  "refunded",
  "captured",
)

/**
 * Which events notify the customer, per channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Notifications = Schema.Struct({
  email: Schema.optional(Schema.Array(NotificationEvent)),
  sms: Schema.optional(Schema.Array(NotificationEvent)),
  whatsapp: Schema.optional(
    Schema.Array(Schema.Literal("created", "paid", "canceled", "failed", "expired", "authorized")),
  ),
})

/**
 * A recurring-payment agreement (required with `payment_type: "auto_debit"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Agreement = Schema.Struct({
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
  frequency: Schema.optional(
    Schema.Literal(
      "irregular",
      "daily",
      "weekly",
      "semi_monthly",
      "monthly",
      "quarterly",
      "semi_annually",
      "yearly",
      "other",
    ),
  ),
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
export const Address = Schema.Struct(addressFields)

/**
 * A shipping address: an address plus the recipient.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ShippingAddress = Schema.Struct({
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
export const PaymentInstrument = Schema.Union(
  Schema.Struct({
    instrument_type: Schema.Literal("apple_pay", "google_pay"),
    payload: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  }),
  Schema.Struct({ instrument_type: Schema.Literal("token", "samsung_pay"), payload: Token }),
  Schema.Struct({
    instrument_type: Schema.Literal("wallet"),
    payload: Schema.Struct({ wallet_code: Schema.String }),
  }),
)

const optionalFields = {
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
  extra: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
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
        metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
      }),
    ),
  ),
  payment_instrument: Schema.optional(PaymentInstrument),
}

const PgCodes = Schema.Array(Schema.String.pipe(Schema.minLength(1))).pipe(
  Schema.minItems(1, { message: () => "must list at least one gateway code" }),
)

const requiredFields = {
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
export const CreateParams = Schema.Struct({ ...requiredFields, ...optionalFields }).pipe(
  Schema.filter(crossFieldIssues),
)

/**
 * The fields of a partial update (PATCH): any subset of the writable fields.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdateParams = Schema.Struct({
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

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const optionalText = Schema.optional(Schema.NullOr(Schema.String))
const optionalObject = Schema.optional(Schema.NullOr(Rest))

/**
 * A gateway offered on the checkout page (`payment_methods` of a checkout response).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckoutPaymentMethod = Schema.Struct(
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
export const CheckoutSession = Schema.Struct(
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
export const UploadedAttachment = Schema.Struct(
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

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const collection = "/b/checkout/v1/pymt-txn/"
const itemRoute = `${collection}{session_id}/`

/** The path of one session, after checking its id cannot escape the path. */
const itemPath = (
  method: string,
  sessionId: string,
): Effect.Effect<string, OttuInvalidInputError> =>
  Effect.as(validate(PathId, sessionId, { method, path: itemRoute }), `${collection}${sessionId}/`)

/** Validates the wire fields, merges the extra fields and builds a JSON or multipart body. */
const body = <A extends object, I>(schema: Schema.Schema<A, I>, input: Extras, target: Target) =>
  Effect.gen(function* () {
    const { attachment, extraFields, ...wire } = input as Extras & Record<string, unknown>
    const fields = yield* validate(schema, wire, target)
    const clashes = Object.keys(extraFields ?? {}).filter((key) => key in wire || key in fields)
    if (clashes.length > 0) {
      return yield* invalid(
        target,
        `extraFields.${clashes.join(", extraFields.")}`,
        "repeats a field the SDK knows; set it directly",
      )
    }
    const all: Record<string, unknown> = { ...fields, ...extraFields }
    if (attachment === undefined) return { _tag: "Json", value: all } as const
    const file = yield* resolveFile(attachment, target, "attachment")
    const form = yield* formData(all, { field: "attachment", ...file }, target)
    return { _tag: "Multipart", form } as const
  })

/**
 * The errors of every checkout call: rejected input, or a failed request.
 *
 * @since 0.1.0
 * @category errors
 */
export type CheckoutError = OttuCallError

/**
 * Creates a checkout session (`POST /b/checkout/v1/pymt-txn/`). `customer_id` defaults to the
 * configured customer. With `attachment` the request is multipart.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Checkout } from "effect-ottu"
 *
 * const program = Checkout.create({
 *   type: "e_commerce",
 *   amount: "20.230",
 *   currency_code: "KWD",
 *   pg_codes: ["knet"],
 *   customer_phone: "+96550000000",
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  params: CreateInput,
): Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* OttuConfig
    const target = { method: "POST", path: collection } as const
    const withCustomer =
      params.customer_id === undefined && config.customerId !== undefined
        ? { ...params, customer_id: config.customerId }
        : params
    return yield* execute({
      ...target,
      route: collection,
      span: "Ottu.Checkout.create",
      body: yield* body(CreateParams, withCustomer, target),
      success: CheckoutSession,
    })
  })

/**
 * Reads a checkout session (`GET /b/checkout/v1/pymt-txn/{session_id}/`).
 *
 * @since 0.1.0
 * @category operations
 */
export const retrieve = (
  sessionId: string,
): Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
  Effect.flatMap(itemPath("GET", sessionId), (path) =>
    execute({
      method: "GET",
      path,
      route: itemRoute,
      span: "Ottu.Checkout.retrieve",
      attributes: { "ottu.session_id": sessionId },
      success: CheckoutSession,
    }),
  )

const write =
  (method: "PATCH" | "PUT", span: string) =>
  <A extends object, I>(schema: Schema.Schema<A, I>) =>
  (
    sessionId: string,
    params: Extras,
  ): Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
    Effect.gen(function* () {
      const path = yield* itemPath(method, sessionId)
      return yield* execute({
        method,
        path,
        route: itemRoute,
        span,
        attributes: { "ottu.session_id": sessionId },
        body: yield* body(schema, params, { method, path }),
        success: CheckoutSession,
      })
    })

/**
 * Changes some fields of a session (`PATCH /b/checkout/v1/pymt-txn/{session_id}/`), for example
 * the amount while the cart changes. Fields not given are left as they are.
 *
 * @since 0.1.0
 * @category operations
 */
export const update: (
  sessionId: string,
  params: UpdateInput,
) => Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> = write(
  "PATCH",
  "Ottu.Checkout.update",
)(UpdateParams)

/**
 * Replaces a session's fields (`PUT /b/checkout/v1/pymt-txn/{session_id}/`): `type`, `amount`,
 * `currency_code` and `pg_codes` are required, as on create. ottu-py has no equivalent.
 *
 * @since 0.1.0
 * @category operations
 */
export const replace: (
  sessionId: string,
  params: CreateInput,
) => Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> = write(
  "PUT",
  "Ottu.Checkout.replace",
)(CreateParams)

const UploadTarget = Schema.Struct({
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

/** Ottu's size limit for one uploaded attachment: 2.5 MB. */
const maxUploadBytes = 2_500_000

/**
 * Uploads a file (`POST /b/checkout/v1/upload-attachment/`, multipart, at most 2.5 MB). Without a
 * target the file is only stored and its `file_url` can be passed as `attachment_upload_url` to
 * any number of checkouts; with `session_id` or `order_no` it is also attached to that session.
 *
 * @since 0.1.0
 * @category operations
 */
export const uploadAttachment = (
  file: FileInput,
  target?: typeof UploadTarget.Encoded,
): Effect.Effect<UploadedAttachment, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const path = "/b/checkout/v1/upload-attachment/"
    const at = { method: "POST", path } as const
    const fields = yield* validate(UploadTarget, target ?? {}, at)
    const resolved = yield* resolveFile(file, at, "file")
    if (resolved.blob.size > maxUploadBytes) {
      return yield* invalid(at, "file", "must be at most 2.5 MB")
    }
    return yield* execute({
      ...at,
      route: path,
      span: "Ottu.Checkout.uploadAttachment",
      body: {
        _tag: "Multipart",
        form: yield* formData(fields, { field: "file", ...resolved }, at),
      },
      success: UploadedAttachment,
    })
  })

/**
 * The input of {@link autoFlow}: a checkout whose `pg_codes` may be left out.
 *
 * @since 0.1.0
 * @category models
 */
export type AutoFlowInput = Omit<CreateInput, "pg_codes"> & {
  readonly pg_codes?: ReadonlyArray<string> | undefined
}

/**
 * ottu-py's `checkout_autoflow`: when `pg_codes` is not given (or empty), uses every gateway the
 * payment-methods API offers for the plugin and currency, then creates the checkout. A failure is
 * an `OttuFlowError` naming the step (`payment_methods` or `checkout`). Unlike ottu-py, the
 * gateways are always asked for, never reused from an earlier session of another currency.
 *
 * @since 0.1.0
 * @category operations
 */
export const autoFlow = (
  params: AutoFlowInput,
): Effect.Effect<CheckoutSession, OttuFlowError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const pg_codes =
      params.pg_codes !== undefined && params.pg_codes.length > 0
        ? params.pg_codes
        : yield* gatewayCodes(params.type, params.currency_code, false).pipe(
            inStep("checkout", "payment_methods"),
          )
    return yield* create({ ...params, pg_codes }).pipe(inStep("checkout", "checkout"))
  })
