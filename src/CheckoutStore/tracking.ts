/**
 * Automatic persistence: the `AnswerObserver` that saves every checkout the SDK creates, reads,
 * changes, operates on or charges. The boundary hands it each decoded successful answer of the
 * endpoints that save something (the endpoint table's `saves`), after the call's timeout, with
 * the JSON body that was sent; nothing is read or decoded twice and no request is rewritten.
 *
 * | `saves` | calls | what is saved |
 * |---|---|---|
 * | `checkout` | checkout create, retrieve, update, replace; invoice create | the answer |
 * | `payment` | auto-debit charge (both endpoints), payment status query, cash acknowledgement (both endpoints), native payments (Apple Pay, Google Pay, wallet) | the payment payload, under its session; a 3-D Secure challenge (no `result`) saves nothing |
 * | `operation` | cancel, expire, delete, capture, refund, void | the checkout, read again (ottu-py's refresh): an operation's answer does not carry the checkout's new state |
 *
 * @internal
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as AutoDebit from "../AutoDebit.ts"
import * as Checkout from "../Checkout.ts"
import type { Answered, AnswerObserver } from "../internal/observer.ts"
import { OttuNoSavedTokenError } from "../OttuError.ts"
import type { Answer, Service } from "./model.ts"

/** A text member of a JSON object, when it is a non-empty string. */
const textOf = (value: unknown, field: string): string | undefined => {
  const member =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>)[field] : null
  return typeof member === "string" && member !== "" ? member : undefined
}

/**
 * The session a payment or an operation was about: named by the answer or by what was sent, or
 * found by the order number that was sent.
 */
const sessionOf = (
  store: Service,
  answered: Answered,
): Effect.Effect<Option.Option<string>, unknown> => {
  const sessionId = textOf(answered.answer, "session_id") ?? textOf(answered.sent, "session_id")
  if (sessionId !== undefined) return Effect.succeed(Option.some(sessionId))
  const orderNo = textOf(answered.sent, "order_no")
  if (orderNo === undefined) return Effect.succeed(Option.none())
  return Effect.map(
    store.findByOrderNo(orderNo),
    Option.map((checkout) => checkout.session_id),
  )
}

/**
 * The observer saving into `store`. The answers it gets were decoded by the boundary with their
 * endpoint's schema: a checkout session for `checkout`, a payment payload for `payment`. After an
 * operation the checkout is read again through `Checkout.retrieve`, whose answer this observer
 * saves in turn; a checkout that is gone (404) keeps what the store last knew.
 */
export const observer =
  (store: Service): AnswerObserver["Type"] =>
  (answered) => {
    switch (answered.endpoint.saves) {
      case "checkout":
        return store.save(answered.answer as Answer)
      case "payment":
        // A Google Pay 3-D Secure challenge has no `result`: it says nothing of the payment yet.
        if (textOf(answered.answer, "result") === undefined) return Effect.void
        return Effect.flatMap(sessionOf(store, answered), (sessionId) =>
          Option.isNone(sessionId)
            ? Effect.void
            : Effect.asVoid(
                store.save({ ...(answered.answer as Answer), session_id: sessionId.value }),
              ),
        )
      case "operation":
        return Effect.flatMap(sessionOf(store, answered), (sessionId) =>
          Option.isNone(sessionId)
            ? Effect.void
            : Checkout.retrieve(sessionId.value).pipe(
                Effect.asVoid,
                Effect.catchTag("OttuNotFoundError", () =>
                  Effect.logDebug("CheckoutStore: the operated checkout is gone (404)"),
                ),
              ),
        )
      default:
        return Effect.void
    }
  }

/**
 * `AutoDebit.TokenSource` on the store: the token of the card most recently saved for the
 * customer under the agreement. A store failure is an `OttuNoSavedTokenError` saying so.
 */
export const tokenSource = (store: Service): Context.Tag.Service<typeof AutoDebit.TokenSource> => ({
  latest: ({ customer_id, agreement_id }) =>
    store.latestToken({ customer_id, agreement_id }).pipe(
      Effect.map(Option.map((saved) => saved.token)),
      Effect.mapError(
        (error) =>
          new OttuNoSavedTokenError({
            customer_id,
            agreement_id,
            reason: `the checkout store failed: ${error.reason}`,
          }),
      ),
    ),
})
