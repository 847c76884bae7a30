/**
 * The SDK against the embedded sandbox, with every request held to the official spec: the flows
 * a merchant runs, and the sandbox's refusals arriving as the SDK's typed errors.
 */

import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { Checkout, OttuAuth, OttuSandbox, PaymentMethods, Session } from "../../src/index.ts"
import { contractLayer } from "../support/recording.ts"
import { onSandbox, sandboxConfig, sandboxKey } from "../support/sandbox.ts"
import { failureOf } from "../support/setup.ts"

const key = sandboxKey
const configFor = sandboxConfig
const live = onSandbox()

const order = {
  type: "payment_request",
  amount: "12.5",
  currency_code: "KWD",
  pg_codes: [OttuSandbox.pgCodes.knet],
  customer_phone: "+96550000000",
} as const

describe("SDK on the sandbox", () => {
  it.effect("creates, retrieves, updates and replaces a session", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create(order)
      expect(created.session_id).toMatch(/^[0-9a-f]{40}$/)
      expect(created).toMatchObject({ amount: "12.500", state: "created", customer_id: "cust-7" })
      const read = yield* Checkout.retrieve(created.session_id)
      expect(read.checkout_url).toBe(created.checkout_url)
      const patched = yield* Checkout.update(created.session_id, { amount: "15.000" })
      expect(patched.amount).toBe("15.000")
      const replaced = yield* Checkout.replace(created.session_id, {
        ...order,
        amount: "9",
        pg_codes: [OttuSandbox.pgCodes.creditCard],
      })
      expect(replaced).toMatchObject({ amount: "9.000", pg_codes: ["credit-card"] })
    }).pipe(Effect.provide(live)),
  )

  it.effect("keeps the current session in the Ref through create, update and refresh", () =>
    Effect.gen(function* () {
      const created = yield* Session.create(order)
      yield* Session.update({ amount: "30.000" })
      const current = yield* Session.current
      expect(Option.map(current, (s) => [s.session_id, s.amount])).toEqual(
        Option.some([created.session_id, "30.000"]),
      )
      const refreshed = yield* Session.refresh()
      expect(Option.map(refreshed, (s) => s.amount)).toEqual(Option.some("30.000"))
    }).pipe(Effect.provide(live)),
  )

  it.effect("sends a multipart create the sandbox accepts", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create({
        ...order,
        pg_codes: [OttuSandbox.pgCodes.knet, OttuSandbox.pgCodes.creditCard],
        attachment: { name: "invoice.pdf", data: new TextEncoder().encode("%PDF") },
      })
      expect(created.pg_codes).toEqual(["knet", "credit-card"])
      expect(created.attachment).toMatch(/invoice\.pdf$/)
    }).pipe(Effect.provide(live)),
  )

  it.effect("lists payment methods for the configured environment", () =>
    Effect.gen(function* () {
      const all = yield* PaymentMethods.list({ plugin: "e_commerce", currencies: ["KWD"] })
      expect(all.payment_methods.map((m) => m.code)).toContain("knet")
      const tokenizable = yield* PaymentMethods.list({ plugin: "e_commerce", tokenizable: true })
      expect(tokenizable.payment_methods.every((m) => m.is_tokenizable === true)).toBe(true)
      expect(tokenizable.payment_methods.map((m) => m.code)).not.toContain("knet")
    }).pipe(Effect.provide(live)),
  )

  it.effect("a gateway the sandbox does not know is an OttuBadRequestError on pg_codes", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* Effect.exit(Checkout.create({ ...order, pg_codes: ["nope"] })))
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError")
        expect(Object.keys(error.errors)).toContain("pg_codes")
    }).pipe(Effect.provide(live)),
  )

  it.effect("an unknown session is an OttuNotFoundError", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* Effect.exit(Checkout.retrieve("0".repeat(40))))
      expect(error).toMatchObject({ _tag: "OttuNotFoundError", status: 404 })
    }).pipe(Effect.provide(live)),
  )

  it.effect("a wrong API key is an OttuUnauthorizedError", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* Effect.exit(Checkout.create(order)))
      expect(error).toMatchObject({ _tag: "OttuUnauthorizedError", status: 401 })
    }).pipe(
      Effect.provide(
        Layer.merge(
          configFor(OttuAuth.apiKey(Redacted.make("wrong"))),
          contractLayer(OttuSandbox.layer({ apiKey: key })),
        ),
      ),
    ),
  )

  it.effect("refuses to update a session that is no longer open", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create(order)
      yield* OttuSandbox.pay(created.session_id, { outcome: "success" })
      const error = failureOf(
        yield* Effect.exit(Checkout.update(created.session_id, { amount: "1.000" })),
      )
      expect(error._tag).toBe("OttuBadRequestError")
      expect(error).toMatchObject({ status: 400 })
    }).pipe(Effect.provide(live)),
  )
})
