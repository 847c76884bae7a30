/**
 * Checkout sessions (Ottu's payment transactions): create, retrieve, partial update (PATCH),
 * full update (PUT) and attachment upload. Requests and responses keep Ottu's wire names; their
 * schemas live in `Checkout/schemas.ts` and are exported from here.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import {
  CheckoutSession,
  type CreateInput,
  CreateParams,
  type Extras,
  isKnownField,
  type UpdateInput,
  UpdateParams,
  UploadedAttachment,
  UploadTarget,
} from "./Checkout/schemas.ts"
import { type Endpoint, endpoints, pathOf } from "./internal/endpoints.ts"
import { gatewayCodes, inStep } from "./internal/flow.ts"
import { execute } from "./internal/http.ts"
import { invalid, type Target, validate } from "./internal/input.ts"
import { type FileInput, formData, resolveFile } from "./internal/multipart.ts"
import { PathId } from "./internal/primitives.ts"
import { OttuConfig, type Service as OttuConfigService } from "./OttuConfig.ts"
import type { OttuCallError, OttuFlowError, OttuInvalidInputError } from "./OttuError.ts"

export {
  /**
   * A billing address.
   *
   * @since 0.1.0
   * @category schemas
   */
  Address,
  /**
   * A recurring-payment agreement (required with `payment_type: "auto_debit"`).
   *
   * @since 0.1.0
   * @category schemas
   */
  Agreement,
  /**
   * A gateway offered on the checkout page (`payment_methods` of a checkout response).
   *
   * @since 0.1.0
   * @category schemas
   */
  CheckoutPaymentMethod,
  /**
   * @since 0.1.0
   * @category models
   */
  CheckoutSession,
  /**
   * The input of {@link create} and {@link replace}.
   *
   * @since 0.1.0
   * @category models
   */
  type CreateInput,
  /**
   * The fields of a checkout create or full update (PUT): `type`, `amount`, `currency_code` and
   * `pg_codes` are required, the rest optional. Checked before sending: amounts are decimal
   * strings with at most 3 decimals that suit the currency, currency codes are ISO 4217, enums are
   * checked, and the fields that go together (auto-debit, save-card, one-step) are present.
   *
   * @since 0.1.0
   * @category schemas
   */
  CreateParams,
  /**
   * What the SDK adds to the wire fields: a file to attach (the request becomes multipart), and
   * fields this SDK does not know yet, sent as given (ottu-py's `**kwargs`).
   *
   * @since 0.1.0
   * @category models
   */
  type Extras,
  /**
   * Which events notify the customer, per channel.
   *
   * @since 0.1.0
   * @category schemas
   */
  Notifications,
  /**
   * One-step checkout: the instrument to charge in the same call (API reference §5.3).
   *
   * @since 0.1.0
   * @category schemas
   */
  PaymentInstrument,
  /**
   * `one_off` (default), `auto_debit` (needs `agreement` and `customer_id`) or `save_card` (amount
   * `"0"`, needs `customer_id`).
   *
   * @since 0.1.0
   * @category schemas
   */
  PaymentType,
  /**
   * A shipping address: an address plus the recipient.
   *
   * @since 0.1.0
   * @category schemas
   */
  ShippingAddress,
  /**
   * @since 0.1.0
   * @category models
   */
  State,
  /**
   * The plugin a transaction belongs to (`type` on checkout).
   *
   * @since 0.1.0
   * @category schemas
   */
  TransactionType,
  /**
   * The input of {@link update}.
   *
   * @since 0.1.0
   * @category models
   */
  type UpdateInput,
  /**
   * The fields of a partial update (PATCH): any subset of the writable fields.
   *
   * @since 0.1.0
   * @category schemas
   */
  UpdateParams,
  /**
   * @since 0.1.0
   * @category models
   */
  UploadedAttachment,
} from "./Checkout/schemas.ts"
export type {
  /**
   * A file to attach: a path on disk (read with `node:fs`, available on Deno, Bun and Node), raw
   * bytes, a `Blob` or `File`, or bytes or a Blob with an explicit file name.
   *
   * @since 0.1.0
   * @category models
   */
  FileInput,
} from "./internal/multipart.ts"

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const collection = endpoints.checkoutCreate.route
const itemRoute = endpoints.checkoutRetrieve.route

/** The path of one session, after checking its id cannot escape the path. */
const itemPath = (
  method: string,
  sessionId: string,
): Effect.Effect<string, OttuInvalidInputError> =>
  Effect.as(
    validate(PathId, sessionId, { method, path: itemRoute }),
    pathOf(endpoints.checkoutRetrieve, { session_id: sessionId }),
  )

/**
 * Validates the wire fields, merges the extra fields and builds a JSON or multipart body. A field
 * the SDK knows is refused in `extraFields`, given directly or not: it would skip validation.
 */
const body = <A extends object, I>(schema: Schema.Schema<A, I>, input: Extras, target: Target) =>
  Effect.gen(function* () {
    const { attachment, extraFields, ...wire } = input
    const fields = yield* validate(schema, wire, target)
    const known = Object.keys(extraFields ?? {}).filter(isKnownField)
    if (known.length > 0) {
      return yield* invalid(
        target,
        `extraFields.${known.join(", extraFields.")}`,
        "is a field the SDK knows and checks; set it directly",
      )
    }
    const all: Record<string, unknown> = { ...fields, ...extraFields }
    if (attachment === undefined) return { _tag: "Json", value: all } as const
    const file = yield* resolveFile(attachment, target, "attachment")
    const form = yield* formData(all, { field: "attachment", ...file }, target)
    return { _tag: "Multipart", form } as const
  })

/** The fields a create or a replacement takes from the configuration when not given. */
type Defaults = {
  readonly [K in "customer_id" | "payment_type" | "webhook_url"]?: CreateInput[K]
}

/** `params` with each default applied where the caller left the field out (or `undefined`). */
const withDefaults = <P extends Extras>(params: P, defaults: Defaults): P => {
  const filled: Record<string, unknown> = { ...(params as Record<string, unknown>) }
  for (const [key, value] of Object.entries(defaults)) {
    if (filled[key] === undefined && value !== undefined) filled[key] = value
  }
  return filled as P
}

/**
 * The errors of every checkout call: rejected input, or a failed request.
 *
 * @since 0.1.0
 * @category errors
 */
export type CheckoutError = OttuCallError

/**
 * Creates a checkout session (`POST /b/checkout/v1/pymt-txn/`). Fields left out take their
 * default before the input is checked: `customer_id` the configured customer, `webhook_url` the
 * configured `webhookUrl`, and `payment_type` `"one_off"` (as ottu-py sends). With `attachment`
 * the request is multipart.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Checkout } from "effect-ottu"
 *
 * const program = Checkout.create({
 *   type: "e_commerce",
 *   amount: "20.230",
 *   currency_code: "KWD",
 *   pg_codes: ["knet"],
 *   customer_phone: "+96550000000",
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  params: CreateInput,
): Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* OttuConfig
    const target = { method: "POST", path: collection } as const
    const filled = withDefaults(params, {
      customer_id: config.customerId,
      payment_type: "one_off",
      webhook_url: config.webhookUrl,
    })
    return yield* execute({
      endpoint: endpoints.checkoutCreate,
      path: collection,
      body: yield* body(CreateParams, filled, target),
      success: CheckoutSession,
    })
  })

/**
 * Reads a checkout session (`GET /b/checkout/v1/pymt-txn/{session_id}/`).
 *
 * @since 0.1.0
 * @category operations
 */
export const retrieve = (
  sessionId: string,
): Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
  Effect.flatMap(itemPath("GET", sessionId), (path) =>
    execute({
      endpoint: endpoints.checkoutRetrieve,
      path,
      attributes: { "ottu.session_id": sessionId },
      success: CheckoutSession,
    }),
  )

const write =
  (endpoint: Endpoint) =>
  <A extends object, I>(
    schema: Schema.Schema<A, I>,
    defaults: (config: OttuConfigService) => Defaults = () => ({}),
  ) =>
  (
    sessionId: string,
    params: Extras,
  ): Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
    Effect.gen(function* () {
      const method = endpoint.method
      const path = yield* itemPath(method, sessionId)
      const filled = withDefaults(params, defaults(yield* OttuConfig))
      return yield* execute({
        endpoint,
        path,
        attributes: { "ottu.session_id": sessionId },
        body: yield* body(schema, filled, { method, path }),
        success: CheckoutSession,
      })
    })

/**
 * Changes some fields of a session (`PATCH /b/checkout/v1/pymt-txn/{session_id}/`), for example
 * the amount while the cart changes. Fields not given are left as they are.
 *
 * @since 0.1.0
 * @category operations
 */
export const update: (
  sessionId: string,
  params: UpdateInput,
) => Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> = write(
  endpoints.checkoutUpdate,
)(UpdateParams)

/**
 * Replaces a session's fields (`PUT /b/checkout/v1/pymt-txn/{session_id}/`): `type`, `amount`,
 * `currency_code` and `pg_codes` are required, as on create. `webhook_url` defaults to the
 * configured `webhookUrl`. ottu-py has no equivalent.
 *
 * @since 0.1.0
 * @category operations
 */
export const replace: (
  sessionId: string,
  params: CreateInput,
) => Effect.Effect<CheckoutSession, CheckoutError, OttuConfig | HttpClient.HttpClient> = write(
  endpoints.checkoutReplace,
)(CreateParams, (config) => ({ webhook_url: config.webhookUrl }))

/** Ottu's size limit for one uploaded attachment: 2.5 MB. */
const maxUploadBytes = 2_500_000

/**
 * Uploads a file (`POST /b/checkout/v1/upload-attachment/`, multipart, at most 2.5 MB). Without a
 * target the file is only stored and its `file_url` can be passed as `attachment_upload_url` to
 * any number of checkouts; with `session_id` or `order_no` it is also attached to that session.
 *
 * @since 0.1.0
 * @category operations
 */
export const uploadAttachment = (
  file: FileInput,
  target?: typeof UploadTarget.Encoded,
): Effect.Effect<UploadedAttachment, CheckoutError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const path = endpoints.uploadAttachment.route
    const at = { method: "POST", path } as const
    const fields = yield* validate(UploadTarget, target ?? {}, at)
    const resolved = yield* resolveFile(file, at, "file")
    if (resolved.blob.size > maxUploadBytes) {
      return yield* invalid(at, "file", "must be at most 2.5 MB")
    }
    return yield* execute({
      endpoint: endpoints.uploadAttachment,
      path,
      body: {
        _tag: "Multipart",
        form: yield* formData(fields, { field: "file", ...resolved }, at),
      },
      success: UploadedAttachment,
    })
  })

/**
 * The input of {@link autoFlow}: a checkout whose `pg_codes` may be left out.
 *
 * @since 0.1.0
 * @category models
 */
export type AutoFlowInput = Omit<CreateInput, "pg_codes"> & {
  readonly pg_codes?: ReadonlyArray<string> | undefined
}

/**
 * ottu-py's `checkout_autoflow`: when `pg_codes` is not given (or empty), uses every gateway the
 * payment-methods API offers for the plugin and currency, then creates the checkout. A failure is
 * an `OttuFlowError` naming the step (`payment_methods` or `checkout`). Unlike ottu-py, the
 * gateways are always asked for, never reused from an earlier session of another currency.
 *
 * @since 0.1.0
 * @category operations
 */
export const autoFlow = (
  params: AutoFlowInput,
): Effect.Effect<CheckoutSession, OttuFlowError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const pg_codes =
      params.pg_codes !== undefined && params.pg_codes.length > 0
        ? params.pg_codes
        : yield* gatewayCodes(params.type, params.currency_code, false).pipe(
            inStep("checkout", "payment_methods"),
          )
    return yield* create({ ...params, pg_codes }).pipe(inStep("checkout", "checkout"))
  })
