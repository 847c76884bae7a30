/**
 * What the two autoflows share: naming the step that failed, and resolving gateway codes from
 * the payment-methods API.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type { CheckoutSession } from "../Checkout/schemas.ts"
import type { OttuConfig } from "../OttuConfig.ts"
import {
  type OttuCallError,
  OttuFlowError,
  type OttuFlowStepError,
  OttuNoGatewayError,
} from "../OttuError.ts"
import * as PaymentMethods from "../PaymentMethods.ts"

/** Tags a step's failure with the flow and the step, and the session when one exists. */
export const inStep =
  (flow: OttuFlowError["flow"], step: OttuFlowError["step"], sessionId?: string) =>
  <A, R>(self: Effect.Effect<A, OttuFlowStepError, R>): Effect.Effect<A, OttuFlowError, R> =>
    Effect.mapError(
      self,
      (cause) =>
        new OttuFlowError({
          flow,
          step,
          cause,
          ...(sessionId === undefined ? {} : { session_id: sessionId }),
        }),
    )

/**
 * The codes of the gateways that accept the currency for the plugin. For auto-debit, only those
 * that tokenize cards and do auto-debit (`tokenizable` and `auto_debit` filters; ottu-py sends
 * the first only, which can pick a gateway that refuses auto-debit checkouts).
 */
export const gatewayCodes = (
  plugin: "e_commerce" | "payment_request",
  currency: string,
  autoDebit: boolean,
): Effect.Effect<
  ReadonlyArray<string>,
  OttuCallError | OttuNoGatewayError,
  OttuConfig | HttpClient.HttpClient
> =>
  Effect.flatMap(
    PaymentMethods.list({
      plugin,
      currencies: [currency],
      ...(autoDebit ? { tokenizable: true, auto_debit: true } : {}),
    }),
    ({ payment_methods }) =>
      payment_methods.length === 0
        ? Effect.fail(
            new OttuNoGatewayError({ plugin, currency_code: currency, auto_debit: autoDebit }),
          )
        : Effect.succeed(payment_methods.map((method) => method.code)),
  )

/**
 * What an autoflow runs as soon as its checkout exists, before any later step: nothing by
 * default; `Session` makes the checkout the current session there, so it is current even when
 * the charge that follows fails (as ottu-py's `ottu.session`).
 */
export class CheckoutCreated extends Context.Reference<CheckoutCreated>()(
  "effect-ottu/internal/flow/CheckoutCreated",
  {
    defaultValue:
      () =>
      (_session: CheckoutSession): Effect.Effect<void> =>
        Effect.void,
  },
) {}

/** Runs the {@link CheckoutCreated} hook in force for `session`. */
export const checkoutCreated = (session: CheckoutSession): Effect.Effect<void> =>
  Effect.flatMap(CheckoutCreated, (created) => created(session))
