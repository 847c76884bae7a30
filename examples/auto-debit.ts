/**
 * Recurring payments: the customer's first payment saves a card under an agreement, then a later
 * charge goes through ottu-py's auto-debit autoflow, its token found through Ottu's cards API.
 *
 * Runs on the embedded sandbox (the first payment is simulated) unless `OTTU_MERCHANT_ID`,
 * `OTTU_API_KEY` and `OTTU_CUSTOMER_ID` are set; then it prints the checkout URL of the first
 * payment and waits for you to pay.
 *
 *   deno run -A examples/auto-debit.ts
 *   bun examples/auto-debit.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { AutoDebit, Cards, OttuConfig, PaymentMethods } from "../src/index.ts"
import { customerPays, OttuLive, run } from "./ottu.ts"

const program = Effect.gen(function* () {
  const config = yield* OttuConfig.OttuConfig
  const customer_id = config.customerId ?? "cust-example"
  const agreement = {
    id: `A-${Date.now()}`,
    type: "recurring",
    frequency: "monthly",
    amount_variability: "fixed",
    expiry_date: "2030-12-31",
    cycle_interval_days: 30,
    total_cycles: 12,
  } as const

  const methods = yield* PaymentMethods.list({
    plugin: "e_commerce",
    currencies: ["KWD"],
    auto_debit: true,
  })
  const gateway = methods.payment_methods[0]
  if (gateway === undefined) return yield* Effect.dieMessage("no auto-debit gateway for KWD")

  const first = yield* AutoDebit.checkout({
    type: "e_commerce",
    amount: "9.900",
    currency_code: "KWD",
    pg_codes: [gateway.code],
    customer_id,
    agreement,
  })
  yield* Console.log(`first payment  ${first.session_id} on ${gateway.code}`)
  yield* customerPays(first)

  const card = yield* Cards.latest({ customer_id, agreement_id: agreement.id })
  const shown = Option.map(card, (c) => `${c.brand ?? "card"} ${c.number ?? ""}`.trim())
  yield* Console.log(`saved card     ${Option.getOrElse(shown, () => "none")}`)

  const { session, payment } = yield* AutoDebit.autoFlow({
    type: "e_commerce",
    amount: "9.900",
    currency_code: "KWD",
    customer_id,
    agreement,
  }).pipe(Effect.provide(AutoDebit.layerCardsTokenSource))
  yield* Console.log(`next charge    ${session.session_id}: ${payment.result}, ${payment.state}`)
})

run(program.pipe(Effect.provide(OttuLive)))
