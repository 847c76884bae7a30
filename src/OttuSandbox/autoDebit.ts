/**
 * The auto-debit route (`POST /b/pbl/v2/auto-debit/` and its twin `/b/pbl/v2/payment/auto-debit/`,
 * API reference §10): charges a saved card on an open `auto_debit` transaction, the
 * merchant-initiated step of recurring billing. The card must belong to the transaction's
 * customer, have been saved on one of its gateways, and be bound to its agreement. The answer is
 * the payment payload; like Ottu, it sends no webhook for the charge.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import { agreementIdOf } from "./cards.ts"
import { text } from "./checks.ts"
import { referenceNumber } from "./ids.ts"
import { isOpen } from "./lifecycle.ts"
import { type PaymentPayload, paymentPayload } from "./payloads.ts"
import { withAttempt } from "./payments.ts"
import { failed, json, type Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, type Rules, validated } from "./rules.ts"
import { type SandboxState, transact, withSession } from "./state.ts"

const autoDebitRules: Rules = { session_id: field(text(128)), token: field(text()) }

const autoDebitLists = listFieldsOf(autoDebitRules)

/** The transition of one charge of `token` on `sessionId`. */
const charge =
  (sessionId: string, token: string, now: number, reference: string) =>
  (state: SandboxState): Either.Either<readonly [PaymentPayload, SandboxState], Reply> =>
    Either.gen(function* () {
      const found = HashMap.get(state.sessions, sessionId)
      if (Option.isNone(found)) {
        return yield* Either.left(
          fieldErrors({
            session_id: [`No PaymentTransaction found with \`session_id\` of ${sessionId}.`],
          }),
        )
      }
      const session = found.value
      const { checkout } = session
      if (checkout.payment_type !== "auto_debit") {
        return yield* Either.left(
          failed(
            `The payment transaction's payment_type is ${checkout.payment_type}; only auto_debit transactions can be charged.`,
          ),
        )
      }
      if (!isOpen(session.state)) {
        return yield* Either.left(
          failed(`The payment transaction is ${session.state}; it can no longer be charged.`),
        )
      }
      const card = state.cards.find(
        (saved) => saved.token === token && saved.customer_id === checkout.customer_id,
      )
      if (card === undefined) {
        return yield* Either.left(failed("The customer has no saved card with this token."))
      }
      if (!checkout.pg_codes.includes(card.pg_code)) {
        return yield* Either.left(
          failed(
            `The card was saved on ${card.pg_code}, which is not one of the payment transaction's pg_codes.`,
          ),
        )
      }
      const agreementId = agreementIdOf(checkout)
      if (agreementId === undefined || !card.agreements.includes(agreementId)) {
        return yield* Either.left(
          failed(
            `The card is not bound to the agreement ${agreementId ?? "(no id)"}; a customer-initiated payment under that agreement must save it first.`,
          ),
        )
      }
      const charged = withAttempt(
        session,
        { pg_code: card.pg_code, outcome: "success", reference_number: reference, at: now, token },
        true,
      )
      return [paymentPayload(charged, state.cards, now), withSession(state, charged)] as const
    })

/** POST: charges the saved card `token` on the auto-debit transaction `session_id`. */
export const chargeToken = Effect.gen(function* () {
  const body = yield* readBody(autoDebitLists)
  const fields = yield* validated(autoDebitRules, body, ["session_id", "token"], fieldErrors)
  const now = yield* Clock.currentTimeMillis
  const payload = yield* transact(
    charge(String(fields.session_id), String(fields.token), now, referenceNumber()),
  )
  return json(200, payload)
})
