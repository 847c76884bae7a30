/**
 * The gateways (`pg_codes`) a merchant can use, filtered by plugin, currency, customer,
 * operation and tokenization (`POST /b/pbl/v2/payment-methods/`).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { endpoints } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { CurrencyCode, Rest, Text } from "./internal/primitives.ts"
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
