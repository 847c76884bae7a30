/**
 * The amounts of a session, in minor units, derived from its checkout amount, its successful
 * attempt and its child transactions: what was settled, paid, captured, refunded and voided,
 * what remains to settle, and what can still be refunded.
 *
 * @internal
 */
import { gatewayOf, type paymentOperations } from "./gateways.ts"
import { sum, toMinor } from "./money.ts"
import type { Attempt, ChildTransaction, SandboxSession } from "./state.ts"

/**
 * The amounts of a session in minor units.
 *
 * * `amount`: the checkout amount.
 * * `settled`: the amount paid (purchase) or authorized (authorize flow); zero before.
 * * `paid`: the amount collected: the purchase, or what was captured of an authorization.
 * * `captured`, `refunded`, `voided`: the sums of the child transactions of each kind.
 * * `remaining`: what is still to settle: the whole amount before payment, nothing after a
 *   purchase, the authorized amount neither captured nor voided after an authorization.
 * * `refundable`: what was paid and not refunded yet.
 */
export interface Ledger {
  readonly amount: bigint
  readonly settled: bigint
  readonly paid: bigint
  readonly captured: bigint
  readonly refunded: bigint
  readonly voided: bigint
  readonly remaining: bigint
  readonly refundable: bigint
}

/** The successful attempt of a session, if it was paid or authorized. */
export const settlementOf = (session: SandboxSession): Attempt | undefined =>
  session.attempts.find((attempt) => attempt.outcome === "success")

/** The flow (purchase or authorize) of the gateway that settled the session, if any. */
export const flowOf = (session: SandboxSession): (typeof paymentOperations)[number] | undefined => {
  const settlement = settlementOf(session)
  return settlement === undefined
    ? undefined
    : (gatewayOf(settlement.pg_code)?.operation ?? "purchase")
}

const total = (
  transactions: ReadonlyArray<ChildTransaction>,
  operation: ChildTransaction["operation"],
): bigint => sum(transactions.filter((t) => t.operation === operation).map((t) => t.amount))

/** The amounts of a session. */
export const ledgerOf = (session: SandboxSession): Ledger => {
  const amount = toMinor(session.checkout.amount, session.checkout.currency_code) ?? 0n
  const flow = flowOf(session)
  const settled = flow === undefined ? 0n : amount
  const captured = total(session.transactions, "capture")
  const refunded = total(session.transactions, "refund")
  const voided = total(session.transactions, "void")
  const paid = flow === "authorize" ? captured : settled
  const remaining =
    flow === undefined ? amount : flow === "authorize" ? settled - captured - voided : 0n
  return {
    amount,
    settled,
    paid,
    captured,
    refunded,
    voided,
    remaining,
    refundable: paid - refunded,
  }
}
