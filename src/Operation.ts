/**
 * The six operations on a transaction after it was created (`POST /b/pbl/v2/operation/`):
 * `cancel`, `expire` and `delete` change the transaction inside Ottu; `capture`, `refund` and
 * `void` move money at the gateway.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { endpoints, type OperationName } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { ExternalOperationResult, InternalOperationResult } from "./internal/payloads.ts"
import { Amount, TrackingKey } from "./internal/primitives.ts"
import { checkTarget, type Target, targetAttributes } from "./internal/target.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import { type OttuOperationError, OttuOperationFailedError } from "./OttuError.ts"

export type {
  /**
   * Which transaction to act on: by Ottu's `session_id` or by the merchant's `order_no`, never both.
   *
   * @since 0.1.0
   * @category models
   */
  Target,
} from "./internal/target.ts"

/**
 * The answer of an operation: `{detail, operation, result}` for cancel, expire and delete; the
 * external-operation payload (parent `session_id`, child `txn`, `amount`, `reference_number`,
 * `pg_params`, …) for capture, refund and void.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OperationResult: Schema.Union<
  [typeof ExternalOperationResult, typeof InternalOperationResult]
> = Schema.Union(ExternalOperationResult, InternalOperationResult)

/**
 * @since 0.1.0
 * @category models
 */
export type OperationResult = typeof OperationResult.Type

/**
 * What an operation can fail with: rejected input, a failed request (Ottu's refusals — wrong
 * state, amount above the balance — are `OttuBadRequestError`s keeping Ottu's `detail`), or an
 * `OttuOperationFailedError` when Ottu answered but the operation did not succeed.
 *
 * @since 0.1.0
 * @category errors
 */
export type OperationError = OttuOperationError

/**
 * The options every operation takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Sent as the `Tracking-Key` header: Ottu runs an operation once per key and session, and
   * answers a repeat with the first result. Use one per logical operation, for example your
   * refund's id. Printable ASCII without spaces, at most 255 characters.
   */
  readonly trackingKey?: string | undefined
}

/**
 * The options of `capture`: a partial amount (the rest of the authorization when left out).
 *
 * @since 0.1.0
 * @category models
 */
export interface CaptureOptions extends Options {
  readonly amount?: string | undefined
  /** Gateway-specific parameters. */
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The options of `refund`: a partial amount (what remains refundable when left out), and the
 * destination (`wallet` credits the customer's Ottu wallet instead of the card).
 *
 * @since 0.1.0
 * @category models
 */
export interface RefundOptions extends CaptureOptions {
  readonly destination?: "pg" | "wallet" | undefined
}

const path = endpoints.capture.route
const where = { method: "POST", path } as const

const PositiveAmount = Amount.pipe(
  Schema.filter((amount) => /[1-9]/.test(amount) || "must be greater than zero"),
)

const plain = Schema.Struct({ trackingKey: Schema.optional(TrackingKey) })
const withAmount = Schema.Struct({
  trackingKey: Schema.optional(TrackingKey),
  amount: Schema.optional(PositiveAmount),
  extra: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
})
const withDestination = Schema.Struct({
  ...withAmount.fields,
  destination: Schema.optional(Schema.Literal("pg", "wallet")),
})

/** `result` other than success means the money did not move. */
const succeeded = (result: OperationResult): boolean =>
  result.result === "success" && (!("success" in result) || result.success === true)

const operation =
  <O extends Options>(name: OperationName, options: Schema.Schema<O>) =>
  (
    target: Target,
    given?: O,
  ): Effect.Effect<OperationResult, OperationError, OttuConfig | HttpClient.HttpClient> =>
    Effect.gen(function* () {
      const identifier = yield* checkTarget(target, where)
      const { trackingKey, ...fields } = yield* validate(options, given ?? {}, where)
      const result = yield* execute({
        path,
        endpoint: endpoints[name],
        attributes: { "ottu.operation": name, ...targetAttributes(identifier) },
        body: { _tag: "Json", value: { operation: name, ...identifier, ...fields } },
        ...(trackingKey === undefined ? {} : { headers: { "tracking-key": trackingKey } }),
        success: OperationResult,
      })
      if (succeeded(result)) return result
      return yield* new OttuOperationFailedError({
        ...where,
        status: 200,
        body: result,
        result: result.result,
        detail:
          "detail" in result && typeof result.detail === "string"
            ? result.detail
            : `${name} ${result.result}`,
      })
    })

/**
 * The signature every operation shares, with its own options.
 *
 * @since 0.1.0
 * @category models
 */
export type Run<O extends Options> = (
  target: Target,
  options?: O,
) => Effect.Effect<OperationResult, OperationError, OttuConfig | HttpClient.HttpClient>

/**
 * Cancels a transaction that was not paid yet (`created`, `pending`, `attempted`, `cod`).
 *
 * @since 0.1.0
 * @category operations
 */
export const cancel: Run<Options> = operation("cancel", plain)

/**
 * Expires a transaction that was not paid yet (`created`, `pending`, `attempted`).
 *
 * @since 0.1.0
 * @category operations
 */
export const expire: Run<Options> = operation("expire", plain)

/**
 * Deletes a transaction: a soft delete for `paid`, `authorized` and `cod`, a hard one otherwise.
 *
 * @since 0.1.0
 * @category operations
 */
const remove: Run<Options> = operation("delete", plain)

/**
 * Captures an `authorized` transaction, fully or partly (`amount`); never more than authorized.
 *
 * @example
 * ```ts
 * import { Operation } from "effect-ottu"
 *
 * const session_id = "3f0c…" // the session to capture
 * const orderId = "1234567890"
 * const capture = Operation.capture(
 *   { session_id },
 *   { amount: "5.000", trackingKey: `capture-${orderId}-1` },
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const capture: Run<CaptureOptions> = operation("capture", withAmount)

/**
 * Refunds a `paid` (or captured) transaction, fully or partly (`amount`). Ottu refuses more than
 * the refundable balance with a 400 (`OttuBadRequestError`).
 *
 * **Gotcha:** a refund is money out. Pass a `trackingKey` so a repeated call cannot refund twice.
 *
 * @since 0.1.0
 * @category operations
 */
export const refund: Run<RefundOptions> = operation("refund", withDestination)

/**
 * Voids an `authorized` transaction: the whole authorization is released.
 *
 * @since 0.1.0
 * @category operations
 */
const voidAuthorization: Run<Options> = operation("void", plain)

// `delete` and `void` are reserved words: the functions are exported under those names.
export {
  /**
   * Deletes a transaction: a soft delete for `paid`, `authorized` and `cod`, a hard one otherwise.
   *
   * @since 0.1.0
   * @category operations
   */
  remove as delete,
  /**
   * Voids an `authorized` transaction: the whole authorization is released.
   *
   * @since 0.1.0
   * @category operations
   */
  voidAuthorization as void,
}
