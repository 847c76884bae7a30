/**
 * The pre-payment check (`POST /b/checkout/api/sdk/v1/pre-payment-option-check/{session_id}/`,
 * API reference §11.9), answered from the session's state: the gateway is available while the
 * session can still be paid. The sandbox has no flex provider of its own, so every answer has
 * Tabby's shape (`{is_available}`). Nothing changes.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { pathSession } from "./checkout.ts"
import { text } from "./checks.ts"
import { isOpen } from "./lifecycle.ts"
import { json } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, type Rules, validated } from "./rules.ts"

const rules: Rules = { pg_code: field(text(50)) }

const lists = listFieldsOf(rules)

/** POST: whether `pg_code` would take the payer of the session named by the path. */
export const prePaymentCheck = Effect.gen(function* () {
  const session = yield* pathSession
  const body = yield* readBody(lists)
  const fields = yield* validated(rules, body, ["pg_code"], fieldErrors)
  const pgCode = String(fields.pg_code)
  if (!session.checkout.pg_codes.includes(pgCode)) {
    return yield* fieldErrors({
      pg_code: [`${pgCode} is not one of the payment transaction's pg_codes.`],
    })
  }
  return json(200, { is_available: isOpen(session.state) })
})
