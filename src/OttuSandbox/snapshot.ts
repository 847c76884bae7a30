/**
 * A session as tests read it through the control API: its state, checkout, attempts and child
 * transactions, with every amount as a decimal string in the session's currency.
 *
 * @internal
 */
import { type Ledger, ledgerOf, settlementOf } from "./ledger.ts"
import type { CheckoutState } from "./lifecycle.ts"
import { fromMinor } from "./money.ts"
import type { Attempt, CheckoutInput, ChildTransaction, SandboxSession } from "./state.ts"

/**
 * A child transaction as a snapshot shows it: its amount as a decimal string.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChildSnapshot {
  readonly session_id: string
  readonly operation: ChildTransaction["operation"]
  readonly state: ChildTransaction["state"]
  readonly amount: string
  readonly reference_number: string
  readonly tracking_key: string | undefined
}

/**
 * A session as the sandbox holds it, for tests. `settled_pg_code` is the gateway that paid or
 * authorized it, `inquiries` the number of status queries it answered, `created_at` epoch
 * milliseconds of the sandbox's `Clock`. `amounts` are decimal strings in the session's currency:
 *
 * * `amount`: the checkout amount; `settled`: the amount paid or authorized (zero before);
 * * `paid`: the amount collected (the purchase, or what was captured of an authorization);
 * * `captured`, `refunded`, `voided`: the sums of the child transactions of each kind;
 * * `remaining`: what is still to settle (all of it before payment, nothing after a purchase,
 *   the authorized amount neither captured nor voided after an authorization);
 * * `refundable`: what was paid and not refunded yet.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionSnapshot {
  readonly session_id: string
  readonly state: CheckoutState
  readonly deleted: boolean
  readonly checkout: CheckoutInput
  readonly created_at: number
  readonly settled_pg_code: string | undefined
  readonly amounts: { readonly [K in keyof Ledger]: string }
  readonly attempts: ReadonlyArray<Attempt>
  readonly transactions: ReadonlyArray<ChildSnapshot>
  readonly inquiries: number
}

/** The snapshot of a session. */
export const snapshotOf = (session: SandboxSession): SessionSnapshot => {
  const currency = session.checkout.currency_code
  const ledger = ledgerOf(session)
  const decimal = (units: bigint) => fromMinor(units, currency)
  return {
    session_id: session.session_id,
    state: session.state,
    deleted: session.deleted,
    checkout: session.checkout,
    created_at: session.created_at,
    settled_pg_code: settlementOf(session)?.pg_code,
    amounts: {
      amount: decimal(ledger.amount),
      settled: decimal(ledger.settled),
      paid: decimal(ledger.paid),
      captured: decimal(ledger.captured),
      refunded: decimal(ledger.refunded),
      voided: decimal(ledger.voided),
      remaining: decimal(ledger.remaining),
      refundable: decimal(ledger.refundable),
    },
    attempts: session.attempts,
    transactions: session.transactions.map((child) => ({
      session_id: child.session_id,
      operation: child.operation,
      state: child.state,
      amount: decimal(child.amount),
      reference_number: child.reference_number,
      tracking_key: child.tracking_key,
    })),
    inquiries: session.inquiries.length,
  }
}
