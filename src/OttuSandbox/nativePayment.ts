/**
 * The native payment routes (`POST /b/pbl/v2/payment/apple-pay/`, `/google-pay/`, `/wallet/`,
 * API reference §11.1–11.3): a payment attempt on an open session, made with a wallet's payment
 * data instead of the payer's visit to the payment page. It moves the session like any attempt
 * (`paid`, or `authorized` on an authorize gateway; a decline leaves it `attempted`), logs the
 * payment webhook, and answers the payment payload.
 *
 * The gateway is the `pg_code` given, which must be one of the session's and offer the wallet
 * (Apple Pay, Google Pay), or the only such gateway of the session; a wallet payment needs the
 * session's `customer_id`. The payment is declined when the payment data holds
 * {@link declinedPaymentToken} anywhere; any other data pays.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import { type Check, type Fields, integer, object, text } from "./checks.ts"
import { gatewayOf, type PaymentService } from "./gateways.ts"
import { isOpen } from "./lifecycle.ts"
import type { PaymentPayload } from "./payloads.ts"
import { attempt, type Fresh, freshValues } from "./payments.ts"
import { failed, json, type Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listFieldsOf, type Rules, validated } from "./rules.ts"
import { type SandboxState, transact } from "./state.ts"

/**
 * The text that makes the sandbox decline a native payment when the payment data holds it (an
 * Apple Pay `paymentData.data`, a Google Pay `tokenizationData.token`, any value of a wallet
 * payload).
 *
 * @since 0.1.0
 * @category control
 */
export const declinedPaymentToken = "sandbox-declined-payment"

/** The fields of a payload object (others are kept), by name. */
type Shape = Readonly<Record<string, ShapeField>>

/** A field of a payload shape: its check or nested shape, and whether it must be present. */
interface ShapeField {
  readonly rule: Check | Shape
  readonly required: boolean
}

const required = (rule: Check | Shape): ShapeField => ({ rule, required: true })
const optional = (rule: Check | Shape): ShapeField => ({ rule, required: false })

/** Every problem of `value` against `fields`, each prefixed by its dotted path. */
const problemsOf = (fields: Shape, value: unknown, path: string): ReadonlyArray<string> => {
  const at = (name: string) => (path === "" ? name : `${path}.${name}`)
  return Either.match(object(value), {
    onLeft: (messages) =>
      messages.map((message) => (path === "" ? message : `${path}: ${message}`)),
    onRight: (record) =>
      Object.entries(fields).flatMap(([name, field]) => {
        if (!Object.hasOwn(record, name)) {
          return field.required ? [`${at(name)}: This field is required.`] : []
        }
        const rule = field.rule
        return typeof rule === "function"
          ? Either.match(rule(record[name]), {
              onLeft: (messages) => messages.map((message) => `${at(name)}: ${message}`),
              onRight: () => [],
            })
          : problemsOf(rule, record[name], at(name))
      }),
  })
}

/**
 * An object with the given fields, nested objects included: every problem is one message,
 * prefixed by its dotted path (`paymentData.header.publicKeyHash: This field is required.`).
 */
const shape =
  (fields: Shape): Check =>
  (value) => {
    const problems = problemsOf(fields, value, "")
    return problems.length > 0 ? Either.left(problems) : Either.right(value)
  }

/** The Apple Pay token's required fields (`ApplePayToken` in the spec). */
const applePayToken = shape({
  paymentData: required({
    version: required(text()),
    data: required(text()),
    signature: required(text()),
    header: required({
      ephemeralPublicKey: optional(text()),
      wrappedKey: optional(text()),
      publicKeyHash: required(text()),
      transactionId: required(text()),
    }),
  }),
  paymentMethod: required({
    displayName: required(text()),
    network: required(text()),
    type: required(text()),
  }),
  transactionIdentifier: required(text()),
})

/** The Google Pay `PaymentData`'s required fields (`GooglePayPaymentData` in the spec). */
const googlePayData = shape({
  apiVersion: required(integer),
  apiVersionMinor: required(integer),
  paymentMethodData: required({
    type: required(text()),
    description: required(text()),
    info: required(object),
    tokenizationData: required(object),
  }),
  shippingAddress: optional(object),
})

/** One native payment route: its wallet service and its payload. */
interface Wallet {
  /** The service the gateway must offer; `undefined`: the customer's Ottu wallet. */
  readonly service: PaymentService["code"] | undefined
  readonly name: string
  readonly payload: Check
  readonly payloadRequired: boolean
}

/** Why `pgCode` cannot take the payment, or `undefined` when it can. */
const gatewayProblem = (pgCode: string, wallet: Wallet): string | undefined =>
  wallet.service === undefined ||
  gatewayOf(pgCode)?.payment_services.some((service) => service.code === wallet.service)
    ? undefined
    : `${pgCode} does not offer ${wallet.name}.`

/** The transition of one native payment: the checks of the session and gateway, then the attempt. */
const nativePayment =
  (wallet: Wallet, fields: Fields, fresh: Fresh) =>
  (state: SandboxState): Either.Either<readonly [PaymentPayload, SandboxState], Reply> =>
    Either.gen(function* () {
      const sessionId = String(fields.session_id)
      const found = HashMap.get(state.sessions, sessionId)
      if (Option.isNone(found)) {
        return yield* Either.left(
          fieldErrors({
            session_id: [`No PaymentTransaction found with \`session_id\` of ${sessionId}.`],
          }),
        )
      }
      const { checkout, state: current } = found.value
      if (!isOpen(current)) {
        return yield* Either.left(
          failed(`The payment transaction is ${current}; it can no longer be paid.`),
        )
      }
      if (wallet.service === undefined && typeof checkout.customer_id !== "string") {
        return yield* Either.left(
          failed("The payment transaction has no customer_id: the wallet is found through it."),
        )
      }
      const pgCode = yield* gatewayFor(wallet, checkout.pg_codes, fields.pg_code)
      const declined = JSON.stringify(fields.payload ?? null).includes(declinedPaymentToken)
      return yield* attempt(
        sessionId,
        { pg_code: pgCode, outcome: declined ? "failed" : "success" },
        fresh,
        failed,
      )(state)
    })

/** The gateway of the payment: the one named, or the session's only gateway for the wallet. */
const gatewayFor = (
  wallet: Wallet,
  pgCodes: ReadonlyArray<string>,
  named: unknown,
): Either.Either<string, Reply> => {
  if (typeof named === "string") {
    if (!pgCodes.includes(named)) {
      return Either.left(failed(`${named} is not one of the payment transaction's pg_codes.`))
    }
    const problem = gatewayProblem(named, wallet)
    return problem === undefined ? Either.right(named) : Either.left(failed(problem))
  }
  const candidates = pgCodes.filter((code) => gatewayProblem(code, wallet) === undefined)
  const [only, ...others] = candidates
  if (only === undefined) {
    return Either.left(failed(`None of the payment transaction's gateways offers ${wallet.name}.`))
  }
  if (others.length > 0) {
    return Either.left(
      fieldErrors({
        pg_code: [
          `This field is required when several of the payment transaction's gateways offer ${wallet.name}.`,
        ],
      }),
    )
  }
  return Either.right(only)
}

/** The POST handler of one native payment route. */
const route = (wallet: Wallet) => {
  const rules: Rules = {
    session_id: field(text(128)),
    pg_code: field(text(50), { nullable: true }),
    payload: field(wallet.payload),
  }
  const lists = listFieldsOf(rules)
  const requiredFields = wallet.payloadRequired ? ["session_id", "payload"] : ["session_id"]
  return Effect.gen(function* () {
    const body = yield* readBody(lists)
    const fields = yield* validated(rules, body, requiredFields, fieldErrors)
    const fresh = yield* freshValues
    return json(200, yield* transact(nativePayment(wallet, fields, fresh)))
  })
}

/** POST `/b/pbl/v2/payment/apple-pay/`. */
export const applePay = route({
  service: "apple_pay",
  name: "Apple Pay",
  payload: applePayToken,
  payloadRequired: true,
})

/** POST `/b/pbl/v2/payment/google-pay/`. */
export const googlePay = route({
  service: "google_pay",
  name: "Google Pay",
  payload: googlePayData,
  payloadRequired: true,
})

/** POST `/b/pbl/v2/payment/wallet/`. */
export const walletPayment = route({
  service: undefined,
  name: "the Ottu wallet",
  payload: object,
  payloadRequired: false,
})
