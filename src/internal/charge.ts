/**
 * What a charge's answer means: the payment payload of a call that moves money (a saved-card
 * charge, a native payment) is a success when its `result` says the money moved or is moving, and
 * an `OttuOperationFailedError` carrying the whole answer otherwise.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { OttuOperationFailedError } from "../OttuError.ts"
import type { Target } from "./input.ts"
import type { PaymentPayload } from "./payloads.ts"

/** Results that mean the payer was (or is being) charged. */
const charged: ReadonlySet<string> = new Set(["success", "pending"])

/**
 * The payment when its `result` is `success` or `pending`; otherwise (`failed`, `canceled`,
 * `error`, …) an `OttuOperationFailedError` with the gateway's message and the whole answer.
 */
export const chargedOrFailed = (
  where: Target,
  payment: typeof PaymentPayload.Type,
  what: string,
): Effect.Effect<typeof PaymentPayload.Type, OttuOperationFailedError> =>
  charged.has(payment.result)
    ? Effect.succeed(payment)
    : Effect.fail(
        new OttuOperationFailedError({
          ...where,
          status: 200,
          body: payment,
          result: payment.result,
          detail: payment.message ?? `the ${what} answered ${payment.result}`,
        }),
      )
