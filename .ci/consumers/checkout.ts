/**
 * A consumer of the packed package: creates a checkout on the embedded sandbox and prints its
 * session id. Plain JavaScript as well as TypeScript (no annotations), so the same text runs as
 * `.mjs` on Node, as `.ts` on Bun and Deno, and is type-checked by `tsc --strict`. It also checks
 * that a subpath is the entry's module and that `internal/` is not exported.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Checkout, OttuAuth, OttuConfig, OttuSandbox } from "effect-ottu"
import * as CheckoutModule from "effect-ottu/Checkout"

const apiKey = Redacted.make("consumer-api-key")

const OttuLive = Layer.merge(
  OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth: OttuAuth.apiKey(apiKey) }),
  OttuSandbox.layer({ apiKey }),
)

const internalHidden = Effect.promise(() =>
  import("effect-ottu/internal/http" + "").then(
    () => false,
    () => true,
  ),
)

const program = Effect.gen(function* () {
  if (CheckoutModule.create !== Checkout.create) {
    return yield* Effect.dieMessage("effect-ottu/Checkout is not the entry's Checkout")
  }
  if (!(yield* internalHidden)) {
    return yield* Effect.dieMessage("effect-ottu/internal/http is exported")
  }
  const session = yield* Checkout.create({
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: ["knet"],
    customer_phone: "+96550000000",
    order_no: "consumer-1",
  })
  yield* Console.log(`session id: ${session.session_id}`)
})

// A failure rejects the promise: every runtime then exits with a non-zero status.
Effect.runPromise(program.pipe(Effect.provide(OttuLive)))
