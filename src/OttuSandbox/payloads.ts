/**
 * The bodies the sandbox answers with and logs as webhook events: the payment payload (API
 * reference §13.2: status query, auto-debit, payment webhook), the external-operation payload
 * (§13.3: capture, refund and void answers and webhooks) and the saved card (§9.1).
 *
 * Amounts are decimal strings with the currency's decimals (the spec types `paid_amount`,
 * `settled_amount`, `remaining_amount`, `refunded_amount` and `voided_amount` as numbers, Ottu's
 * examples send strings: the sandbox sends strings). `signature` is `""` here: the webhook
 * delivery (`delivery.ts`) signs each event with the receiver's key, in the scheme Ottu would use,
 * as it sends it; the API answers stay unsigned.
 *
 * @internal
 */
import { gatewayOf } from "./gateways.ts"
import { flowOf, ledgerOf, settlementOf } from "./ledger.ts"
import type { AttemptOutcome, CheckoutState, ExternalOperation } from "./lifecycle.ts"
import { fromMinor } from "./money.ts"
import type { Attempt, ChildTransaction, paymentTypes, SandboxSession, SavedCard } from "./state.ts"

/**
 * A saved card as the cards API lists it and as payment payloads carry it (`token`), with every
 * field of the spec's `Card`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CardPayload {
  readonly brand: string | null
  readonly customer_id: string
  readonly cvv_required: boolean
  readonly expiry_month: string
  readonly expiry_year: string
  readonly is_expired: boolean
  readonly is_preferred: boolean
  readonly name_on_card: string | null
  readonly number: string | null
  readonly pg_code: string
  readonly pg_name: string
  readonly token: string
  readonly agreements: ReadonlyArray<string>
}

/**
 * A child transaction as payloads summarise it (the spec's `ChildPayment`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ChildPayment {
  readonly amount: string
  readonly currency_code: string
  readonly order_no: string
  readonly session_id: string
  readonly state: ChildTransaction["state"]
}

/**
 * The payment payload (API reference §13.2). Besides the fields named here it carries the
 * session's customer fields, its flattened billing address (`customer_address_*`) and its
 * `extra` when they were given, and `token` when the attempt saved or charged a card.
 *
 * @since 0.1.0
 * @category models
 */
export interface PaymentPayload extends Readonly<Record<string, unknown>> {
  readonly session_id: string
  readonly order_no: string | null
  readonly amount: string
  readonly currency_code: string
  readonly amount_details: {
    readonly currency_code: string
    readonly amount: string
    readonly fee: string
    readonly total: string
  }
  readonly fee: string
  readonly paid_amount: string
  readonly settled_amount: string
  readonly remaining_amount: string
  readonly refunded_amount: string
  readonly voided_amount: string
  readonly result: AttemptOutcome | "pending"
  readonly state: CheckoutState
  readonly message: string
  readonly reference_number: string
  readonly gateway_account: string
  readonly gateway_name: string
  readonly gateway_response: Readonly<Record<string, unknown>>
  readonly pg_params: Readonly<Record<string, string>>
  readonly payment_type: (typeof paymentTypes)[number]
  readonly agreement: Readonly<Record<string, unknown>>
  readonly card_acceptance_criteria: Readonly<Record<string, unknown>>
  readonly transactions: ReadonlyArray<ChildPayment>
  readonly is_sandbox: true
  readonly timestamp_utc: string
  readonly signature: string
  readonly token?: CardPayload
}

/**
 * The external-operation payload (API reference §13.3, `ExternalOperation`): the answer of a
 * capture, refund or void, and its webhook. `session_id` and `order_no` are the parent's (the
 * latter `""` when it has none); `txn` is the child transaction.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationPayload extends Readonly<Record<string, unknown>> {
  readonly amount: string
  readonly session_id: string
  readonly order_no: string
  readonly operation: ExternalOperation
  readonly pg_code: string
  readonly pg_response: Readonly<Record<string, unknown>>
  readonly pg_params: Readonly<Record<string, string>>
  readonly reference_number: string
  readonly source: "input"
  readonly success: true
  readonly result: "success"
  readonly is_sandbox: true
  readonly timestamp_utc: string
  readonly signature: string
  readonly txn: ChildPayment
}

/** An instant as Ottu writes `timestamp_utc`: `2023-11-02 09:00:07`. */
export const timestampUtc = (millis: number): string =>
  new Date(millis).toISOString().slice(0, 19).replace("T", " ")

/** The card's masked number, as `**** 1019`. */
const maskedNumber = (card: SavedCard): string => `**** ${card.last4}`

/** A saved card as the cards API lists it, at `now` (epoch milliseconds). */
export const cardPayload = (card: SavedCard, now: number): CardPayload => {
  const today = new Date(now)
  const expiry = [2000 + Number(card.expiry_year), Number(card.expiry_month)] as const
  const current = [today.getUTCFullYear(), today.getUTCMonth() + 1] as const
  const gateway = gatewayOf(card.pg_code)
  return {
    brand: card.brand,
    customer_id: card.customer_id,
    cvv_required: gateway?.auto_debit_enabled !== true,
    expiry_month: card.expiry_month,
    expiry_year: card.expiry_year,
    is_expired: expiry[0] < current[0] || (expiry[0] === current[0] && expiry[1] < current[1]),
    is_preferred: false,
    name_on_card: card.name_on_card,
    number: maskedNumber(card),
    pg_code: card.pg_code,
    pg_name: gateway?.pg ?? card.pg_code,
    token: card.token,
    agreements: card.agreements,
  }
}

const outcomeMessages: Readonly<Record<AttemptOutcome, string>> = {
  success: "The payment was completed successfully.",
  failed: "The payment was declined by the gateway.",
  canceled: "The payer canceled the payment on the gateway page.",
  error: "The gateway did not answer; the payment status is not known yet.",
  cod: "The payer chose to pay cash on delivery.",
}

const gatewayResults: Readonly<Record<AttemptOutcome, string>> = {
  success: "CAPTURED",
  failed: "DECLINED",
  canceled: "CANCELED",
  error: "ERROR",
  cod: "COD",
}

/** The normalised gateway fields of an attempt (§13.4), with the card's when one was used. */
const attemptParams = (
  attempt: Attempt,
  authorized: boolean,
  card: SavedCard | undefined,
): Readonly<Record<string, string>> => ({
  result: authorized ? "APPROVED" : gatewayResults[attempt.outcome],
  ref: attempt.reference_number,
  transaction_id: attempt.reference_number,
  pg_message: outcomeMessages[attempt.outcome],
  ...(card === undefined
    ? {}
    : {
        card_type: card.brand,
        card_number: maskedNumber(card),
        card_expiry_month: card.expiry_month,
        card_expiry_year: card.expiry_year,
        ...(card.name_on_card === null ? {} : { card_holder: card.name_on_card }),
      }),
})

/** The session's customer fields, billing address and `extra`, as payment payloads echo them. */
const customerFields = (session: SandboxSession): Readonly<Record<string, unknown>> => {
  const { checkout } = session
  const address = (checkout.billing_address ?? {}) as Readonly<Record<string, unknown>>
  const echoed = [
    "customer_id",
    "customer_email",
    "customer_first_name",
    "customer_last_name",
    "customer_phone",
    "customer_birthdate",
    "extra",
  ].filter((name) => checkout[name] !== undefined)
  const flattened = ["line1", "line2", "city", "state", "postal_code", "country"].filter(
    (name) => address[name] !== undefined,
  )
  return {
    ...Object.fromEntries(echoed.map((name) => [name, checkout[name]])),
    ...Object.fromEntries(flattened.map((name) => [`customer_address_${name}`, address[name]])),
  }
}

/** The child transactions of a session as payloads summarise them. */
const childPayment = (session: SandboxSession, child: ChildTransaction): ChildPayment => ({
  amount: fromMinor(child.amount, session.checkout.currency_code),
  currency_code: session.checkout.currency_code,
  order_no: "",
  session_id: child.session_id,
  state: child.state,
})

/**
 * The payment payload of a session as it stands, described by its last attempt (`result`
 * `"pending"` and no gateway fields before any attempt), stamped `at` (epoch milliseconds).
 */
export const paymentPayload = (
  session: SandboxSession,
  cards: ReadonlyArray<SavedCard>,
  at: number,
): PaymentPayload => {
  const { checkout } = session
  const currency = checkout.currency_code
  const attempt = session.attempts.at(-1)
  const pgCode = attempt?.pg_code ?? checkout.pg_codes[0] ?? ""
  const card = cards.find((saved) => saved.token === attempt?.token)
  const zero = fromMinor(0n, currency)
  const ledger = ledgerOf(session)
  const authorized = attempt?.outcome === "success" && flowOf(session) === "authorize"
  const agreement = (checkout.agreement ?? {}) as Readonly<Record<string, unknown>>
  // Ottu's default for auto-debit checkouts (API reference §5.1).
  const criteria =
    checkout.card_acceptance_criteria ??
    (checkout.payment_type === "auto_debit" ? { min_expiry_time: 30 } : {})
  return {
    ...customerFields(session),
    session_id: session.session_id,
    order_no: typeof checkout.order_no === "string" ? checkout.order_no : null,
    amount: checkout.amount,
    currency_code: currency,
    amount_details: {
      currency_code: currency,
      amount: checkout.amount,
      fee: zero,
      total: checkout.amount,
    },
    fee: `${zero} ${currency}`,
    paid_amount: fromMinor(ledger.paid, currency),
    settled_amount: fromMinor(ledger.settled, currency),
    remaining_amount: fromMinor(ledger.remaining, currency),
    refunded_amount: fromMinor(ledger.refunded, currency),
    voided_amount: fromMinor(ledger.voided, currency),
    result: attempt?.outcome ?? "pending",
    state: session.state,
    message:
      attempt === undefined
        ? "No payment attempt has been made yet."
        : outcomeMessages[attempt.outcome],
    reference_number: attempt?.reference_number ?? "",
    gateway_account: pgCode,
    gateway_name: gatewayOf(pgCode)?.pg ?? pgCode,
    gateway_response:
      attempt === undefined
        ? {}
        : {
            status: authorized ? "APPROVED" : gatewayResults[attempt.outcome],
            reference: attempt.reference_number,
            amount: checkout.amount,
            currency: currency,
          },
    pg_params: attempt === undefined ? {} : attemptParams(attempt, authorized, card),
    payment_type: checkout.payment_type,
    agreement,
    card_acceptance_criteria: criteria as Readonly<Record<string, unknown>>,
    transactions: session.transactions.map((child) => childPayment(session, child)),
    is_sandbox: true,
    timestamp_utc: timestampUtc(at),
    signature: "",
    ...(card === undefined ? {} : { token: cardPayload(card, at) }),
  }
}

/** The external-operation payload of a child transaction of `session`. */
export const operationPayload = (
  session: SandboxSession,
  child: ChildTransaction,
): OperationPayload => {
  const txn = childPayment(session, child)
  const pgCode = settlementOf(session)?.pg_code ?? ""
  const gatewayResult = { capture: "CAPTURED", refund: "REFUNDED", void: "VOIDED" }[child.operation]
  return {
    amount: txn.amount,
    session_id: session.session_id,
    order_no: typeof session.checkout.order_no === "string" ? session.checkout.order_no : "",
    operation: child.operation,
    pg_code: pgCode,
    pg_response: {
      status: gatewayResult,
      reference: child.reference_number,
      amount: txn.amount,
      currency: txn.currency_code,
    },
    pg_params: {
      result: gatewayResult,
      ref: child.reference_number,
      transaction_id: child.reference_number,
    },
    reference_number: child.reference_number,
    source: "input",
    success: true,
    result: "success",
    is_sandbox: true,
    timestamp_utc: timestampUtc(child.at),
    signature: "",
    txn,
    ...(session.checkout.extra === undefined ? {} : { extra: session.checkout.extra }),
  }
}
