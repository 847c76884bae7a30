/**
 * Ottu's payment lifecycle (API reference §12) as data: the actions each transaction state
 * allows, which deletes are soft, which states take a payment attempt, and the state an
 * attempt's outcome leads to.
 *
 * @internal
 */
import type { paymentOperations } from "./gateways.ts"

/**
 * The lifecycle state of a checkout session (API reference §12.1).
 *
 * @since 0.1.0
 * @category models
 */
export type CheckoutState =
  | "created"
  | "pending"
  | "attempted"
  | "authorized"
  | "paid"
  | "failed"
  | "canceled"
  | "expired"
  | "invalided"
  | "refunded"
  | "cod"

/** The operations of `POST /b/pbl/v2/operation/`. */
export const operations = ["delete", "cancel", "expire", "refund", "capture", "void"] as const

/**
 * An operation of the Operations API.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation = (typeof operations)[number]

/** The operations sent to the gateway, which create a child transaction. */
export type ExternalOperation = Extract<Operation, "capture" | "refund" | "void">

/**
 * The outcome of one payment attempt (API reference §12.3): the payer paid (`success`), the
 * gateway declined (`failed`), the payer cancelled on the gateway page (`canceled`), the gateway
 * did not answer (`error`), or the payer chose cash on delivery (`cod`).
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptOutcome = "success" | "failed" | "canceled" | "error" | "cod"

type Action = Operation | "inquiry"

/**
 * The "Allowed actions" column of §12.1, as it stands. §12.2 adds one rule the operations route
 * applies on top: a refund is also allowed on an `authorized` transaction once it is captured.
 */
const allowedActions: Readonly<Record<CheckoutState, ReadonlyArray<Action>>> = {
  created: ["cancel", "expire", "delete"],
  pending: ["cancel", "expire", "inquiry", "delete"],
  attempted: ["cancel", "expire", "inquiry", "delete"],
  authorized: ["capture", "void", "delete"],
  paid: ["refund", "delete"],
  cod: ["cancel", "delete"],
  failed: ["inquiry", "delete"],
  canceled: ["delete"],
  expired: ["inquiry", "delete"],
  invalided: ["delete"],
  refunded: [],
}

/** Whether §12.1 allows `action` in `state`. */
export const allows = (state: CheckoutState, action: Action): boolean =>
  allowedActions[state].includes(action)

/** The states whose delete is soft (hidden from reports, recoverable); other deletes are hard. */
export const softDeleteStates: ReadonlyArray<CheckoutState> = ["paid", "authorized", "cod"]

/** The states a `cancel` and an `expire` lead to. */
export const internalTargets = { cancel: "canceled", expire: "expired" } as const

/** Whether the payer can still make an attempt: `created`, `pending`, `attempted` (§12.2–12.3). */
export const isOpen = (state: CheckoutState): boolean =>
  state === "created" || state === "pending" || state === "attempted"

/**
 * The states that still accept an attempt with `outcome`: the open states, plus `failed` and
 * `expired` for a late success or cash acknowledgement ("can acknowledge payment", §12.2).
 */
export const acceptsAttempt = (state: CheckoutState, outcome: AttemptOutcome): boolean =>
  isOpen(state) ||
  ((outcome === "success" || outcome === "cod") && (state === "failed" || state === "expired"))

/**
 * The state an attempt leads to (§12.3). With multi-attempt (Ottu's default for Checkout API
 * transactions) a decline or a cancellation leaves the transaction open (`attempted`) and a
 * gateway error leaves it `pending` until an inquiry resolves it; without, they end it.
 */
export const stateAfter = (
  outcome: AttemptOutcome,
  flow: (typeof paymentOperations)[number],
  multipleAttempts: boolean,
): CheckoutState => {
  switch (outcome) {
    case "success":
      return flow === "authorize" ? "authorized" : "paid"
    case "cod":
      return "cod"
    case "failed":
      return multipleAttempts ? "attempted" : "failed"
    case "canceled":
      return multipleAttempts ? "attempted" : "expired"
    case "error":
      return multipleAttempts ? "pending" : "failed"
  }
}
