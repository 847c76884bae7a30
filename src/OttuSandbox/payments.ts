/**
 * Simulated customer payments, the engine of the control API's `pay`: one attempt on one of the
 * session's gateways moves the session through Ottu's states (API reference §12.3), saves the
 * card when asked to (or when the checkout is a `save_card` or `auto_debit` one), and logs the
 * payment event Ottu would send as a webhook.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import type * as Ref from "effect/Ref"
import { SandboxControlError } from "../OttuError.ts"
import { saveCard } from "./cards.ts"
import { gatewayOf } from "./gateways.ts"
import { cardToken, referenceNumber } from "./ids.ts"
import { type AttemptOutcome, acceptsAttempt, stateAfter } from "./lifecycle.ts"
import { type PaymentPayload, paymentPayload } from "./payloads.ts"
import {
  type Attempt,
  modifyState,
  type SandboxSession,
  type SandboxState,
  webhookUrlOf,
  withEvent,
  withSession,
} from "./state.ts"

/**
 * How a simulated payment goes.
 *
 * @since 0.1.0
 * @category control
 */
export interface PayOptions {
  /**
   * The attempt's outcome (API reference §12.3). Default `"success"`: `paid` on a purchase
   * gateway, `authorized` on an authorize one.
   */
  readonly outcome?: AttemptOutcome
  /** The gateway the payer chose: one of the session's `pg_codes`. Default: the first. */
  readonly pg_code?: string
  /**
   * Save the card for the session's customer (the payer ticked "save card"). Needs a tokenizable
   * gateway and a session with `customer_id`. `save_card` and `auto_debit` checkouts save the
   * card on success without it.
   */
  readonly save_card?: boolean
  /**
   * Whether the gateway's MID allows several attempts (`can_have_multiple_attempts`, Ottu's
   * default for Checkout API transactions). Default `true`: a decline or a cancellation leaves
   * the session `attempted`; with `false` they make it `failed` or `expired`.
   */
  readonly multiple_attempts?: boolean
}

/** The session after `attempt`: its new state (§12.3) and the attempt appended. */
export const withAttempt = (
  session: SandboxSession,
  attempt: Attempt,
  multipleAttempts: boolean,
): SandboxSession => ({
  ...session,
  state: stateAfter(
    attempt.outcome,
    gatewayOf(attempt.pg_code)?.operation ?? "purchase",
    multipleAttempts,
  ),
  attempts: [...session.attempts, attempt],
})

/** What a payment takes from outside the state: the time, and fresh identifiers. */
export interface Fresh {
  readonly now: number
  readonly reference: string
  readonly token: string
}

/** The clock's time and fresh identifiers for one payment. */
export const freshValues: Effect.Effect<Fresh> = Effect.map(Clock.currentTimeMillis, (now) => ({
  now,
  reference: referenceNumber(),
  token: cardToken(),
}))

/**
 * The transition of one payment attempt on `sessionId`: the control API's `pay` and the native
 * payment routes share it, each refusing in its own way (`refusal` makes the error of a message).
 */
export const attempt =
  <E>(sessionId: string, options: PayOptions, fresh: Fresh, refusal: (message: string) => E) =>
  (state: SandboxState): Either.Either<readonly [PaymentPayload, SandboxState], E> => {
    const refuse = (message: string) => Either.left(refusal(message))
    const found = HashMap.get(state.sessions, sessionId)
    if (Option.isNone(found)) return refuse(`The sandbox has no session ${sessionId}.`)
    const session = found.value
    const { checkout } = session
    const outcome = options.outcome ?? "success"
    const pgCode = options.pg_code ?? checkout.pg_codes[0] ?? ""
    const gateway = gatewayOf(pgCode)
    if (gateway === undefined || !checkout.pg_codes.includes(pgCode)) {
      return refuse(
        `${pgCode} is not one of the session's pg_codes (${checkout.pg_codes.join(", ")}).`,
      )
    }
    if (!acceptsAttempt(session.state, outcome)) {
      return refuse(`The session is ${session.state}: it takes no ${outcome} attempt.`)
    }
    const customerId = typeof checkout.customer_id === "string" ? checkout.customer_id : undefined
    if (options.save_card === true && !gateway.is_tokenizable) {
      return refuse(`${pgCode} does not tokenize cards: it cannot save one.`)
    }
    if (options.save_card === true && customerId === undefined) {
      return refuse("The session has no customer_id: cards are saved per customer.")
    }
    const saves =
      outcome === "success" &&
      gateway.is_tokenizable &&
      customerId !== undefined &&
      (options.save_card === true || checkout.payment_type !== "one_off")
    const cards = saves
      ? saveCard(state.cards, {
          token: fresh.token,
          checkout,
          customer_id: customerId,
          pg_code: pgCode,
          now: fresh.now,
        })
      : state.cards
    const paid = withAttempt(
      session,
      {
        pg_code: pgCode,
        outcome,
        reference_number: fresh.reference,
        at: fresh.now,
        token: saves ? fresh.token : undefined,
      },
      options.multiple_attempts ?? true,
    )
    const payload = paymentPayload(paid, cards, fresh.now)
    const next = { ...withSession(state, paid), cards }
    // A gateway error is an interim result: Ottu sends no webhook for it (API reference §8).
    return Either.right([
      payload,
      outcome === "error"
        ? next
        : withEvent(next, {
            kind: "payment",
            session_id: sessionId,
            webhook_url: webhookUrlOf(paid),
            payload,
          }),
    ])
  }

/** Runs one simulated payment attempt on the sandbox state `ref`. */
export const pay = (
  ref: Ref.Ref<SandboxState>,
  sessionId: string,
  options: PayOptions,
): Effect.Effect<PaymentPayload, SandboxControlError> =>
  Effect.flatMap(freshValues, (fresh) =>
    modifyState(
      ref,
      attempt(sessionId, options, fresh, (message) => new SandboxControlError({ message })),
    ),
  )
