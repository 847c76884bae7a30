/**
 * The sandbox as a web handler, served by the running runtime's own server (Bun.serve,
 * Deno.serve or node:http), and the SDK talking to it over a real socket with the fetch client.
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig } from "../../src/index.ts"
import { checkoutRoundTrip, serveSandboxForTests } from "../support/serve.ts"
import { failureOf } from "../support/setup.ts"

const key = Redacted.make("served-sandbox-key")
const served = serveSandboxForTests({ apiKey: key, host: "pay.example.test" })

const overSocket = (auth = OttuAuth.apiKey(key)) =>
  Layer.merge(
    OttuConfig.layer({ merchantId: "pay.example.test", auth, baseUrl: served().url }),
    FetchHttpClient.layer,
  )

describe("the sandbox served by the runtime", () => {
  it("runs on the runtime that runs the tests", () => {
    const expected = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node"
    expect(served().runtime).toBe(expected)
  })

  it.effect("answers the SDK over a real socket", () =>
    Effect.gen(function* () {
      const created = yield* checkoutRoundTrip
      expect(created.checkout_url).toContain("https://pay.example.test/")
    }).pipe(Effect.provide(overSocket())),
  )

  it.effect("refuses a wrong key with an OttuUnauthorizedError", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Checkout.retrieve("0".repeat(40)))
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuUnauthorizedError", status: 401 })
    }).pipe(Effect.provide(overSocket(OttuAuth.apiKey(Redacted.make("nope"))))),
  )
})
