/**
 * The payment status query (`POST /b/pbl/v2/inquiry/`): the current state of a transaction,
 * asking the gateway when it is still open.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { endpoints } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { PaymentPayload } from "./internal/payloads.ts"
import { Url } from "./internal/primitives.ts"
import { checkTarget, type Target, targetAttributes } from "./internal/target.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

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
 * The payment payload Ottu answers with (the same shape as a payment webhook). Amounts Ottu
 * sends as numbers are read as strings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaymentStatus = PaymentPayload

/**
 * @since 0.1.0
 * @category models
 */
export type PaymentStatus = typeof PaymentStatus.Type

/**
 * The options of {@link query}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QueryOptions: Schema.Struct<{
  notify_webhook_url: Schema.optional<typeof Schema.Boolean>
  webhook_url: Schema.optional<Schema.filter<typeof Url>>
}> = Schema.Struct({
  /** Also POST the result to the transaction's `webhook_url`. */
  notify_webhook_url: Schema.optional(Schema.Boolean),
  /** Another URL (at most 200 characters) to receive that notification. */
  webhook_url: Schema.optional(Url.pipe(Schema.maxLength(200))),
})

const path = endpoints.inquiry.route
const where = { method: "POST", path } as const

/**
 * Queries the status of a transaction by `session_id` or `order_no`.
 *
 * **Gotcha:** Ottu throttles this endpoint per transaction (none in the first 10 minutes, then at
 * most one call per 30 minutes, 3 in all) and answers a throttled call with a 400
 * (`OttuBadRequestError`, `detail` set) or a 429 (`OttuRateLimitedError`). Never poll it in a
 * loop; rely on webhooks and use this as a fallback.
 *
 * @since 0.1.0
 * @category operations
 */
export const query = (
  target: Target,
  options?: typeof QueryOptions.Encoded,
): Effect.Effect<PaymentStatus, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const identifier = yield* checkTarget(target, where)
    const fields = yield* validate(QueryOptions, options ?? {}, where)
    return yield* execute({
      path,
      endpoint: endpoints.inquiry,
      attributes: targetAttributes(identifier),
      body: { _tag: "Json", value: { ...identifier, ...fields } },
      success: PaymentStatus,
    })
  })
