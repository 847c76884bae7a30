/**
 * Typed dispatch of webhook events: one handler per payment state and per operation, checked
 * for exhaustiveness by the compiler, and a fallback for what Ottu may add later.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { State } from "../Checkout/schemas.ts"
import type * as Webhook from "../Webhook.ts"
import type { Delivery } from "../WebhookReceiver.ts"

/**
 * The states a payment event is dispatched on: the 11 states of a checkout (API reference §12,
 * `Checkout.State`).
 *
 * @since 0.1.0
 * @category models
 */
export type PaymentState = typeof State.Type

/**
 * The operations an operation event is dispatched on.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationKind = "capture" | "refund" | "void"

const isPaymentState = Schema.is(State)
const isOperationKind = Schema.is(Schema.Literal("capture", "refund", "void"))

/** What every handler returns: any effect; its value is dropped. */
type Handled = Effect.Effect<unknown, unknown, unknown>

/**
 * One handler per payment state, one per operation, and `other` for the rest, each called as
 * the receiver's handler is, with the event narrowed to its case:
 *
 * - `payment[state]` gets a `PaymentEvent` whose `state` is that state;
 * - `operation[kind]` gets an `OperationEvent` whose `operation` is that kind (its `result` says
 *   whether it succeeded, failed, was queued or rejected: a queued one is followed by another
 *   event later);
 * - `other` gets any event none of them takes: a payment event without a `state` or in a state
 *   this SDK does not know, and an operation event whose `operation` is `null` (Ottu's own
 *   example sends one) or unknown.
 *
 * @since 0.1.0
 * @category models
 */
export interface Handlers {
  readonly payment: {
    readonly [S in PaymentState]: (
      event: Webhook.PaymentEvent & { readonly state: S },
      delivery: Delivery,
    ) => Handled
  }
  readonly operation: {
    readonly [K in OperationKind]: (
      event: Webhook.OperationEvent & { readonly operation: K },
      delivery: Delivery,
    ) => Handled
  }
  readonly other: (event: Webhook.Event, delivery: Delivery) => Handled
}

/** The effects the handlers of `H` return, as one union. */
type Returns<H extends Handlers> = ReturnType<
  H["payment"][PaymentState] | H["operation"][OperationKind] | H["other"]
>

/** A handler of any event, as the router sees each of them once it has chosen one. */
type Handler = (event: Webhook.Event, delivery: Delivery) => Handled

/** The handler of an event's case, or `other`. */
const handlerOf = (handlers: Handlers, event: Webhook.Event): Handler => {
  if (event._tag === "PaymentEvent") {
    return isPaymentState(event.state) ? (handlers.payment[event.state] as Handler) : handlers.other
  }
  return isOperationKind(event.operation)
    ? (handlers.operation[event.operation] as Handler)
    : handlers.other
}

/**
 * A receiver handler that routes each event to the handler of its case (see {@link Handlers}).
 * Every state and every operation needs a handler, so a missing case is a compile error; share
 * one function between the cases you treat alike. The errors and requirements of all handlers
 * make those of the result.
 *
 * **Gotchas**
 *
 * - The case comes from the event's own fields, and not all of them are signed (see
 *   `Webhook.Verified`). A payment's `state` is signed by both schemes: a replayed body cannot
 *   take another known state (at most lose it, and go to `other`). An operation's `operation`
 *   (and its `txn`) is signed by neither: whoever replays a captured operation body can turn a
 *   `capture` into a `refund`, so confirm with Ottu (`Checkout.retrieve`, `Inquiry`) before
 *   acting on one, and use `session_id` only as a key to look up, never as proof.
 * - Ottu adds states over time; until this SDK names a new one, its events go to `other`, so make
 *   `other` log or store what it gets rather than drop it.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { type Webhook, WebhookReceiver } from "effect-ottu"
 *
 * const ignore = () => Effect.void
 * const fulfil = (event: Webhook.PaymentEvent) => Effect.log(`ship ${event.order_no}`)
 *
 * const handler = WebhookReceiver.dispatch({
 *   payment: {
 *     created: ignore, pending: ignore, attempted: ignore,
 *     authorized: fulfil, paid: fulfil, cod: fulfil,
 *     failed: (event) => Effect.log(`payment failed: ${event.message}`),
 *     canceled: ignore, expired: ignore, invalided: ignore,
 *     refunded: (event) => Effect.log(`refunded ${event.refunded_amount}`),
 *   },
 *   operation: {
 *     capture: ignore,
 *     refund: (event) => Effect.log(`refund ${event.result}: ${event.amount}`),
 *     void: ignore,
 *   },
 *   other: (event) => Effect.logWarning(`unhandled ${event._tag} for ${event.session_id}`),
 * })
 * const receiver = WebhookReceiver.webHandler({ handler, key: Redacted.make("the webhook key") })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const dispatch =
  <H extends Handlers>(
    handlers: H,
  ): ((
    event: Webhook.Event,
    delivery: Delivery,
  ) => Effect.Effect<void, Effect.Effect.Error<Returns<H>>, Effect.Effect.Context<Returns<H>>>) =>
  (event, delivery) =>
    Effect.asVoid(handlerOf(handlers, event)(event, delivery)) as Effect.Effect<
      void,
      Effect.Effect.Error<Returns<H>>,
      Effect.Effect.Context<Returns<H>>
    >
