/**
 * Cash acknowledgement (`POST /b/pbl/v2/payment/cash/` and the deprecated `POST
 * /b/pbl/v2/cash-payment/`, API reference §11.4): a `cod` attempt on the session, which becomes
 * `cod` (§12.3) while it can still acknowledge a payment (`created`, `pending`, `attempted`,
 * `failed`, `expired`, §12.2); the answer is the payment payload, also logged as the payment
 * event Ottu would send. Other states answer 400 `{detail, result: "failed"}`, an unknown
 * session 404.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { text } from "./checks.ts"
import { referenceNumber } from "./ids.ts"
import { acceptsAttempt } from "./lifecycle.ts"
import { type PaymentPayload, paymentPayload } from "./payloads.ts"
import { withAttempt } from "./payments.ts"
import { failed, json, type Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, type Rules, validated } from "./rules.ts"
import {
  findTarget,
  type SandboxState,
  transact,
  webhookUrlOf,
  withEvent,
  withSession,
} from "./state.ts"

const cashRules: Rules = { session_id: field(text(128)) }

const cashLists = listFieldsOf(cashRules)

/** The transition of one acknowledgement: the session's `cod` attempt, its payload and event. */
const acknowledge =
  (sessionId: string, now: number, reference: string) =>
  (state: SandboxState): Either.Either<readonly [PaymentPayload, SandboxState], Reply> =>
    Either.gen(function* () {
      const session = yield* findTarget(state, { session_id: sessionId }, failed)
      if (!acceptsAttempt(session.state, "cod")) {
        return yield* Either.left(
          failed(
            `Cannot acknowledge a cash payment on a payment transaction in the ${session.state} state.`,
          ),
        )
      }
      const paid = withAttempt(
        session,
        {
          pg_code: session.checkout.pg_codes[0] ?? "",
          outcome: "cod",
          reference_number: reference,
          at: now,
          token: undefined,
        },
        true,
      )
      const payload = paymentPayload(paid, state.cards, now)
      const next = withEvent(withSession(state, paid), {
        kind: "payment",
        session_id: paid.session_id,
        webhook_url: webhookUrlOf(paid),
        payload,
      })
      return [payload, next] as const
    })

/** POST: acknowledges the cash payment of the session the body names. */
export const acknowledgeCash = Effect.gen(function* () {
  const body = yield* readBody(cashLists)
  const fields = yield* validated(cashRules, body, ["session_id"], fieldErrors)
  const now = yield* Clock.currentTimeMillis
  return json(200, yield* transact(acknowledge(String(fields.session_id), now, referenceNumber())))
})
