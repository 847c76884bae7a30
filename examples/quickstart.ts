/**
 * Quickstart: create a checkout, print its session id and checkout URL, read it back, change the
 * amount, print the result.
 *
 * With no `OTTU_*` variables it runs on the embedded sandbox. With `OTTU_MERCHANT_ID` and
 * `OTTU_API_KEY` (or `OTTU_USERNAME`/`OTTU_PASSWORD`) set, it talks to that Ottu instance.
 *
 *   deno run -A examples/quickstart.ts
 *   bun examples/quickstart.ts
 *   npx tsx examples/quickstart.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { PaymentMethods, Session } from "../src/index.ts"
import { OttuLive, run } from "./ottu.ts"

const program = Effect.gen(function* () {
  const methods = yield* PaymentMethods.list({ plugin: "e_commerce", currencies: ["KWD"] })
  const gateway = methods.payment_methods[0]
  if (gateway === undefined) return yield* Effect.dieMessage("no gateway accepts KWD here")

  const created = yield* Session.create({
    type: "e_commerce",
    amount: "20.23",
    currency_code: "KWD",
    pg_codes: [gateway.code],
    customer_phone: "+96550000000",
    order_no: `quickstart-${Date.now()}`,
  })
  yield* Console.log(`session id:   ${created.session_id}`)
  yield* Console.log(`checkout URL: ${created.checkout_url}`)

  const retrieved = yield* Session.refresh()
  const read = Option.map(retrieved, (s) => `${s.state} ${s.amount} ${s.currency_code}`)
  yield* Console.log(`retrieved:    ${Option.getOrElse(read, () => "nothing")}`)

  const updated = yield* Session.update({ amount: "25.500" })
  yield* Console.log(`updated:      ${updated.amount} ${updated.currency_code} (${updated.state})`)
})

run(program.pipe(Effect.provide(Session.layer), Effect.provide(OttuLive)))
