/**
 * Recurring payments with a saved card: the auto-debit checkout, the merchant-initiated charge of
 * a token (`POST /b/pbl/v2/auto-debit/`, or `/b/pbl/v2/payment/auto-debit/`), and ottu-py's
 * auto-debit autoflow (token, gateways, checkout, charge).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Cards from "./Cards.ts"
import * as Checkout from "./Checkout.ts"
import { chargedOrFailed } from "./internal/charge.ts"
import { endpoints } from "./internal/endpoints.ts"
import { checkoutCreated, gatewayCodes, inStep } from "./internal/flow.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { PaymentPayload } from "./internal/payloads.ts"
import { PathId } from "./internal/primitives.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import {
  type OttuCallError,
  type OttuFlowError,
  OttuNoSavedTokenError,
  type OttuOperationError,
} from "./OttuError.ts"

/**
 * The payment payload of a charge (the payment-webhook shape): `result`, `state`, amounts,
 * `reference_number`, `token`, …
 *
 * @since 0.1.0
 * @category schemas
 */
export const Payment = PaymentPayload

/**
 * @since 0.1.0
 * @category models
 */
export type Payment = typeof Payment.Type

/**
 * What to charge: an `auto_debit` checkout and a saved card token of its customer.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChargeParams: Schema.Struct<{
  session_id: typeof PathId
  token: Schema.filter<Schema.filter<typeof Schema.String>>
}> = Schema.Struct({
  session_id: PathId,
  token: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(50)),
})

/**
 * Which of Ottu's two identical auto-debit endpoints to call: `/b/pbl/v2/auto-debit/` (the
 * default, as ottu-py) or `/b/pbl/v2/payment/auto-debit/`.
 *
 * @since 0.1.0
 * @category models
 */
export type Endpoint = "auto-debit" | "payment/auto-debit"

const chargeEndpoints = {
  "auto-debit": endpoints.autoDebit,
  "payment/auto-debit": endpoints.paymentAutoDebit,
} as const satisfies Record<Endpoint, unknown>

/**
 * Charges a saved card for an `auto_debit` checkout. A `result` other than `success` or
 * `pending` fails with `OttuOperationFailedError`; Ottu's refusals are `OttuBadRequestError`s.
 *
 * @since 0.1.0
 * @category operations
 */
export const charge = (
  params: typeof ChargeParams.Encoded,
  options?: { readonly endpoint?: Endpoint | undefined },
): Effect.Effect<Payment, OttuOperationError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const endpoint = chargeEndpoints[options?.endpoint ?? "auto-debit"]
    const where = { method: endpoint.method, path: endpoint.route }
    const body = yield* validate(ChargeParams, params, where)
    const payment = yield* execute({
      endpoint,
      path: endpoint.route,
      attributes: { "ottu.session_id": body.session_id },
      body: { _tag: "Json", value: body },
      success: Payment,
    })
    return yield* chargedOrFailed(where, payment, "charge")
  })

/**
 * The input of an auto-debit checkout: a checkout with a required `agreement` and `customer_id`;
 * `payment_type` is set to `auto_debit`.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckoutInput = Omit<
  Checkout.CreateInput,
  "payment_type" | "agreement" | "customer_id"
> & {
  readonly agreement: typeof Checkout.Agreement.Encoded
  readonly customer_id: string
}

/**
 * Creates an auto-debit checkout (the first, customer-initiated payment saves the card under the
 * agreement).
 *
 * @since 0.1.0
 * @category operations
 */
export const checkout = (
  params: CheckoutInput,
): Effect.Effect<Checkout.CheckoutSession, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Checkout.create({ ...params, payment_type: "auto_debit" })

/** What a {@link TokenSource} does. */
interface TokenLookup {
  readonly latest: (query: {
    readonly customer_id: string
    readonly agreement_id: string
  }) => Effect.Effect<Option.Option<string>, OttuNoSavedTokenError>
}

const TokenSourceBase: Context.TagClass<
  TokenSource,
  "effect-ottu/AutoDebit/TokenSource",
  TokenLookup
> = Context.Tag("effect-ottu/AutoDebit/TokenSource")<TokenSource, TokenLookup>()

/**
 * Where the auto-debit autoflow finds a saved token when none is given: the latest token of a
 * customer under an agreement. The persistence layer provides one backed by its store.
 *
 * @since 0.1.0
 * @category tags
 */
export class TokenSource extends TokenSourceBase {}

/** A card that can be charged without the customer: not expired, no CVV needed. */
const usable = (card: Cards.Card): boolean => card.is_expired !== true && card.cvv_required !== true

/**
 * A `TokenSource` backed by Ottu's own cards API: the first usable card (not expired, no CVV
 * needed) Ottu lists for the customer under the agreement (with `agreement_id`, Ottu answers the
 * latest card used for it). A failed lookup is an `OttuNoSavedTokenError` whose `reason` says why.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCardsTokenSource: Layer.Layer<
  TokenSource,
  never,
  OttuConfig | HttpClient.HttpClient
> = Layer.effect(
  TokenSource,
  Effect.map(Effect.context<OttuConfig | HttpClient.HttpClient>(), (context) => ({
    latest: ({ customer_id, agreement_id }) =>
      Cards.list({ customer_id, agreement_id }).pipe(
        Effect.map((cards) =>
          Option.fromNullable(cards.find(usable)).pipe(Option.map((card) => card.token)),
        ),
        Effect.mapError(
          (error) =>
            new OttuNoSavedTokenError({
              customer_id,
              agreement_id,
              reason: `the cards API failed: ${error.message}`,
            }),
        ),
        Effect.provide(context),
      ),
  })),
)

/**
 * The input of {@link autoFlow}: an auto-debit checkout whose gateways may be left out (the
 * auto-debit ones for the currency are used) and whose `token` may be left out (the
 * `TokenSource` is asked).
 *
 * @since 0.1.0
 * @category models
 */
export type AutoFlowInput = Omit<CheckoutInput, "pg_codes"> & {
  readonly pg_codes?: ReadonlyArray<string> | undefined
  readonly token?: string | undefined
}

const TokenValue = ChargeParams.fields.token

/**
 * The given token, or the `TokenSource`'s latest, checked before anything is sent; a typed error
 * when there is none.
 */
const tokenFor = (customer: string, agreement: string, given: string | undefined) =>
  Effect.flatMap(foundToken(customer, agreement, given), (token) =>
    validate(TokenValue, token, { method: "POST", path: endpoints.autoDebit.route }),
  )

/** The given token, or the `TokenSource`'s latest: only a missing token needs the source. */
const foundToken = (
  customer: string,
  agreement: string,
  given: string | undefined,
): Effect.Effect<string, OttuNoSavedTokenError, TokenSource> =>
  given !== undefined
    ? Effect.succeed(given)
    : Effect.flatMap(TokenSource, (tokens) =>
        Effect.flatMap(tokens.latest({ customer_id: customer, agreement_id: agreement }), (found) =>
          Option.match(found, {
            onNone: () =>
              Effect.fail(
                new OttuNoSavedTokenError({
                  customer_id: customer,
                  agreement_id: agreement,
                  reason: "the TokenSource has no token for them",
                }),
              ),
            onSome: Effect.succeed,
          }),
        ),
      )

/**
 * What {@link autoFlow} gives back: the auto-debit checkout it created and the charge's payment.
 *
 * @since 0.1.0
 * @category models
 */
export interface AutoFlowResult {
  readonly session: Checkout.CheckoutSession
  readonly payment: Payment
}

/**
 * ottu-py's `auto_debit_autoflow`: takes the token (given, or from the `TokenSource`), the
 * gateways (given, or those that tokenize and auto-debit for the plugin and currency), creates
 * the auto-debit checkout and charges the token. Every failure is an `OttuFlowError` naming the
 * step; once the checkout exists, the error carries its `session_id`.
 *
 * **Details:** without a `token` the flow asks the {@link TokenSource}, so its type requires one
 * (`layerCardsTokenSource`, or the checkout store's); with a `token` it does not.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { AutoDebit } from "effect-ottu"
 *
 * const charged = AutoDebit.autoFlow({
 *   type: "e_commerce",
 *   amount: "9.900",
 *   currency_code: "KWD",
 *   customer_id: "cust-1",
 *   agreement: { id: "A-1", type: "recurring", frequency: "monthly" },
 * }).pipe(Effect.provide(AutoDebit.layerCardsTokenSource))
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const autoFlow: {
  (
    params: AutoFlowInput & { readonly token: string },
  ): Effect.Effect<AutoFlowResult, OttuFlowError, OttuConfig | HttpClient.HttpClient>
  (
    params: AutoFlowInput,
  ): Effect.Effect<AutoFlowResult, OttuFlowError, OttuConfig | HttpClient.HttpClient | TokenSource>
} = (params: AutoFlowInput) =>
  // With a token the TokenSource is never asked for (see `foundToken`): the first signature
  // only drops a requirement the run does not have.
  flow(params) as Effect.Effect<AutoFlowResult, OttuFlowError, OttuConfig | HttpClient.HttpClient>

const flow = (
  params: AutoFlowInput,
): Effect.Effect<AutoFlowResult, OttuFlowError, OttuConfig | HttpClient.HttpClient | TokenSource> =>
  Effect.gen(function* () {
    const { token, pg_codes, ...fields } = params
    const used = yield* tokenFor(fields.customer_id, fields.agreement.id, token).pipe(
      inStep("auto_debit", "token"),
    )
    const codes =
      pg_codes !== undefined && pg_codes.length > 0
        ? pg_codes
        : yield* gatewayCodes(fields.type, fields.currency_code, true).pipe(
            inStep("auto_debit", "payment_methods"),
          )
    const session = yield* checkout({ ...fields, pg_codes: codes }).pipe(
      inStep("auto_debit", "checkout"),
    )
    yield* checkoutCreated(session)
    const payment = yield* charge({ session_id: session.session_id, token: used }).pipe(
      inStep("auto_debit", "charge", session.session_id),
    )
    return { session, payment }
  })
