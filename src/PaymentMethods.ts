/**
 * The gateways (`pg_codes`) a merchant can use, filtered by plugin, currency, customer,
 * operation and tokenization (`POST /b/pbl/v2/payment-methods/`), and the pre-payment check of a
 * "flex" method (Tabby, Tamara, Taly) for one checkout
 * (`POST /b/checkout/api/sdk/v1/pre-payment-option-check/{session_id}/`).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { endpoints, pathOf } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { CurrencyCode, optionalText, PathId, Rest, Text } from "./internal/primitives.ts"
import { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

const tags = [
  "e_commerce",
  "crm",
  "pos",
  "invoicing",
  "subscriptions",
  "marketplace",
  "mobile_app",
  "ticket_booking",
  "donations",
  "government",
  "education",
  "healthcare",
  "insurance",
  "logistics",
  "hospitality",
  "real_estate",
  "retail",
  "telecom",
  "utilities",
  "demo",
  "test",
] as const

const Tag: Schema.Literal<[...typeof tags]> = Schema.Literal(...tags)

/**
 * The filters of {@link list}. `plugin` is required; the environment (`type`) comes from
 * `OttuConfig`. Unlike ottu-py, an explicit `tokenizable: false` is sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListParams: Schema.Struct<{
  plugin: Schema.Literal<["e_commerce", "payment_request"]>
  currencies: Schema.optional<Schema.Array$<Schema.filter<typeof Schema.String>>>
  customer_id: Schema.optional<Schema.filter<typeof Schema.String>>
  operation: Schema.optional<Schema.Literal<["purchase", "authorize"]>>
  tokenizable: Schema.optional<typeof Schema.Boolean>
  auto_debit: Schema.optional<typeof Schema.Boolean>
  pg_names: Schema.optional<Schema.Array$<typeof Schema.String>>
  tags: Schema.optional<Schema.Array$<typeof Tag>>
  payment_services: Schema.optional<
    Schema.Array$<Schema.Literal<["apple_pay", "google_pay", "samsung_pay", "wallet"]>>
  >
}> = Schema.Struct({
  plugin: Schema.Literal("e_commerce", "payment_request"),
  currencies: Schema.optional(Schema.Array(CurrencyCode)),
  customer_id: Schema.optional(Text(64)),
  operation: Schema.optional(Schema.Literal("purchase", "authorize")),
  tokenizable: Schema.optional(Schema.Boolean),
  auto_debit: Schema.optional(Schema.Boolean),
  pg_names: Schema.optional(Schema.Array(Schema.String)),
  tags: Schema.optional(Schema.Array(Tag)),
  payment_services: Schema.optional(
    Schema.Array(Schema.Literal("apple_pay", "google_pay", "samsung_pay", "wallet")),
  ),
})

/**
 * One gateway as the payment-methods API describes it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentMethod: Schema.TypeLiteral<
  {
    code: typeof Schema.String
    name: typeof Schema.String
    is_sandbox: Schema.optional<typeof Schema.Boolean>
    logo: Schema.optional<Schema.NullOr<typeof Schema.String>>
    wallets: Schema.optional<Schema.Array$<typeof Schema.Unknown>>
    payment_services: Schema.optional<Schema.Array$<typeof Schema.Unknown>>
    default_currency: Schema.optional<Schema.NullOr<typeof Schema.String>>
    accepted_currencies: Schema.optional<Schema.Array$<typeof Schema.String>>
    operation: Schema.optional<Schema.NullOr<typeof Schema.String>>
    operations: Schema.optional<Schema.Array$<typeof Schema.String>>
    is_tokenizable: Schema.optional<typeof Schema.Boolean>
    auto_debit_enabled: Schema.optional<typeof Schema.Boolean>
    tags: Schema.optional<Schema.Array$<typeof Schema.String>>
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    code: Schema.String,
    name: Schema.String,
    is_sandbox: Schema.optional(Schema.Boolean),
    logo: Schema.optional(Schema.NullOr(Schema.String)),
    wallets: Schema.optional(Schema.Array(Schema.Unknown)),
    payment_services: Schema.optional(Schema.Array(Schema.Unknown)),
    default_currency: Schema.optional(Schema.NullOr(Schema.String)),
    accepted_currencies: Schema.optional(Schema.Array(Schema.String)),
    operation: Schema.optional(Schema.NullOr(Schema.String)),
    operations: Schema.optional(Schema.Array(Schema.String)),
    is_tokenizable: Schema.optional(Schema.Boolean),
    auto_debit_enabled: Schema.optional(Schema.Boolean),
    tags: Schema.optional(Schema.Array(Schema.String)),
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type PaymentMethod = typeof PaymentMethod.Type

/**
 * The answer of {@link list}: the matching gateways, and those the customer paid with before.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentMethods: Schema.TypeLiteral<
  {
    payment_methods: Schema.Array$<typeof PaymentMethod>
    customer_payment_methods: Schema.optionalWith<
      Schema.Array$<typeof Schema.Unknown>,
      { default: () => never[] }
    >
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    payment_methods: Schema.Array(PaymentMethod),
    customer_payment_methods: Schema.optionalWith(Schema.Array(Schema.Unknown), {
      default: () => [],
    }),
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type PaymentMethods = typeof PaymentMethods.Type

const path = endpoints.paymentMethods.route

/**
 * Lists the gateways that match the filters, for the configured environment.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PaymentMethods } from "effect-ottu"
 *
 * const codes = PaymentMethods.list({ plugin: "e_commerce", currencies: ["KWD"] }).pipe(
 *   Effect.map((r) => r.payment_methods.map((m) => m.code)),
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const list = (
  params: typeof ListParams.Encoded,
): Effect.Effect<PaymentMethods, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* OttuConfig
    const target = { method: "POST", path } as const
    const filters = yield* validate(ListParams, params, target)
    return yield* execute({
      path,
      endpoint: endpoints.paymentMethods,
      body: { _tag: "Json", value: { ...filters, type: config.environment } },
      success: PaymentMethods,
    })
  })

/**
 * What {@link prePaymentCheck} asks about: a checkout session and one of its flex gateways.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PrePaymentCheckParams: Schema.Struct<{
  session_id: typeof PathId
  pg_code: Schema.filter<Schema.filter<typeof Schema.String>>
}> = Schema.Struct({
  session_id: PathId,
  pg_code: Text(50).pipe(Schema.minLength(1)),
})

/**
 * One instalment plan Tamara offers (`payment_labels[]`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentLabel: Schema.TypeLiteral<
  {
    payment_type: typeof Schema.String
    instalment: typeof Schema.Number
    description_en: typeof optionalText
    description_ar: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    payment_type: Schema.String,
    instalment: Schema.Number,
    description_en: optionalText,
    description_ar: optionalText,
  },
  Rest,
)

/**
 * The pre-payment check's answer, one shape for the three providers: Tabby and Taly answer
 * `is_available` alone (the spec's default, `true`, when absent); Tamara adds
 * `single_checkout_enabled` and its instalment plans. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PrePaymentCheck: Schema.TypeLiteral<
  {
    is_available: Schema.optionalWith<typeof Schema.Boolean, { default: () => true }>
    single_checkout_enabled: Schema.optional<typeof Schema.Boolean>
    payment_labels: Schema.optional<Schema.Array$<typeof PaymentLabel>>
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    is_available: Schema.optionalWith(Schema.Boolean, { default: () => true as const }),
    single_checkout_enabled: Schema.optional(Schema.Boolean),
    payment_labels: Schema.optional(Schema.Array(PaymentLabel)),
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type PrePaymentCheck = typeof PrePaymentCheck.Type

/**
 * Asks the flex provider behind `pg_code` (Tabby, Tamara, Taly) whether it would take the
 * checkout's payer, before sending the payer to it. A pure check: nothing changes, so it is
 * retried like a read. Ottu answers 400 (`OttuBadRequestError`) for an unknown `pg_code` and 403
 * (`OttuForbiddenError`) when the credentials may not ask.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PaymentMethods } from "effect-ottu"
 *
 * const offerTabby = PaymentMethods.prePaymentCheck({ session_id: "bb7fc280", pg_code: "tabby" }).pipe(
 *   Effect.map((check) => check.is_available),
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const prePaymentCheck = (
  params: typeof PrePaymentCheckParams.Encoded,
): Effect.Effect<PrePaymentCheck, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const endpoint = endpoints.prePaymentCheck
    const { session_id, pg_code } = yield* validate(PrePaymentCheckParams, params, {
      method: endpoint.method,
      path: endpoint.route,
    })
    return yield* execute({
      endpoint,
      path: pathOf(endpoint, { session_id }),
      attributes: { "ottu.session_id": session_id, "ottu.pg_code": pg_code },
      body: { _tag: "Json", value: { pg_code } },
      success: PrePaymentCheck,
    })
  })
