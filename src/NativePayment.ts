/**
 * Native payments, server to server: the merchant's front end collects an Apple Pay token or a
 * Google Pay `PaymentData`, and the back end sends it to Ottu with the checkout's `session_id`
 * (`POST /b/pbl/v2/payment/apple-pay/`, `/google-pay/`); a wallet payment charges the balance of
 * the checkout customer's wallet (`POST /b/pbl/v2/payment/wallet/`).
 *
 * **Details**
 *
 * - The payment data travels as given: the very object passed as `payload` is what the request
 *   body holds (its keys, their order and any field this SDK does not know), never a decoded copy.
 *   It is checked for the fields Ottu requires before anything is sent.
 * - The payment data is never logged and never put in a span or an error: spans carry the
 *   `session_id` and `pg_code` only, and an invalid payload is reported by field name and rule,
 *   without the value.
 * - The answer is the payment payload (the payment webhook's shape). A payment whose `result` is
 *   `success` or `pending` is the success value; a declined payment (`failed`, `canceled`,
 *   `error`) fails with `OttuOperationFailedError`, whose `body` is the whole payload, as for
 *   `AutoDebit.charge`: the money did not move, and code that only follows the success path never
 *   ships an unpaid order. Ottu's refusals (a closed session, a gateway without the wallet) are
 *   `OttuBadRequestError`s.
 * - Google Pay may answer a 3-D Secure challenge instead ({@link Challenge}: render its `html` in
 *   an iframe or send the payer to its `redirect_url`); the payment's outcome then comes by webhook.
 * - Never re-sent: each attempt may charge the payer. With automatic persistence on, the payment
 *   payload is saved under its session (a challenge saves nothing).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { chargedOrFailed } from "./internal/charge.ts"
import { type Endpoint, endpoints } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { PaymentPayload } from "./internal/payloads.ts"
import { optionalText, PathId, Rest, Text } from "./internal/primitives.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import { InputIssue, OttuInvalidInputError, type OttuOperationError } from "./OttuError.ts"

/**
 * The payment payload Ottu answers a native payment with (the payment webhook's shape): `result`,
 * `state`, amounts as strings, `reference_number`, `gateway_account`, …; unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Payment = PaymentPayload

/**
 * @since 0.1.0
 * @category models
 */
export type Payment = typeof Payment.Type

/**
 * A 3-D Secure challenge Google Pay may answer instead of a payment: `method` `"iframe"` (render
 * `html` in an iframe; `ws_url` reports progress) or `"redirect"` (send the payer to
 * `redirect_url`). Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Challenge: Schema.TypeLiteral<
  {
    status: Schema.optional<typeof Schema.String>
    method: typeof Schema.String
    form_of_payment: typeof Schema.String
    reference_number: typeof optionalText
    challenge_occurred: Schema.optional<typeof Schema.Boolean>
    html: typeof optionalText
    ws_url: typeof optionalText
    redirect_url: typeof optionalText
    session_id: typeof optionalText
    order_no: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    status: Schema.optional(Schema.String),
    method: Schema.String,
    form_of_payment: Schema.String,
    reference_number: optionalText,
    challenge_occurred: Schema.optional(Schema.Boolean),
    html: optionalText,
    ws_url: optionalText,
    redirect_url: optionalText,
    session_id: optionalText,
    order_no: optionalText,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type Challenge = typeof Challenge.Type

/**
 * The answer of {@link googlePay}: a payment payload, or a 3-D Secure challenge (tell them apart
 * with {@link isChallenge}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GooglePayAnswer: Schema.Union<[typeof Payment, typeof Challenge]> = Schema.Union(
  Payment,
  Challenge,
)

/**
 * @since 0.1.0
 * @category models
 */
export type GooglePayAnswer = typeof GooglePayAnswer.Type

/**
 * Whether a Google Pay answer is a 3-D Secure challenge rather than a payment payload (it has no
 * `result`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isChallenge = (answer: GooglePayAnswer): answer is Challenge =>
  typeof answer.result !== "string"

/**
 * The Apple Pay token exactly as `PKPayment.token` gives it (its `paymentData` parsed as JSON).
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplePayToken extends Readonly<Record<string, unknown>> {
  readonly paymentData: Readonly<Record<string, unknown>> & {
    readonly version: string
    readonly data: string
    readonly signature: string
    readonly header: Readonly<Record<string, unknown>> & {
      readonly ephemeralPublicKey?: string
      readonly wrappedKey?: string
      readonly publicKeyHash: string
      readonly transactionId: string
    }
  }
  readonly paymentMethod: Readonly<Record<string, unknown>> & {
    readonly displayName: string
    readonly network: string
    readonly type: string
  }
  readonly transactionIdentifier: string
}

/**
 * The Google Pay `PaymentData` exactly as the Google Pay API gives it.
 *
 * @since 0.1.0
 * @category models
 */
export interface GooglePayPaymentData extends Readonly<Record<string, unknown>> {
  readonly apiVersion: number
  readonly apiVersionMinor: number
  readonly paymentMethodData: Readonly<Record<string, unknown>> & {
    readonly type: string
    readonly description: string
    readonly info: Readonly<Record<string, unknown>>
    readonly tokenizationData: Readonly<Record<string, unknown>>
  }
  readonly email?: string
  readonly shippingAddress?: Readonly<Record<string, unknown>>
}

/**
 * What every native payment names: the checkout session and, when it has several gateways, the
 * `pg_code` whose merchant account takes the wallet (Ottu needs it then).
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly session_id: string
  readonly pg_code?: string | null | undefined
}

/**
 * The input of {@link applePay}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplePayParams extends Target {
  readonly payload: ApplePayToken
}

/**
 * The input of {@link googlePay}.
 *
 * @since 0.1.0
 * @category models
 */
export interface GooglePayParams extends Target {
  readonly payload: GooglePayPaymentData
}

/**
 * The input of {@link wallet}: the wallet is found through the checkout's `customer_id`;
 * `payload` is optional and travels as given.
 *
 * @since 0.1.0
 * @category models
 */
export interface WalletParams extends Target {
  readonly payload?: Readonly<Record<string, unknown>> | undefined
}

const open = <F extends Schema.Struct.Fields>(fields: F) => Schema.Struct(fields, Rest)

/** The fields Ottu requires of an Apple Pay token (`ApplePayToken` in the spec). */
const ApplePayTokenShape = open({
  paymentData: open({
    version: Schema.String,
    data: Schema.String,
    signature: Schema.String,
    header: open({
      ephemeralPublicKey: Schema.optional(Schema.String),
      wrappedKey: Schema.optional(Schema.String),
      publicKeyHash: Schema.String,
      transactionId: Schema.String,
    }),
  }),
  paymentMethod: open({ displayName: Schema.String, network: Schema.String, type: Schema.String }),
  transactionIdentifier: Schema.String,
})

/** The fields Ottu requires of a Google Pay `PaymentData` (`GooglePayPaymentData` in the spec). */
const GooglePayShape = open({
  apiVersion: Schema.Int,
  apiVersionMinor: Schema.Int,
  paymentMethodData: open({
    type: Schema.String,
    description: Schema.String,
    info: Rest,
    tokenizationData: Rest,
  }),
  email: Schema.optional(Schema.String.pipe(Schema.pattern(/^[^\s@]+@[^\s@]+$/))),
  shippingAddress: Schema.optional(Rest),
})

/** `session_id` and `pg_code`, checked; the payload is checked on its own. */
const TargetShape = Schema.Struct({
  session_id: PathId,
  pg_code: Schema.optional(Schema.NullOr(Text(50).pipe(Schema.minLength(1)))),
})

/**
 * Checks the payment data against `shape` and reports each problem under `payload.<field>` by
 * rule only: effect's "Expected …, actual <value>" loses its value, so no payment data reaches
 * the error.
 */
const checkPayload = <A, I>(
  shape: Schema.Schema<A, I>,
  payload: unknown,
  where: { readonly method: string; readonly path: string },
): Effect.Effect<void, OttuInvalidInputError> =>
  Effect.mapError(
    validate(shape, payload, where),
    (error) =>
      new OttuInvalidInputError({
        method: where.method,
        path: where.path,
        issues: error.issues.map(
          (issue) =>
            new InputIssue({
              field: issue.field === "" ? "payload" : `payload.${issue.field}`,
              message: issue.message.replace(/, actual [\s\S]*$/, ""),
            }),
        ),
      }),
  ).pipe(Effect.asVoid)

/**
 * Validates a native payment and sends it: `session_id` and `pg_code` checked, the payload
 * checked with `shape` when one is given, then the body built from the caller's own values.
 */
const pay = <A, I>(
  endpoint: Endpoint,
  params: Target & { readonly payload?: unknown },
  shape: Schema.Schema.AnyNoContext,
  success: Schema.Schema<A, I>,
): Effect.Effect<A, OttuOperationError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const where = whereOf(endpoint)
    const { payload, ...target } = params
    const checked = yield* validate(TargetShape, target, where)
    yield* checkPayload(shape, payload, where)
    const pgCode = checked.pg_code ?? undefined
    return yield* execute({
      endpoint,
      path: endpoint.route,
      attributes: {
        "ottu.session_id": checked.session_id,
        ...(pgCode === undefined ? {} : { "ottu.pg_code": pgCode }),
      },
      body: {
        _tag: "Json",
        value: {
          session_id: checked.session_id,
          ...(checked.pg_code === undefined ? {} : { pg_code: checked.pg_code }),
          ...(payload === undefined ? {} : { payload }),
        },
      },
      success,
    })
  })

/** Where a call goes, for its errors. */
const whereOf = (endpoint: Endpoint) => ({ method: endpoint.method, path: endpoint.route })

/** The wallet payload, when given, must be an object. */
const WalletPayloadShape = Schema.Union(Schema.Undefined, Rest)

/**
 * Pays a checkout with an Apple Pay token, untouched.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NativePayment } from "effect-ottu"
 *
 * // `token`: what the Apple Pay sheet gave the front end
 * const pay = (session_id: string, token: NativePayment.ApplePayToken) =>
 *   NativePayment.applePay({ session_id, pg_code: "credit-card", payload: token }).pipe(
 *     Effect.catchTag("OttuOperationFailedError", (declined) => Effect.fail(declined.detail)),
 *   )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const applePay = (
  params: ApplePayParams,
): Effect.Effect<Payment, OttuOperationError, OttuConfig | HttpClient.HttpClient> =>
  Effect.flatMap(pay(endpoints.applePay, params, ApplePayTokenShape, Payment), (payment) =>
    chargedOrFailed(whereOf(endpoints.applePay), payment, "Apple Pay payment"),
  )

/**
 * Pays a checkout with a Google Pay `PaymentData`, untouched. The answer is the payment, or a
 * 3-D Secure challenge for the payer ({@link isChallenge}).
 *
 * @since 0.1.0
 * @category operations
 */
export const googlePay = (
  params: GooglePayParams,
): Effect.Effect<GooglePayAnswer, OttuOperationError, OttuConfig | HttpClient.HttpClient> =>
  Effect.flatMap(pay(endpoints.googlePay, params, GooglePayShape, GooglePayAnswer), (answer) =>
    isChallenge(answer)
      ? Effect.succeed<GooglePayAnswer>(answer)
      : chargedOrFailed(whereOf(endpoints.googlePay), answer, "Google Pay payment"),
  )

/**
 * Pays a checkout from the balance of its customer's wallet (the checkout needs a
 * `customer_id`).
 *
 * @since 0.1.0
 * @category operations
 */
export const wallet = (
  params: WalletParams,
): Effect.Effect<Payment, OttuOperationError, OttuConfig | HttpClient.HttpClient> =>
  Effect.flatMap(pay(endpoints.walletPayment, params, WalletPayloadShape, Payment), (payment) =>
    chargedOrFailed(whereOf(endpoints.walletPayment), payment, "wallet payment"),
  )
