import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { PaymentMethods } from "../src/index.ts"
import {
  apiKey,
  configLayer,
  failureOf,
  merchantId,
  runRecorded,
  successOf,
} from "./support/setup.ts"

const path = "/b/pbl/v2/payment-methods/"

/** A `PGPaymentMethods` entry as Ottu answers it: every documented field present. */
const knet = {
  code: "knet-test",
  name: "KNET",
  is_sandbox: true,
  logo: `https://${merchantId}/media/gateway/settings/logos/knet.png`,
  wallets: [],
  payment_services: [],
  default_currency: "KWD",
  accepted_currencies: ["KWD"],
  operation: "purchase",
  operations: ["refund"],
  is_tokenizable: false,
  auto_debit_enabled: false,
  tags: ["e_commerce"],
}

const mpgs = {
  code: "mpgs-test",
  name: "Credit Card",
  is_sandbox: true,
  logo: `https://${merchantId}/media/gateway/settings/logos/mpgs.png`,
  wallets: ["ApplePay", "GooglePay"],
  payment_services: [
    { code: "apple_pay", name: "Apple Pay", name_ar: "أبل باي" },
    { code: "google_pay", name: "Google Pay", name_ar: "جوجل باي" },
  ],
  default_currency: "KWD",
  accepted_currencies: ["KWD", "USD", "SAR"],
  operation: "authorize",
  operations: ["refund", "void", "capture"],
  is_tokenizable: true,
  auto_debit_enabled: true,
  tags: ["e_commerce", "subscriptions"],
}

const answer = {
  customer_payment_methods: [{ code: "mpgs-test", name: "Credit Card" }],
  payment_methods: [knet, mpgs],
}

describe("PaymentMethods.list", () => {
  it.effect("POSTs the filters as JSON with type sandbox by default", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        PaymentMethods.list({
          plugin: "e_commerce",
          currencies: ["KWD", "USD"],
          operation: "purchase",
          pg_names: ["kpay", "mpgs"],
        }),
        { status: 200, json: answer },
      )
      expect(successOf(exit).payment_methods.map((m) => m.code)).toEqual(["knet-test", "mpgs-test"])
      expect(requests).toHaveLength(1)
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}${path}`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.contentType).toBe("application/json")
      // The configured default customer is not sent (ottu-py does not either).
      expect(req?.json).toEqual({
        plugin: "e_commerce",
        currencies: ["KWD", "USD"],
        operation: "purchase",
        pg_names: ["kpay", "mpgs"],
        type: "sandbox",
      })
    }),
  )

  it.effect("sends type production when the configuration says so", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        PaymentMethods.list({ plugin: "payment_request" }),
        { status: 200, json: answer },
        configLayer({ environment: "production" }),
      )
      expect(requests[0]?.json).toEqual({ plugin: "payment_request", type: "production" })
    }),
  )

  it.effect("sends an explicit tokenizable: false and the other filters given", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        PaymentMethods.list({
          plugin: "e_commerce",
          customer_id: "cust-7",
          tokenizable: false,
          auto_debit: false,
          tags: ["subscriptions", "retail"],
          payment_services: ["apple_pay"],
        }),
        { status: 200, json: answer },
      )
      expect(requests[0]?.json).toEqual({
        plugin: "e_commerce",
        customer_id: "cust-7",
        tokenizable: false,
        auto_debit: false,
        tags: ["subscriptions", "retail"],
        payment_services: ["apple_pay"],
        type: "sandbox",
      })
    }),
  )

  it.effect("decodes the answer and keeps unknown fields", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(PaymentMethods.list({ plugin: "e_commerce" }), {
        status: 200,
        json: {
          ...answer,
          payment_methods: [{ ...mpgs, fee_rules: { percent: "2.5" } }],
          next_page: null,
        },
      })
      const result = successOf(exit)
      expect(result.payment_methods).toHaveLength(1)
      const method = result.payment_methods[0]
      expect(method?.code).toBe("mpgs-test")
      expect(method?.name).toBe("Credit Card")
      expect(method?.is_tokenizable).toBe(true)
      expect(method?.auto_debit_enabled).toBe(true)
      expect(method?.operation).toBe("authorize")
      expect(method?.operations).toEqual(["refund", "void", "capture"])
      expect(method?.accepted_currencies).toEqual(["KWD", "USD", "SAR"])
      expect(method?.wallets).toEqual(["ApplePay", "GooglePay"])
      expect(method?.payment_services).toEqual(mpgs.payment_services)
      expect(method?.tags).toEqual(["e_commerce", "subscriptions"])
      expect(method?.fee_rules).toEqual({ percent: "2.5" })
      expect(result.next_page).toBeNull()
      expect(result.customer_payment_methods).toEqual([{ code: "mpgs-test", name: "Credit Card" }])
    }),
  )

  it.effect("defaults customer_payment_methods to [] when absent", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(PaymentMethods.list({ plugin: "e_commerce" }), {
        status: 200,
        json: { payment_methods: [knet] },
      })
      const result = successOf(exit)
      expect(result.customer_payment_methods).toEqual([])
      expect(result.payment_methods.map((m) => m.code)).toEqual(["knet-test"])
    }),
  )

  it.effect("an answer without payment_methods is a decode error", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(PaymentMethods.list({ plugin: "e_commerce" }), {
        status: 200,
        json: { customer_payment_methods: [] },
      })
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuDecodeError")
      expect(error).toMatchObject({ method: "POST", path, status: 200 })
    }),
  )

  const rejected: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["an invalid currency", { plugin: "e_commerce", currencies: ["KWD", "KWX"] }, "currencies.1"],
    ["an unknown plugin", { plugin: "shop" }, "plugin"],
    ["a missing plugin", { currencies: ["KWD"] }, "plugin"],
    ["an unknown operation", { plugin: "e_commerce", operation: "refund" }, "operation"],
    ["an unknown filter", { plugin: "e_commerce", curencies: ["KWD"] }, "curencies"],
    [
      "a customer_id over 64 characters",
      { plugin: "e_commerce", customer_id: "c".repeat(65) },
      "customer_id",
    ],
  ]
  for (const [name, params, field] of rejected) {
    it.effect(`rejects ${name} before sending anything`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(
          PaymentMethods.list(params as unknown as typeof PaymentMethods.ListParams.Encoded),
          { status: 200, json: answer },
        )
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(error.issues.map((i) => i.field)).toContain(field)
          expect(error.method).toBe("POST")
          expect(error.path).toBe(path)
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("a 403 answer gives OttuForbiddenError", () =>
    Effect.gen(function* () {
      const detail = "You do not have permission to perform this action."
      const { exit, requests } = yield* runRecorded(PaymentMethods.list({ plugin: "e_commerce" }), {
        status: 403,
        json: { detail },
      })
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuForbiddenError")
      expect(error).toMatchObject({ status: 403, method: "POST", path, detail, body: { detail } })
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("a 400 answer gives OttuBadRequestError with the field errors", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(PaymentMethods.list({ plugin: "e_commerce" }), {
        status: 400,
        json: { plugin: ['"e_commerce" is not enabled.'] },
      })
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError") {
        expect(error.errors).toEqual({ plugin: ['"e_commerce" is not enabled.'] })
      }
    }),
  )
})
