/**
 * Saved cards (API reference §9): how a payment saves one (per customer, gateway and agreement,
 * an agreement moving to the newest card), and the routes that list them
 * (`POST /b/pbl/v2/card/`, newest first) and delete them (`DELETE /b/pbl/v2/card/{token}/`,
 * refused while the card is bound to an auto-debit agreement).
 *
 * Every gateway of the sandbox is a sandbox MID, so its cards belong to `type: "sandbox"`; asking
 * for `production` cards finds none.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import { choice, text } from "./checks.ts"
import { cardPayload } from "./payloads.ts"
import { detail, json, type Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, listOf, type Rules, validated } from "./rules.ts"
import {
  type CheckoutInput,
  SandboxEnv,
  type SandboxState,
  type SavedCard,
  transact,
} from "./state.ts"

const environments = ["sandbox", "production"] as const

/** The id of a session's agreement, when it has one. */
export const agreementIdOf = (checkout: CheckoutInput): string | undefined => {
  const agreement = checkout.agreement as Readonly<Record<string, unknown>> | undefined
  return typeof agreement?.id === "string" ? agreement.id : undefined
}

/**
 * Saves the card a payment used: a new token for `customer_id` on `pg_code`, valid three years
 * from `now`, named after the customer. When the payment set up `agreementId`, the new card is
 * bound to it and every older card of the customer is released from it (an agreement is tied to
 * one card at a time).
 */
export const saveCard = (
  cards: ReadonlyArray<SavedCard>,
  options: {
    readonly token: string
    readonly checkout: CheckoutInput
    readonly customer_id: string
    readonly pg_code: string
    readonly now: number
  },
): ReadonlyArray<SavedCard> => {
  const { checkout, customer_id, now, token } = options
  const agreementId = agreementIdOf(checkout)
  const names = [checkout.customer_first_name, checkout.customer_last_name].filter(
    (name): name is string => typeof name === "string",
  )
  const today = new Date(now)
  const card: SavedCard = {
    token,
    customer_id,
    pg_code: options.pg_code,
    agreements: agreementId === undefined ? [] : [agreementId],
    brand: "VISA",
    last4: token.slice(-4),
    name_on_card: names.length > 0 ? names.join(" ") : null,
    expiry_month: String(today.getUTCMonth() + 1).padStart(2, "0"),
    expiry_year: String((today.getUTCFullYear() + 3) % 100).padStart(2, "0"),
  }
  const released = cards.map((saved) =>
    saved.customer_id === customer_id && agreementId !== undefined
      ? { ...saved, agreements: saved.agreements.filter((id) => id !== agreementId) }
      : saved,
  )
  return [...released, card]
}

const listRules: Rules = {
  type: field(choice(environments)),
  customer_id: field(text()),
  pg_codes: listOf(text(), { allowEmpty: true }),
  agreement_id: field(text()),
}

const listLists = listFieldsOf(listRules)

/** The validated list filters (the rules above guarantee these types). */
interface CardFilters {
  readonly type: (typeof environments)[number]
  readonly customer_id: string
  readonly pg_codes?: ReadonlyArray<string>
  readonly agreement_id?: string
}

const matchesFilters = (filters: CardFilters) => (card: SavedCard) =>
  filters.type === "sandbox" &&
  card.customer_id === filters.customer_id &&
  (filters.pg_codes === undefined ||
    filters.pg_codes.length === 0 ||
    filters.pg_codes.includes(card.pg_code)) &&
  (filters.agreement_id === undefined || card.agreements.includes(filters.agreement_id))

/**
 * POST: the customer's cards, newest first, as a JSON array. With `agreement_id`, at most one:
 * the card bound to that agreement (`saveCard` binds an agreement to one card of a customer).
 */
export const listCards = Effect.gen(function* () {
  const env = yield* SandboxEnv
  const body = yield* readBody(listLists)
  const filters = yield* validated(listRules, body, ["customer_id", "type"], fieldErrors)
  const now = yield* Clock.currentTimeMillis
  const { cards } = yield* Ref.get(env.state)
  return json(
    200,
    cards
      .filter(matchesFilters(filters as unknown as CardFilters))
      .reverse()
      .map((card) => cardPayload(card, now)),
  )
})

const deleteRules: Rules = { type: field(choice(environments)), customer_id: field(text()) }

/** The query of a request, one value per name (the last, as Django's `QueryDict.get`). */
const queryFields = Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
  Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.at(-1) : value,
    ]),
  ),
)

/** The state without the card, or the reply refusing to delete it. */
const withoutCard =
  (token: string, query: Readonly<Record<string, unknown>>) =>
  (state: SandboxState): Either.Either<readonly [undefined, SandboxState], Reply> => {
    const card = state.cards.find(
      (saved) =>
        query.type === "sandbox" &&
        saved.token === token &&
        saved.customer_id === query.customer_id,
    )
    if (card === undefined) return Either.left(detail(404, "Not found."))
    if (card.agreements.length > 0) {
      return Either.left(
        detail(
          400,
          `The card is bound to the auto-debit agreement ${card.agreements.join(", ")} and cannot be deleted until another card replaces it.`,
        ),
      )
    }
    return Either.right([undefined, { ...state, cards: state.cards.filter((c) => c !== card) }])
  }

/** DELETE: removes the customer's card named by the path; 204 with no body. */
export const deleteCard = Effect.gen(function* () {
  const { token = "" } = yield* HttpRouter.params
  const query = yield* validated(
    deleteRules,
    yield* queryFields,
    ["customer_id", "type"],
    fieldErrors,
  )
  yield* transact(withoutCard(token, query))
  return HttpServerResponse.empty({ status: 204 })
})
