/**
 * Money movement: create a checkout on a gateway that authorizes, the customer pays, capture part
 * of it, refund part of the capture, then ask Ottu for the payment status.
 *
 * Runs on the embedded sandbox (the payment is simulated) unless `OTTU_MERCHANT_ID` and
 * `OTTU_API_KEY` are set; then it prints the checkout URL and waits for you to pay.
 *
 *   deno run -A examples/operations.ts
 *   bun examples/operations.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Checkout, Inquiry, Operation, PaymentMethods } from "../src/index.ts"
import { customerPays, OttuLive, run } from "./ottu.ts"

const program = Effect.gen(function* () {
  const methods = yield* PaymentMethods.list({
    plugin: "e_commerce",
    currencies: ["KWD"],
    operation: "authorize",
  })
  const gateway = methods.payment_methods[0]
  if (gateway === undefined) return yield* Effect.dieMessage("no authorize gateway for KWD")

  const order = `ops-${Date.now()}`
  const session = yield* Checkout.create({
    type: "e_commerce",
    amount: "20.000",
    currency_code: "KWD",
    pg_codes: [gateway.code],
    order_no: order,
  })
  yield* Console.log(`created   ${session.session_id} on ${gateway.code}: 20.000 KWD`)

  yield* customerPays(session)
  const paid = yield* Checkout.retrieve(session.session_id)
  yield* Console.log(`paid      state ${paid.state}`)

  const target = { session_id: session.session_id }
  const capture = yield* Operation.capture(target, {
    amount: "12.000",
    trackingKey: `${order}-capture-1`,
  })
  yield* Console.log(`captured  ${capture.result}: 12.000 KWD`)

  const refund = yield* Operation.refund(
    { order_no: order },
    { amount: "5.000", trackingKey: `${order}-refund-1` },
  )
  yield* Console.log(`refunded  ${refund.result}: 5.000 KWD (by order number)`)

  const status = yield* Inquiry.query(target).pipe(
    Effect.map((s) => `${s.state}, paid ${s.paid_amount}, refunded ${s.refunded_amount}`),
    // Ottu refuses status queries in a transaction's first 10 minutes.
    Effect.catchTag("OttuBadRequestError", (e) => Effect.succeed(`not yet: ${e.detail}`)),
  )
  yield* Console.log(`status    ${status}`)
})

run(program.pipe(Effect.provide(OttuLive)))
