/**
 * What `Checkout` adds to or refuses in the caller's input before sending: the configured
 * `webhookUrl`, the default `payment_type`, and known fields smuggled through `extraFields`.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigError, Effect, Redacted } from "effect"
import * as Schemas from "../src/Checkout/schemas.ts"
import { Checkout, OttuAuth, OttuConfig } from "../src/index.ts"
import {
  configLayer,
  failureOf,
  minimalCheckout,
  runRecorded,
  sessionBody,
  successOf,
} from "./support/setup.ts"

const minimal = minimalCheckout

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const hook = "https://shop.example/ottu/webhook"
const withHook = configLayer({ webhookUrl: hook })
const created = { status: 201, json: sessionBody() } as const
const auth = OttuAuth.apiKey(Redacted.make("k"))

describe("extraFields", () => {
  const smuggled: ReadonlyArray<Record<string, unknown>> = [
    { amount: "1e3" },
    { webhook_url: "javascript:alert(1)" },
    { redirect_url: "javascript:alert(1)" },
    { payment_type: "auto_debit" },
    { customer_id: "someone-else" },
    { attachment: "x" },
    { mode: "hosted_page", currency_code: "XXX" },
  ]

  it.effect("refuses a known field even when it is not also given directly", () =>
    Effect.gen(function* () {
      for (const extraFields of smuggled) {
        const key = Object.keys(extraFields).find((k) => k !== "mode")
        for (const call of [
          Checkout.create({ ...minimal, extraFields }),
          Checkout.replace(id, { ...minimal, extraFields }),
          Checkout.update(id, { extraFields }),
        ]) {
          const { exit, requests } = yield* runRecorded(call, created)
          const error = failureOf(exit)
          expect(error._tag, key).toBe("OttuInvalidInputError")
          expect(
            error._tag === "OttuInvalidInputError" && error.issues.map((i) => i.field),
            key,
          ).toEqual([`extraFields.${key}`])
          expect(requests, key).toHaveLength(0)
        }
      }
    }),
  )

  it.effect("still sends fields the SDK does not know", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Checkout.update(id, { extraFields: { mode: "hosted_page" } }),
        { status: 200, json: sessionBody() },
      )
      expect(requests[0]?.json).toEqual({ mode: "hosted_page" })
    }),
  )

  it("knows every field of the params schemas", () => {
    for (const key of Object.keys(Schemas.CreateParams.from.fields)) {
      expect(Schemas.isKnownField(key), key).toBe(true)
    }
    for (const key of Object.keys(Schemas.UpdateParams.from.fields)) {
      expect(Schemas.isKnownField(key), key).toBe(true)
    }
    expect(Schemas.isKnownField("mode")).toBe(false)
    expect(Schemas.isKnownField("toString")).toBe(false)
  })
})

describe("payment_type", () => {
  it.effect("create sends one_off when none is given, as ottu-py", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(Checkout.create(minimal), created)
      expect(requests[0]?.json).toMatchObject({ payment_type: "one_off" })
    }),
  )

  it.effect("create keeps the payment_type given", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Checkout.create({ ...minimal, amount: "0", payment_type: "save_card" }),
        created,
      )
      expect(requests[0]?.json).toMatchObject({ payment_type: "save_card" })
    }),
  )

  it.effect("the default is checked like a given one", () =>
    Effect.gen(function* () {
      // one_off with an agreement is refused: the default takes part in the cross-field rules.
      const { exit, requests } = yield* runRecorded(
        Checkout.create({ ...minimal, agreement: { id: "agr-1" } }),
        created,
      )
      expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
      expect(requests).toHaveLength(0)
    }),
  )
})

describe("OttuConfig.webhookUrl", () => {
  it.effect("create and replace send it when the input has no webhook_url", () =>
    Effect.gen(function* () {
      const create = yield* runRecorded(Checkout.create(minimal), created, withHook)
      expect(successOf(create.exit).session_id).toBe(id)
      expect(create.requests[0]?.json).toMatchObject({ webhook_url: hook })
      const replace = yield* runRecorded(
        Checkout.replace(id, minimal),
        { status: 200, json: sessionBody() },
        withHook,
      )
      expect(replace.requests[0]?.json).toMatchObject({ webhook_url: hook })
    }),
  )

  it.effect("the input's webhook_url wins", () =>
    Effect.gen(function* () {
      const own = "https://shop.example/other"
      const { requests } = yield* runRecorded(
        Checkout.create({ ...minimal, webhook_url: own }),
        created,
        withHook,
      )
      expect(requests[0]?.json).toMatchObject({ webhook_url: own })
    }),
  )

  it.effect("update (PATCH) does not add it", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Checkout.update(id, { amount: "1.000" }),
        { status: 200, json: sessionBody() },
        withHook,
      )
      expect(requests[0]?.json).toEqual({ amount: "1.000" })
    }),
  )

  it.effect("nothing is added without it", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(Checkout.create(minimal), created)
      expect(requests[0]?.json).not.toHaveProperty("webhook_url")
    }),
  )

  it.effect("a value Checkout would refuse is refused by the configuration already", () =>
    Effect.gen(function* () {
      const long = `https://shop.example/${"a".repeat(2000)}`
      const direct = yield* runRecorded(Checkout.create({ ...minimal, webhook_url: long }), created)
      expect(failureOf(direct.exit)._tag).toBe("OttuInvalidInputError")
      const configured = yield* Effect.exit(
        OttuConfig.make({ merchantId: "m.ottu.test", auth, webhookUrl: long }),
      )
      expect(ConfigError.isConfigError(failureOf(configured))).toBe(true)
    }),
  )
})

describe("module layout", () => {
  it("Checkout re-exports the schemas of Checkout/schemas.ts", () => {
    expect(Checkout.CreateParams).toBe(Schemas.CreateParams)
    expect(Checkout.UpdateParams).toBe(Schemas.UpdateParams)
    expect(Checkout.CheckoutSession).toBe(Schemas.CheckoutSession)
    expect(Checkout.UploadedAttachment).toBe(Schemas.UploadedAttachment)
    expect(Checkout.Agreement).toBe(Schemas.Agreement)
    expect(Checkout.State).toBe(Schemas.State)
  })
})
