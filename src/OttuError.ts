/**
 * Every failure the SDK can produce, as `Schema.TaggedError` classes (the webhook errors and the
 * store's `OttuStoreError` are also exported by `Webhook` and `CheckoutStore`). Users recover
 * with `Effect.catchTag("OttuNotFoundError", ...)`; no `HttpClientError` or `ParseError` escapes.
 * {@link isOttuError} tells any of them from other values.
 *
 * Errors that come from an answer of Ottu carry the HTTP `status`, the `method`, the endpoint
 * `path` (no host, no query string) and the parsed `body` (the raw text when it is not JSON).
 * None of them carries a credential: the request headers are never kept.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { OttuStoreError, OttuWebhookRefusedError } from "./CheckoutStore/model.ts"

export {
  /**
   * The checkout store failed: the database could not be opened or migrated, or a query failed
   * (the underlying `SqlError` is the `cause`). A failed `record` kept nothing of the event.
   *
   * @since 0.1.0
   * @category errors
   */
  OttuStoreError,
  /**
   * The checkout store refused a webhook event (its outcome is `refused`): it failed a cross-check
   * or names a session that is not known. The event was recorded with the reason; its checkout
   * was not changed. Carries the session id and the reason, never the body.
   *
   * @since 0.1.0
   * @category errors
   */
  OttuWebhookRefusedError,
}

/** What every error raised for an answer of Ottu carries. */
type Answered = {
  /** HTTP method of the request. */
  readonly method: typeof Schema.String
  /** Endpoint path of the request, without host and query string. */
  readonly path: typeof Schema.String
  /** HTTP status Ottu answered with. */
  readonly status: typeof Schema.Number
  /** The answer's body: parsed JSON, or the raw text when it is not JSON. */
  readonly body: typeof Schema.Unknown
  /** Ottu's `detail` message, when the body has one. */
  readonly detail: Schema.optional<typeof Schema.String>
}

const answered: Answered = {
  method: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  body: Schema.Unknown,
  detail: Schema.optional(Schema.String),
}

/** What every error raised before or around an answer carries. */
type Attempted = {
  readonly method: typeof Schema.String
  readonly path: typeof Schema.String
}

const attempted: Attempted = {
  method: Schema.String,
  path: Schema.String,
}

const describe = (self: {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly detail?: string | undefined
}): string =>
  `Ottu answered ${self.status} to ${self.method} ${self.path}${self.detail === undefined ? "" : `: ${self.detail}`}`

/** The class `Schema.TaggedError` makes for the error `Self` tagged `Tag`. */
type TaggedErrorClass<
  Self,
  Tag extends string,
  Fields extends Schema.Struct.Fields,
> = Schema.TaggedErrorClass<Self, Tag, { readonly _tag: Schema.tag<Tag> } & Fields>

/** The class {@link StatusError} makes for the error `Self` tagged `Tag`. */
type StatusErrorClass<
  Self,
  Tag extends string,
  Fields extends Schema.Struct.Fields = Record<never, never>,
> = TaggedErrorClass<Self, Tag, Answered & Fields>

/** The base of the errors for an answer of Ottu: the shared fields and a readable message. */
const StatusError =
  <Self>() =>
  <Tag extends string, Fields extends Schema.Struct.Fields = Record<never, never>>(
    tag: Tag,
    fields?: Fields,
  ): StatusErrorClass<Self, Tag, Fields> => {
    // biome-ignore lint/suspicious/noExplicitAny: `Self` is only known to the subclass
    const Base: any = Schema.TaggedError<any>()(tag, { ...answered, ...fields })
    return class extends Base {
      get message(): string {
        return describe(this as never)
      }
    } as never
  }

const BadRequestErrorBase: StatusErrorClass<
  OttuBadRequestError,
  "OttuBadRequestError",
  {
    errors: Schema.Record$<typeof Schema.String, Schema.Array$<typeof Schema.String>>
  }
> = StatusError<OttuBadRequestError>()("OttuBadRequestError", {
  errors: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }),
})

/**
 * 400: Ottu refused the request. `errors` maps each field (dotted for nested objects, such as
 * `notifications.sms`) to its messages; `detail` holds a generic message (PATCH, operations,
 * inquiry, auto-debit answer that way).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuBadRequestError extends BadRequestErrorBase {
  override get message(): string {
    const fields = Object.entries(this.errors).map(([k, v]) => `${k}: ${v.join(" ")}`)
    return fields.length === 0 ? describe(this) : `${describe(this)} (${fields.join("; ")})`
  }
}

const UnauthorizedErrorBase: StatusErrorClass<OttuUnauthorizedError, "OttuUnauthorizedError"> =
  StatusError<OttuUnauthorizedError>()("OttuUnauthorizedError")

/**
 * 401: the credentials are missing or wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuUnauthorizedError extends UnauthorizedErrorBase {}

const ForbiddenErrorBase: StatusErrorClass<OttuForbiddenError, "OttuForbiddenError"> =
  StatusError<OttuForbiddenError>()("OttuForbiddenError")

/**
 * 403: authenticated, but the user lacks a permission (for example `Can use <pg_code>`).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuForbiddenError extends ForbiddenErrorBase {}

const NotFoundErrorBase: StatusErrorClass<OttuNotFoundError, "OttuNotFoundError"> =
  StatusError<OttuNotFoundError>()("OttuNotFoundError")

/**
 * 404: unknown session id, order number, card token or path.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuNotFoundError extends NotFoundErrorBase {}

const ConflictErrorBase: StatusErrorClass<OttuConflictError, "OttuConflictError"> =
  StatusError<OttuConflictError>()("OttuConflictError")

/**
 * 409 or 423: the resource is in conflict (an idempotency clash) or locked by a concurrent
 * change. Retrying blindly is not safe; read the state first.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuConflictError extends ConflictErrorBase {}

const GoneErrorBase: StatusErrorClass<OttuGoneError, "OttuGoneError"> =
  StatusError<OttuGoneError>()("OttuGoneError")

/**
 * 410: what was asked for existed and is gone for good, such as a report download link that
 * expired. Asking again with the same link cannot succeed: get a fresh one (list the reports
 * again).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuGoneError extends GoneErrorBase {}

const UnsupportedMediaTypeErrorBase: StatusErrorClass<
  OttuUnsupportedMediaTypeError,
  "OttuUnsupportedMediaTypeError"
> = StatusError<OttuUnsupportedMediaTypeError>()("OttuUnsupportedMediaTypeError")

/**
 * 415: Ottu does not accept the request's content type.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuUnsupportedMediaTypeError extends UnsupportedMediaTypeErrorBase {}

const RateLimitedErrorBase: StatusErrorClass<
  OttuRateLimitedError,
  "OttuRateLimitedError",
  {
    retryAfter: Schema.optional<typeof Schema.DurationFromSelf>
  }
> = StatusError<OttuRateLimitedError>()("OttuRateLimitedError", {
  retryAfter: Schema.optional(Schema.DurationFromSelf),
})

/**
 * 429: too many requests. `retryAfter` is the wait Ottu asked for (from `Retry-After`, in
 * seconds or as an HTTP date), when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuRateLimitedError extends RateLimitedErrorBase {}

const ServerErrorBase: StatusErrorClass<
  OttuServerError,
  "OttuServerError",
  {
    retryAfter: Schema.optional<typeof Schema.DurationFromSelf>
  }
> = StatusError<OttuServerError>()("OttuServerError", {
  retryAfter: Schema.optional(Schema.DurationFromSelf),
})

/**
 * 5xx: Ottu failed. For a money-moving call the outcome is unknown: query the payment status
 * before trying again. `retryAfter` is the wait Ottu asked for (a 503 may carry `Retry-After`,
 * in seconds or as an HTTP date), when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuServerError extends ServerErrorBase {}

const UnexpectedStatusErrorBase: StatusErrorClass<
  OttuUnexpectedStatusError,
  "OttuUnexpectedStatusError"
> = StatusError<OttuUnexpectedStatusError>()("OttuUnexpectedStatusError")

/**
 * Any other status the SDK does not expect for the endpoint (a redirect, 405, 422...).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuUnexpectedStatusError extends UnexpectedStatusErrorBase {}

const TransportErrorBase: TaggedErrorClass<
  OttuTransportError,
  "OttuTransportError",
  Attempted & {
    reason: typeof Schema.String
    cause: Schema.optional<typeof Schema.Defect>
  }
> = Schema.TaggedError<OttuTransportError>()("OttuTransportError", {
  ...attempted,
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect),
})

/**
 * The request did not get an answer: DNS, connection refused or reset, TLS, or the body could not
 * be read. For a money-moving call the outcome is unknown. `reason` says what happened; `cause`,
 * when set, is the runtime's own failure (the `TypeError` of `fetch`, a socket error).
 *
 * **Gotcha:** `cause` is the low-level failure only, never the request: no headers (so no
 * credential), no body. Do not put the platform's `HttpClientError` there, which holds the
 * request.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuTransportError extends TransportErrorBase {
  override get message(): string {
    return `${this.method} ${this.path} failed before Ottu answered: ${this.reason}`
  }
}

const TimeoutErrorBase: TaggedErrorClass<
  OttuTimeoutError,
  "OttuTimeoutError",
  Attempted & {
    timeout: typeof Schema.DurationFromSelf
  }
> = Schema.TaggedError<OttuTimeoutError>()("OttuTimeoutError", {
  ...attempted,
  timeout: Schema.DurationFromSelf,
})

/**
 * The call took longer than its timeout, reading the body included. The request was aborted;
 * for a money-moving call the outcome is unknown.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuTimeoutError extends TimeoutErrorBase {
  override get message(): string {
    return `${this.method} ${this.path} timed out after ${this.timeout.toString()}`
  }
}

const DecodeErrorBase: TaggedErrorClass<
  OttuDecodeError,
  "OttuDecodeError",
  Attempted & {
    status: typeof Schema.Number
    body: typeof Schema.String
    reason: typeof Schema.String
  }
> = Schema.TaggedError<OttuDecodeError>()("OttuDecodeError", {
  ...attempted,
  status: Schema.Number,
  body: Schema.String,
  reason: Schema.String,
})

/**
 * Ottu answered with a success status but a body the SDK cannot read: not JSON, or JSON that does
 * not have the documented shape. `body` keeps the raw text; `reason` says what was wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuDecodeError extends DecodeErrorBase {
  override get message(): string {
    return `Cannot read Ottu's ${this.status} answer to ${this.method} ${this.path}: ${this.reason}`
  }
}

const AuthErrorBase: TaggedErrorClass<
  OttuAuthError,
  "OttuAuthError",
  {
    realm: typeof Schema.String
    grant_type: Schema.Literal<["password", "client_credentials"]>
    status: Schema.optional<typeof Schema.Number>
    error: Schema.optional<typeof Schema.String>
    error_description: Schema.optional<typeof Schema.String>
    reason: typeof Schema.String
  }
> = Schema.TaggedError<OttuAuthError>()("OttuAuthError", {
  realm: Schema.String,
  grant_type: Schema.Literal("password", "client_credentials"),
  status: Schema.optional(Schema.Number),
  error: Schema.optional(Schema.String),
  error_description: Schema.optional(Schema.String),
  reason: Schema.String,
})

/**
 * No access token could be had from Keycloak (`OttuAuth.keycloakPassword` or
 * `OttuAuth.keycloakClient`), so the call was not sent to Ottu. `status` is the token endpoint's
 * answer (absent when it gave none: transport failure, timeout, unreadable answer); `error` and
 * `error_description` are Keycloak's own (`invalid_grant`, `invalid_client`...); `reason` says
 * what happened.
 *
 * **Gotcha:** it never carries the password, the client secret or a token: neither the request
 * nor the answer's body is kept, only Keycloak's two error fields.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuAuthError extends AuthErrorBase {
  override get message(): string {
    const code = [this.status, this.error].filter((part) => part !== undefined).join(" ")
    const detail = this.error_description === undefined ? "" : `: ${this.error_description}`
    return `No Keycloak token for realm ${this.realm} (${this.grant_type}): ${this.reason}${code === "" ? "" : ` (${code}${detail})`}`
  }
}

type InputIssueFields = {
  /** Dotted path of the offending field (`amount`, `agreement.id`), empty for the whole input. */
  readonly field: typeof Schema.String
  readonly message: typeof Schema.String
}

const InputIssueBase: Schema.Class<
  InputIssue,
  InputIssueFields,
  Schema.Struct.Encoded<InputIssueFields>,
  never,
  Schema.Struct.Constructor<InputIssueFields>,
  Record<never, never>,
  Record<never, never>
> = Schema.Class<InputIssue>("InputIssue")({
  field: Schema.String,
  message: Schema.String,
})

/**
 * One problem found in the caller's input.
 *
 * @since 0.1.0
 * @category models
 */
export class InputIssue extends InputIssueBase {}

const InvalidInputErrorBase: TaggedErrorClass<
  OttuInvalidInputError,
  "OttuInvalidInputError",
  Attempted & {
    issues: Schema.Array$<typeof InputIssue>
  }
> = Schema.TaggedError<OttuInvalidInputError>()("OttuInvalidInputError", {
  ...attempted,
  issues: Schema.Array(InputIssue),
})

/**
 * The input was rejected before anything was sent (pre-flight validation).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuInvalidInputError extends InvalidInputErrorBase {
  override get message(): string {
    const issues = this.issues.map((i) => (i.field === "" ? i.message : `${i.field}: ${i.message}`))
    return `Invalid input for ${this.method} ${this.path}, nothing was sent: ${issues.join("; ")}`
  }
}

const OperationFailedErrorBase: StatusErrorClass<
  OttuOperationFailedError,
  "OttuOperationFailedError",
  {
    result: typeof Schema.String
  }
> = StatusError<OttuOperationFailedError>()("OttuOperationFailedError", { result: Schema.String })

/**
 * Ottu accepted the request (2xx) but the money did not move: an operation or a saved-card charge
 * answered `result: "failed"` (or `"error"`, `"canceled"`). `detail` holds Ottu's or the
 * gateway's message; `body` the whole answer.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuOperationFailedError extends OperationFailedErrorBase {}

const NoSavedTokenErrorBase: TaggedErrorClass<
  OttuNoSavedTokenError,
  "OttuNoSavedTokenError",
  {
    customer_id: typeof Schema.String
    agreement_id: typeof Schema.String
    reason: typeof Schema.String
  }
> = Schema.TaggedError<OttuNoSavedTokenError>()("OttuNoSavedTokenError", {
  customer_id: Schema.String,
  agreement_id: Schema.String,
  reason: Schema.String,
})

/**
 * The auto-debit autoflow found no saved card token for the customer and agreement (no token was
 * given and the `TokenSource` had none, or the `TokenSource` failed).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuNoSavedTokenError extends NoSavedTokenErrorBase {
  override get message(): string {
    return `No saved card token for customer ${this.customer_id} and agreement ${this.agreement_id}: ${this.reason}`
  }
}

const NoGatewayErrorBase: TaggedErrorClass<
  OttuNoGatewayError,
  "OttuNoGatewayError",
  {
    plugin: typeof Schema.String
    currency_code: typeof Schema.String
    auto_debit: typeof Schema.Boolean
  }
> = Schema.TaggedError<OttuNoGatewayError>()("OttuNoGatewayError", {
  plugin: Schema.String,
  currency_code: Schema.String,
  auto_debit: Schema.Boolean,
})

/**
 * An autoflow found no gateway for the plugin and currency (the payment-methods answer was
 * empty).
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuNoGatewayError extends NoGatewayErrorBase {
  override get message(): string {
    const kind = this.auto_debit ? "auto-debit gateway" : "gateway"
    return `No ${kind} accepts ${this.currency_code} for the ${this.plugin} plugin`
  }
}

// ---------------------------------------------------------------------------------------------
// Unions: each list of classes is written once, its type derived from it
// ---------------------------------------------------------------------------------------------

const statusErrors = [
  OttuBadRequestError,
  OttuUnauthorizedError,
  OttuForbiddenError,
  OttuNotFoundError,
  OttuConflictError,
  OttuGoneError,
  OttuUnsupportedMediaTypeError,
  OttuRateLimitedError,
  OttuServerError,
  OttuUnexpectedStatusError,
] as const

/**
 * Ottu answered with an error status.
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuStatusError = InstanceType<(typeof statusErrors)[number]>

const requestErrors = [
  ...statusErrors,
  OttuTransportError,
  OttuTimeoutError,
  OttuDecodeError,
  OttuAuthError,
] as const

/**
 * Anything that can go wrong once a request is sent (or, with Keycloak credentials, while getting
 * the token it is sent with).
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuRequestError = InstanceType<(typeof requestErrors)[number]>

const callErrors = [...requestErrors, OttuInvalidInputError] as const

/**
 * What one call to Ottu can fail with: a failed request, or input rejected before sending.
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuCallError = InstanceType<(typeof callErrors)[number]>

const operationErrors = [...callErrors, OttuOperationFailedError] as const

/**
 * What a money-moving call (an operation, a saved-card charge) can fail with: the call's errors,
 * or an answer saying the money did not move.
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuOperationError = InstanceType<(typeof operationErrors)[number]>

const stepErrors = [...operationErrors, OttuNoSavedTokenError, OttuNoGatewayError] as const

/**
 * What a step of an autoflow can fail with: the `cause` of an {@link OttuFlowError}.
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuFlowStepError = InstanceType<(typeof stepErrors)[number]>

const FlowErrorBase: TaggedErrorClass<
  OttuFlowError,
  "OttuFlowError",
  {
    flow: Schema.Literal<["checkout", "auto_debit"]>
    step: Schema.Literal<["token", "payment_methods", "checkout", "charge"]>
    session_id: Schema.optional<typeof Schema.String>
    cause: Schema.Union<[...typeof stepErrors]>
  }
> = Schema.TaggedError<OttuFlowError>()("OttuFlowError", {
  flow: Schema.Literal("checkout", "auto_debit"),
  step: Schema.Literal("token", "payment_methods", "checkout", "charge"),
  session_id: Schema.optional(Schema.String),
  cause: Schema.Union(...stepErrors),
})

/**
 * A step of an autoflow failed. `step` says which (`token`, `payment_methods`, `checkout`,
 * `charge`); `cause` is that step's own error; `session_id` is set when a checkout had already
 * been created, so nothing half-done goes unnoticed.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuFlowError extends FlowErrorBase {
  override get message(): string {
    const session = this.session_id === undefined ? "" : ` (session ${this.session_id})`
    return `The ${this.flow} autoflow failed at step ${this.step}${session}: ${this.cause.message}`
  }
}

// ---------------------------------------------------------------------------------------------
// Webhook errors
// ---------------------------------------------------------------------------------------------

const WebhookSignatureErrorBase: TaggedErrorClass<
  OttuWebhookSignatureError,
  "OttuWebhookSignatureError",
  {
    reason: Schema.Literal<["malformed", "missing", "mismatch"]>
  }
> = Schema.TaggedError<OttuWebhookSignatureError>()("OttuWebhookSignatureError", {
  reason: Schema.Literal("malformed", "missing", "mismatch"),
})

/**
 * The body's signature could not be verified: the body is not a JSON object (`malformed`), it
 * has no signature or an empty one (`missing`), or the signature does not match under the key
 * (`mismatch`). Nothing in the body can be trusted.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuWebhookSignatureError extends WebhookSignatureErrorBase {
  override get message(): string {
    return {
      malformed: "The webhook body is not a JSON object",
      missing: "The webhook body has no signature",
      mismatch: "The webhook signature does not match",
    }[this.reason]
  }
}

const WebhookDecodeErrorBase: TaggedErrorClass<
  OttuWebhookDecodeError,
  "OttuWebhookDecodeError",
  {
    reason: typeof Schema.String
  }
> = Schema.TaggedError<OttuWebhookDecodeError>()("OttuWebhookDecodeError", {
  reason: Schema.String,
})

/**
 * The body is authentic (its signature matched) but is neither a payment nor an operation event
 * of the documented shape. `reason` says what did not fit.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuWebhookDecodeError extends WebhookDecodeErrorBase {
  override get message(): string {
    return `The webhook event cannot be decoded: ${this.reason}`
  }
}

const webhookErrors = [OttuWebhookSignatureError, OttuWebhookDecodeError] as const

/**
 * Why a webhook body was refused: its signature, or its shape.
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuWebhookError = InstanceType<(typeof webhookErrors)[number]>

const SandboxControlErrorBase: TaggedErrorClass<
  SandboxControlError,
  "SandboxControlError",
  {
    message: typeof Schema.String
  }
> = Schema.TaggedError<SandboxControlError>()("SandboxControlError", { message: Schema.String })

/**
 * A control call of the embedded sandbox refused (`OttuSandbox.pay`): an unknown session, a
 * gateway that is not the session's, a state that takes no such attempt, a card that cannot be
 * saved.
 *
 * @since 0.1.0
 * @category errors
 */
export class SandboxControlError extends SandboxControlErrorBase {}

// ---------------------------------------------------------------------------------------------
// Every error
// ---------------------------------------------------------------------------------------------

const allErrors = [
  ...stepErrors,
  OttuFlowError,
  ...webhookErrors,
  OttuStoreError,
  OttuWebhookRefusedError,
  SandboxControlError,
] as const

/**
 * Every error of the SDK: those of the calls to Ottu ({@link OttuCallError}), of money-moving
 * calls and autoflows, of webhook verification, of the checkout store, and of the sandbox's
 * controls.
 *
 * @since 0.1.0
 * @category errors
 */
export type OttuError = InstanceType<(typeof allErrors)[number]>

/**
 * True when `u` is an error of the SDK (any {@link OttuError}), for code that receives unknown
 * failures (a `catch`, a defect, a `Cause` from another library).
 *
 * **Details:** the check is by `_tag` on an `Error`, not by class identity, so it also holds for
 * errors made by another copy of the SDK (a second installed version, a Deno and an npm build in
 * one process).
 *
 * @example
 * ```ts
 * import { OttuError } from "effect-ottu"
 *
 * const describe = (u: unknown) => (OttuError.isOttuError(u) ? `${u._tag}: ${u.message}` : String(u))
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isOttuError = (u: unknown): u is OttuError =>
  u instanceof Error && allErrors.some((error) => Predicate.isTagged(u, error._tag))
