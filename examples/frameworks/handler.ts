/**
 * What the framework recipes do with a verified event: {@link onEvent} routes it by payment state
 * and operation with `WebhookReceiver.dispatch`, and logs it. To persist instead, record and
 * apply events with `CheckoutStore.handler` (see `examples/webhook-server.ts`).
 */
import * as Effect from "effect/Effect"
import { type Webhook, WebhookReceiver } from "../../src/index.ts"

/** Nothing to do for this case (the payer is still on the checkout page, say). */
const ignore = () => Effect.void

/** A settled payment: the place to fulfil the order. */
const settled = (event: Webhook.PaymentEvent) =>
  Effect.log(`order ${event.order_no}: ${event.state}, ${event.amount} ${event.currency_code}`)

/** The recipes' handler: every payment state and operation named, and a fallback. */
export const onEvent = WebhookReceiver.dispatch({
  payment: {
    created: ignore,
    pending: ignore,
    attempted: ignore,
    authorized: settled,
    paid: settled,
    cod: settled,
    failed: (event) => Effect.log(`order ${event.order_no}: failed (${event.message})`),
    canceled: ignore,
    expired: ignore,
    invalided: ignore,
    refunded: settled,
  },
  operation: {
    capture: (event) => Effect.log(`capture ${event.result}: ${event.amount}`),
    refund: (event) => Effect.log(`refund ${event.result}: ${event.amount}`),
    void: (event) => Effect.log(`void ${event.result}`),
  },
  other: (event) => Effect.logWarning(`unhandled ${event._tag} for ${event.session_id}`),
})
