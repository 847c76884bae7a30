/**
 * The checkout routes (create, retrieve, PATCH and PUT on `/b/checkout/v1/pymt-txn/`) and the
 * checkout object they answer with (API reference §5.2): the echoed fields, the state, the
 * operation, the gateway that settled it, and the URLs and payment methods derived from the
 * session.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { formatAmount } from "../internal/currency.ts"
import { acceptCheckout, checkoutListFields, echoedFields } from "./checkoutInput.ts"
import { assetUrl, type Gateway, gatewaysOf } from "./gateways.ts"
import { sessionId } from "./ids.ts"
import { flowOf, settlementOf } from "./ledger.ts"
import type { CheckoutState } from "./lifecycle.ts"
import { detail, json } from "./reply.ts"
import { readBody } from "./request.ts"
import { findSession, newSession, SandboxEnv, type SandboxSession, saveSession } from "./state.ts"

/** The states in which a session can still be updated. */
const updatableStates: ReadonlyArray<CheckoutState> = ["created", "pending", "attempted"]

const checkoutUrl = (host: string, sessionId: string) =>
  `https://${host}/b/checkout/redirect/start/?session_id=${sessionId}`

/** One `PaymentMethodsForRedirect` entry of a session. */
const paymentMethodFor = (host: string, session: SandboxSession) => (gateway: Gateway) => ({
  code: gateway.code,
  name: gateway.name,
  type: session.checkout.type,
  amount: session.checkout.amount,
  currency_code: session.checkout.currency_code,
  fee: formatAmount("0", session.checkout.currency_code),
  fee_description: "",
  icon: assetUrl(host, gateway.code, "svg"),
  icons: { webp: assetUrl(host, gateway.code, "webp"), svg: assetUrl(host, gateway.code, "svg") },
  flow: "redirect",
  redirect_url: `${checkoutUrl(host, session.session_id)}&pg_code=${encodeURIComponent(gateway.code)}`,
})

/** An invoice's `status` (§11.5) follows its session: `paid` once paid, `canceled` once cancelled. */
const invoiceStatusOf = (state: CheckoutState): string =>
  state === "paid" ? "paid" : state === "canceled" ? "canceled" : "sent"

/** The checkout object (API reference §5.2) of a session; an invoice's also has its `status`. */
export const renderCheckout = (host: string, session: SandboxSession) => {
  const { checkout, session_id } = session
  const shortCode = session_id.slice(0, 10)
  const attachmentName = typeof checkout.attachment === "string" ? checkout.attachment : undefined
  const sessionGateways = gatewaysOf(checkout.pg_codes)
  const settlement = settlementOf(session)
  return {
    session_id,
    ...echoedFields(checkout),
    state: session.state,
    operation: flowOf(session) ?? sessionGateways[0]?.operation ?? "purchase",
    ...(settlement === undefined ? {} : { settled_pg_code: settlement.pg_code }),
    checkout_url: checkoutUrl(host, session_id),
    payment_methods: sessionGateways.map(paymentMethodFor(host, session)),
    ...(attachmentName === undefined
      ? {}
      : {
          attachment: `https://${host}/media/payment_transactions/attachments/${encodeURIComponent(attachmentName)}`,
        }),
    ...(checkout.generate_qr_code === true
      ? { qr_code_url: `https://${host}/media/qr_codes/${session_id}.png` }
      : {}),
    ...(checkout.shortify_checkout_url === true
      ? { checkout_short_url: `https://${host}/s/${shortCode}` }
      : {}),
    ...(checkout.shortify_attachment_url === true && attachmentName !== undefined
      ? { attachment_short_url: `https://${host}/s/a/${shortCode}` }
      : {}),
    ...(checkout.invoice_id === undefined ? {} : { status: invoiceStatusOf(session.state) }),
  }
}

/** POST: a new session, in the `created` state. */
export const createCheckout = Effect.gen(function* () {
  const { host } = yield* SandboxEnv
  const body = yield* readBody(checkoutListFields)
  const checkout = yield* acceptCheckout({}, body, "create")
  const session = newSession(sessionId(), checkout, yield* Clock.currentTimeMillis)
  yield* saveSession(session)
  return json(201, renderCheckout(host, session))
})

/** The session named by the path, or 404. */
export const pathSession = Effect.gen(function* () {
  const { session_id = "" } = yield* HttpRouter.params
  return yield* Option.match(yield* findSession(session_id), {
    onNone: () => Effect.fail(detail(404, "Not found.")),
    onSome: Effect.succeed,
  })
})

/** GET: the session named by the path. */
export const retrieveCheckout = Effect.gen(function* () {
  const { host } = yield* SandboxEnv
  return json(200, renderCheckout(host, yield* pathSession))
})

/** PATCH or PUT: the session named by the path, changed by the body while it is updatable. */
export const updateCheckout = (mode: "patch" | "put") =>
  Effect.gen(function* () {
    const { host } = yield* SandboxEnv
    const current = yield* pathSession
    if (!updatableStates.includes(current.state)) {
      return yield* detail(
        400,
        `The payment transaction can no longer be updated: its state is ${current.state}.`,
      )
    }
    const body = yield* readBody(checkoutListFields)
    const checkout = yield* acceptCheckout(current.checkout, body, mode)
    const session: SandboxSession = { ...current, checkout }
    yield* saveSession(session)
    return json(200, renderCheckout(host, session))
  })
