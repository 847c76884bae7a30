/**
 * Cash acknowledgement: records that a transaction is paid in cash on delivery (`POST
 * /b/pbl/v2/payment/cash/`, and its older path `POST /b/pbl/v2/cash-payment/`). Ottu's spec marks
 * both deprecated; the SDK wraps them for merchants who still use them.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Endpoint } from "./internal/endpoints.ts"
import { endpoints } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { PaymentPayload } from "./internal/payloads.ts"
import { Text } from "./internal/primitives.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

/**
 * The payment payload Ottu answers with (the payment-webhook shape): `state` `cod` once the cash
 * payment is acknowledged. Amounts Ottu sends as numbers are read as strings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CashPayment = PaymentPayload

/**
 * @since 0.1.0
 * @category models
 */
export type CashPayment = typeof CashPayment.Type

const SessionId = Text(128).pipe(Schema.filter((id) => id.trim() !== "" || "may not be blank"))

const acknowledgeOn = (
  endpoint: Endpoint,
  sessionId: string,
): Effect.Effect<CashPayment, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const where = { method: "POST", path: endpoint.route } as const
    const session_id = yield* validate(SessionId, sessionId, where)
    return yield* execute({
      endpoint,
      path: endpoint.route,
      attributes: { "ottu.session_id": session_id },
      body: { _tag: "Json", value: { session_id } },
      success: CashPayment,
    })
  })

/**
 * Acknowledges a cash payment (`POST /b/pbl/v2/payment/cash/`): the transaction becomes `cod`
 * (cash on delivery, a success state that can still be cancelled). Ottu accepts it while the
 * transaction can still take a payment (`created`, `pending`, `attempted`, and a late one on
 * `failed` or `expired`); otherwise it answers 400 `{detail, result: "failed"}`
 * (`OttuBadRequestError`). Never retried: the call settles the transaction.
 *
 * @deprecated Ottu's spec marks this endpoint "(Deprecated)" without naming a successor; it is
 * the path to use while Ottu serves it (prefer it to {@link acknowledgeLegacy}).
 *
 * @since 0.1.0
 * @category operations
 */
export const acknowledge = (
  sessionId: string,
): Effect.Effect<CashPayment, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  acknowledgeOn(endpoints.cashAcknowledge, sessionId)

/**
 * Acknowledges a cash payment on the older path (`POST /b/pbl/v2/cash-payment/`): the same body,
 * the same answer as {@link acknowledge}.
 *
 * @deprecated Ottu deprecates `cash-payment/` in favour of `payment/cash/` and will remove it:
 * use {@link acknowledge}.
 *
 * @since 0.1.0
 * @category operations
 */
export const acknowledgeLegacy = (
  sessionId: string,
): Effect.Effect<CashPayment, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  acknowledgeOn(endpoints.cashAcknowledgeLegacy, sessionId)
