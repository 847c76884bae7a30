/**
 * A customer's saved cards: list them (`POST /b/pbl/v2/card/`), take the latest, delete one
 * (`DELETE /b/pbl/v2/card/{token}/`). Ottu serves this API to API-key users only.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { endpoints, pathOf } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { invalid, validate } from "./internal/input.ts"
import { Card as CardSchema } from "./internal/payloads.ts"
import { PathId, Text } from "./internal/primitives.ts"
import { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

/**
 * A saved card: `token` (for auto-debit), `pg_code`, masked `number`, expiry, `agreements`, …
 *
 * @since 0.1.0
 * @category schemas
 */
export const Card = CardSchema

/**
 * @since 0.1.0
 * @category models
 */
export type Card = typeof Card.Type

/**
 * The filters of {@link list} and {@link latest}. `customer_id` defaults to the configured
 * customer; with `agreement_id` Ottu returns at most the latest card used for that agreement.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListParams: Schema.Struct<{
  customer_id: Schema.optional<Schema.filter<Schema.filter<typeof Schema.String>>>
  pg_codes: Schema.optional<Schema.Array$<typeof Schema.String>>
  agreement_id: Schema.optional<Schema.filter<typeof Schema.String>>
}> = Schema.Struct({
  customer_id: Schema.optional(Text(64).pipe(Schema.minLength(1))),
  pg_codes: Schema.optional(Schema.Array(Schema.String)),
  agreement_id: Schema.optional(Text(128)),
})

/** Ottu documents one card but answers an array; both are read as a list. */
const CardList = Schema.Union(
  Schema.Array(Card),
  Schema.transform(Card, Schema.Array(Schema.typeSchema(Card)), {
    strict: true,
    decode: (card) => [card],
    encode: (cards) => cards[0] as typeof Card.Type,
  }),
)

const listPath = endpoints.cardsList.route
const itemRoute = endpoints.cardsRemove.route

/** The customer given, or the configured one; refused when there is neither. */
const customerOf = (given: string | undefined, where: { method: string; path: string }) =>
  Effect.flatMap(OttuConfig, (config) => {
    const customer = given ?? config.customerId
    return customer === undefined
      ? Effect.fail(invalid(where, "customer_id", "is required (none given and none configured)"))
      : Effect.succeed({ customer, environment: config.environment })
  })

/**
 * Lists the customer's saved cards for the configured environment, in Ottu's order (preferred
 * and latest first).
 *
 * @since 0.1.0
 * @category operations
 */
export const list = (
  params?: typeof ListParams.Encoded,
): Effect.Effect<ReadonlyArray<Card>, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const where = { method: "POST", path: listPath } as const
    const filters = yield* validate(ListParams, params ?? {}, where)
    const { customer, environment } = yield* customerOf(filters.customer_id, where)
    return yield* execute({
      endpoint: endpoints.cardsList,
      path: listPath,
      attributes: { "ottu.customer_id": customer },
      body: { _tag: "Json", value: { ...filters, customer_id: customer, type: environment } },
      success: CardList,
    })
  })

/**
 * The first card Ottu lists for the filters (ottu-py's `cards.get`), or `None`.
 *
 * @since 0.1.0
 * @category operations
 */
export const latest = (
  params?: typeof ListParams.Encoded,
): Effect.Effect<Option.Option<Card>, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.map(list(params), (cards) => Option.fromNullable(cards[0]))

/**
 * Deletes a saved card. Ottu answers 204; a card bound to an active auto-debit agreement is
 * locked until another card replaces it. Errors name the route (`/b/pbl/v2/card/{token}/`), not
 * the token.
 *
 * @since 0.1.0
 * @category operations
 */
export const remove = (
  token: string,
  options?: { readonly customer_id?: string | undefined },
): Effect.Effect<void, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const where = { method: "DELETE", path: itemRoute } as const
    yield* validate(PathId, token, where)
    const { customer, environment } = yield* customerOf(options?.customer_id, where)
    yield* execute({
      endpoint: endpoints.cardsRemove,
      path: pathOf(endpoints.cardsRemove, { token }),
      attributes: { "ottu.customer_id": customer },
      urlParams: { customer_id: customer, type: environment },
      success: Schema.Unknown,
    })
  })
