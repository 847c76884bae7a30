/**
 * A native Apple Pay payment: a checkout is created, paid server to server with the token the
 * Apple Pay sheet gave the front end, and read back; then the same checkout is read again through
 * `Raw.request`, the way to reach an endpoint before the SDK wraps it.
 *
 * Runs on the embedded sandbox, which takes the fake token below (a token holding
 * `OttuSandbox.declinedPaymentToken` is declined). With `OTTU_MERCHANT_ID` set it talks to that
 * instance, where only a real token from an Apple Pay sheet pays: the fake one is refused, and
 * the example prints how.
 *
 *   deno run -A examples/native-payment.ts
 *   bun examples/native-payment.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Checkout, NativePayment, Raw } from "../src/index.ts"
import { OttuLive, run } from "./ottu.ts"

/** What `PKPayment.token` holds, its `paymentData` parsed: here a made-up one. */
const token: NativePayment.ApplePayToken = {
  paymentData: {
    version: "EC_v1",
    data: "c2FuZGJveC1lbmNyeXB0ZWQtcGF5bWVudC1kYXRh",
    signature: "c2FuZGJveC1zaWduYXR1cmU=",
    header: {
      ephemeralPublicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
      publicKeyHash: "LbsUwAT6w1JV9tFXocU813TCHks+LSuFF0R/eBkrWnQ=",
      transactionId: "4b4a3ac1c6c4bd8a",
    },
  },
  paymentMethod: { displayName: "Visa 0492", network: "Visa", type: "debit" },
  transactionIdentifier: "4B4A3AC1C6C4BD8A",
}

const program = Effect.gen(function* () {
  const session = yield* Checkout.create({
    type: "e_commerce",
    amount: "12.500",
    currency_code: "KWD",
    pg_codes: ["credit-card"],
    order_no: `native-${Date.now()}`,
  })
  yield* Console.log(`checkout   ${session.session_id}: ${session.state}`)

  // The token goes to Ottu untouched; it appears in no log, span or error.
  yield* NativePayment.applePay({
    session_id: session.session_id,
    pg_code: "credit-card",
    payload: token,
  }).pipe(
    Effect.flatMap((payment) =>
      Console.log(`apple pay  ${payment.result}, ${payment.reference_number ?? ""}`),
    ),
    Effect.catchTags({
      OttuOperationFailedError: (declined) => Console.log(`declined   ${declined.detail}`),
      OttuBadRequestError: (refused) => Console.log(`refused    ${refused.message}`),
    }),
  )

  const paid = yield* Checkout.retrieve(session.session_id)
  yield* Console.log(`status     ${paid.state}`)

  const raw = yield* Raw.request("GET", `/b/checkout/v1/pymt-txn/${session.session_id}/`)
  const { state, amount } = raw as { readonly state?: unknown; readonly amount?: unknown }
  yield* Console.log(`raw read   ${String(state)}, ${String(amount)}`)
})

run(program.pipe(Effect.provide(OttuLive)))
