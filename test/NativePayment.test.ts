/**
 * Native payments: the request each sends (held to the contract), the payment data sent exactly
 * as given and never seen in logs, spans or errors, how answers and refusals map, and the
 * sandbox's routes (state, webhook events, gateway choice, validation) and tracking.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import { Checkout, NativePayment, OttuSandbox, Raw } from "../src/index.ts"
import { makeRecorder, type Recorded, type Reply } from "./support/recording.ts"
import { onSandbox, sandboxConfig, sandboxKey } from "./support/sandbox.ts"
import {
  apiKey,
  configLayer,
  failureOf,
  merchantId,
  runRecorded,
  successOf,
} from "./support/setup.ts"
import { trackedSandbox } from "./support/store.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const applePath = "/b/pbl/v2/payment/apple-pay/"
const googlePath = "/b/pbl/v2/payment/google-pay/"
const walletPath = "/b/pbl/v2/payment/wallet/"

/** A text that must never leave the request body: in no log, span or error. */
const marker = "PAYMENT-DATA-7f3a91c2"

/** Freezes a value and everything in it, so a test fails if the SDK writes into the payload. */
const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

/** An Apple Pay token with a field the spec does not name and keys in Apple's order. */
const appleToken = (data = `enc-${marker}`) =>
  deepFreeze({
    paymentData: {
      version: "EC_v1",
      data,
      signature: `sig-${marker}`,
      header: {
        ephemeralPublicKey: "MFkwEwYHKoZIzj0CAQ",
        publicKeyHash: "LbsUwAT6w1JV9tFXocU813TCHks+LSuFF0R/eBkrWnQ=",
        transactionId: "4b4a3ac1c6c4bd8a",
        applicationData: "not-in-the-spec",
      },
    },
    paymentMethod: { displayName: "Visa 0492", network: "Visa", type: "debit" },
    transactionIdentifier: "4B4A3AC1C6C4BD8A",
  })

const googleData = (token = `tok-${marker}`) =>
  deepFreeze({
    apiVersion: 2,
    apiVersionMinor: 0,
    paymentMethodData: {
      type: "CARD",
      description: "Visa •••• 1234",
      info: { cardNetwork: "VISA", cardDetails: "1234" },
      tokenizationData: { type: "PAYMENT_GATEWAY", token },
    },
    email: "payer@example.com",
  })

/** The payment payload Ottu answers (the payment webhook's shape). */
const payment = (fields: Record<string, unknown> = {}) => ({
  agreement: null,
  amount: "20.230",
  amount_details: { amount: "20.230", currency_code: "KWD", fee: "0.000", total: "20.230" },
  card_acceptance_criteria: { min_expiry_time: 30 },
  currency_code: "KWD",
  customer_address_country: "KW",
  fee: "0.000 KWD",
  gateway_account: "credit-card",
  gateway_name: "mpgs",
  gateway_response: { result: "SUCCESS" },
  message: "successful payment",
  paid_amount: 20.23,
  pg_params: { card_type: "Visa" },
  reference_number: "staging9QZ1X2",
  remaining_amount: 0,
  result: "success",
  session_id: id,
  settled_amount: 20.23,
  signature: "0a1b2c",
  state: "paid",
  timestamp_utc: "2026-12-01 10:00:00",
  ...fields,
})

const challenge = {
  status: "3DS",
  reference_number: "staging9QZ1X3",
  form_of_payment: "google_pay",
  challenge_occurred: true,
  method: "iframe",
  html: "<form id='3ds'></form>",
  ws_url: "wss://merchant.ottu.test/ws/3ds/abc/",
}

const ok = (fields: Record<string, unknown> = {}): Reply => ({
  status: 200,
  json: payment(fields),
})

describe("NativePayment.applePay", () => {
  it.effect("POSTs the token exactly as given, with the session and gateway", () =>
    Effect.gen(function* () {
      const token = appleToken()
      const { exit, requests } = yield* runRecorded(
        NativePayment.applePay({ session_id: id, pg_code: "credit-card", payload: token }),
        ok({ brand_new_field: 1 }),
      )
      const paid = successOf(exit)
      expect(paid.result).toBe("success")
      expect(paid.paid_amount).toBe("20.23")
      expect(paid.brand_new_field).toBe(1)
      expect(requests).toHaveLength(1)
      const req = requests[0] as Recorded
      expect(req.method).toBe("POST")
      expect(req.url.href).toBe(`https://${merchantId}${applePath}`)
      expect(req.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req.contentType).toBe("application/json")
      // The very bytes of the caller's object: unknown fields kept, keys in their order.
      expect(req.text).toBe(
        JSON.stringify({ session_id: id, pg_code: "credit-card", payload: token }),
      )
    }),
  )

  it.effect("without pg_code the body has none; a null pg_code is sent as null", () =>
    Effect.gen(function* () {
      const token = appleToken()
      const none = yield* runRecorded(
        NativePayment.applePay({ session_id: id, payload: token }),
        ok(),
      )
      expect(none.requests[0]?.json).toEqual({ session_id: id, payload: token })
      const nulled = yield* runRecorded(
        NativePayment.applePay({ session_id: id, pg_code: null, payload: token }),
        ok(),
      )
      expect(nulled.requests[0]?.json).toEqual({ session_id: id, pg_code: null, payload: token })
    }),
  )

  it.effect("a declined payment is an OttuOperationFailedError holding the answer", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(
        NativePayment.applePay({ session_id: id, payload: appleToken() }),
        ok({ result: "failed", state: "attempted", message: "Insufficient funds" }),
      )
      const error = failureOf(exit)
      expect(error).toMatchObject({
        _tag: "OttuOperationFailedError",
        method: "POST",
        path: applePath,
        status: 200,
        result: "failed",
        detail: "Insufficient funds",
        body: { state: "attempted" },
      })
    }),
  )

  it.effect("a pending payment is an answer", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(
        NativePayment.applePay({ session_id: id, payload: appleToken() }),
        ok({ result: "pending", state: "pending" }),
      )
      expect(successOf(exit).result).toBe("pending")
    }),
  )

  it.effect("Ottu's refusals and statuses are typed errors", () =>
    Effect.gen(function* () {
      const call = NativePayment.applePay({ session_id: id, payload: appleToken() })
      const refused = yield* runRecorded(call, {
        status: 400,
        json: { detail: "Apple Pay is not enabled for this merchant.", result: "failed" },
      })
      expect(failureOf(refused.exit)).toMatchObject({
        _tag: "OttuBadRequestError",
        status: 400,
        detail: "Apple Pay is not enabled for this merchant.",
      })
      const fields = yield* runRecorded(call, {
        status: 400,
        json: { session_id: ["This field is required."] },
      })
      expect(failureOf(fields.exit)).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: { session_id: ["This field is required."] },
      })
      const denied = yield* runRecorded(call, { status: 401, json: { detail: "No key." } })
      expect(failureOf(denied.exit)).toMatchObject({ _tag: "OttuUnauthorizedError" })
      const broken = yield* runRecorded(call, { status: 200, text: "<html>" })
      expect(failureOf(broken.exit)).toMatchObject({ _tag: "OttuDecodeError" })
    }),
  )

  it.effect("is never re-sent, even with retries on and a transient failure", () =>
    Effect.gen(function* () {
      for (const status of [502, 503, 504]) {
        const { exit, requests } = yield* runRecorded(
          NativePayment.applePay({ session_id: id, payload: appleToken() }),
          { status, json: {} },
          configLayer({ retry: { times: 5, base: "1 millis" } }),
        )
        expect(failureOf(exit)).toMatchObject({ _tag: "OttuServerError", status })
        expect(requests).toHaveLength(1)
      }
    }),
  )

  it.effect("a token without Ottu's required fields is refused by field, nothing sent", () =>
    Effect.gen(function* () {
      const { paymentData, ...rest } = appleToken()
      const { header, ...data } = paymentData
      const { publicKeyHash: _, ...partialHeader } = header
      const token = {
        ...rest,
        paymentData: { ...data, header: partialHeader, version: { secret: marker } },
      }
      const { exit, requests } = yield* runRecorded(
        // biome-ignore lint/suspicious/noExplicitAny: a token as a JavaScript caller might pass it
        NativePayment.applePay({ session_id: id, payload: token as any }),
        ok(),
      )
      const error = failureOf(exit)
      expect(requests).toHaveLength(0)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag !== "OttuInvalidInputError") return
      expect(error.issues.map((i) => i.field).sort()).toEqual([
        "payload.paymentData.header.publicKeyHash",
        "payload.paymentData.version",
      ])
      // The value is not echoed: the rule is named, the payment data is not.
      expect(JSON.stringify(error)).not.toContain(marker)
      expect(error.message).not.toContain(marker)
    }),
  )

  it.effect("bad session ids, unknown fields and a missing payload send nothing", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ session_id: "a/b", payload: appleToken() }, "session_id"],
        [{ session_id: id, payload: appleToken(), amount: "1.000" }, "amount"],
        [{ session_id: id }, "payload"],
        [{ session_id: id, pg_code: "", payload: appleToken() }, "pg_code"],
        [{ session_id: id, payload: `raw ${marker}` }, "payload"],
      ]
      for (const [params, field] of cases) {
        const { exit, requests } = yield* runRecorded(
          // biome-ignore lint/suspicious/noExplicitAny: input as a JavaScript caller might pass it
          NativePayment.applePay(params as any),
          ok(),
        )
        expect(requests).toHaveLength(0)
        const error = failureOf(exit)
        expect(error).toMatchObject({ _tag: "OttuInvalidInputError", path: applePath })
        expect(JSON.stringify(error)).toContain(field)
        expect(JSON.stringify(error)).not.toContain(marker)
      }
    }),
  )
})

describe("NativePayment.googlePay", () => {
  it.effect("POSTs the PaymentData as given and answers the payment", () =>
    Effect.gen(function* () {
      const data = googleData()
      const { exit, requests } = yield* runRecorded(
        NativePayment.googlePay({ session_id: id, pg_code: "credit-card", payload: data }),
        ok(),
      )
      const answer = successOf(exit)
      expect(NativePayment.isChallenge(answer)).toBe(false)
      expect(answer.result).toBe("success")
      expect(requests[0]?.url.pathname).toBe(googlePath)
      expect(requests[0]?.text).toBe(
        JSON.stringify({ session_id: id, pg_code: "credit-card", payload: data }),
      )
    }),
  )

  it.effect("a 3-D Secure challenge is an answer, told apart by isChallenge", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(
        NativePayment.googlePay({ session_id: id, payload: googleData() }),
        { status: 200, json: challenge },
      )
      const answer = successOf(exit)
      expect(NativePayment.isChallenge(answer)).toBe(true)
      if (NativePayment.isChallenge(answer)) {
        expect(answer.method).toBe("iframe")
        expect(answer.html).toBe(challenge.html)
      }
    }),
  )

  it.effect("a declined Google Pay payment is an OttuOperationFailedError", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(
        NativePayment.googlePay({ session_id: id, payload: googleData() }),
        ok({ result: "failed", message: "Declined" }),
      )
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuOperationFailedError",
        path: googlePath,
        result: "failed",
      })
    }),
  )

  it.effect("PaymentData without its required fields is refused, nothing sent", () =>
    Effect.gen(function* () {
      const { paymentMethodData, ...rest } = googleData()
      const { exit, requests } = yield* runRecorded(
        NativePayment.googlePay({
          session_id: id,
          // biome-ignore lint/suspicious/noExplicitAny: data as a JavaScript caller might pass it
          payload: { ...rest, apiVersion: marker } as any,
        }),
        ok(),
      )
      expect(requests).toHaveLength(0)
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag !== "OttuInvalidInputError") return
      expect(error.issues.map((i) => i.field).sort()).toEqual([
        "payload.apiVersion",
        "payload.paymentMethodData",
      ])
      expect(JSON.stringify(error)).not.toContain(marker)
      expect(paymentMethodData.type).toBe("CARD")
    }),
  )
})

describe("NativePayment.wallet", () => {
  it.effect("POSTs the session alone, or with the payload as given", () =>
    Effect.gen(function* () {
      const bare = yield* runRecorded(NativePayment.wallet({ session_id: id }), ok())
      expect(successOf(bare.exit).result).toBe("success")
      expect(bare.requests[0]?.url.pathname).toBe(walletPath)
      expect(bare.requests[0]?.json).toEqual({ session_id: id })
      const payload = deepFreeze({ note: "x", nested: { a: [1, 2] } })
      const given = yield* runRecorded(NativePayment.wallet({ session_id: id, payload }), ok())
      expect(given.requests[0]?.text).toBe(JSON.stringify({ session_id: id, payload }))
    }),
  )

  it.effect("a payload that is not an object is refused, nothing sent", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        // biome-ignore lint/suspicious/noExplicitAny: input as a JavaScript caller might pass it
        NativePayment.wallet({ session_id: id, payload: [marker] as any }),
        ok(),
      )
      expect(requests).toHaveLength(0)
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuInvalidInputError", path: walletPath })
      expect(JSON.stringify(failureOf(exit))).not.toContain(marker)
    }),
  )
})

describe("the payment data stays out of telemetry", () => {
  it.effect("no log line, span or error of any outcome holds it", () =>
    Effect.gen(function* () {
      const replies: ReadonlyArray<Reply> = [
        ok(),
        ok({ result: "failed", message: "Declined" }),
        { status: 400, json: { detail: "Refused", result: "failed" } },
        { status: 503, json: {} },
        { status: 200, text: "not json" },
        { status: 200, json: challenge },
      ]
      for (const reply of replies) {
        const recorder = yield* makeRecorder(() => reply)
        const layer = Layer.merge(configLayer(), recorder.layer)
        const calls = [
          NativePayment.applePay({ session_id: id, payload: appleToken() }),
          NativePayment.googlePay({ session_id: id, payload: googleData() }),
          NativePayment.wallet({ session_id: id, payload: { token: marker } }),
        ]
        for (const call of calls) {
          const { exit, spans, lines } = yield* captureTelemetry(
            Effect.tapErrorCause(call, Effect.logError).pipe(Effect.provide(layer)),
          )
          const seen = JSON.stringify({
            spans: spans.map((s) => ({
              name: s.name,
              attributes: [...s.attributes],
              events: s.events,
              exit: String(s.exit),
            })),
            lines,
            exit: String(exit),
            json: exit._tag === "Failure" ? JSON.stringify(exit.cause) : "",
          })
          expect(seen).not.toContain(marker)
          expect(spans.map((s) => s.name)).toContainEqual(
            expect.stringMatching(/^Ottu\.NativePayment\./),
          )
        }
      }
      // And the recorder did see it: the marker was sent.
      const { requests } = yield* runRecorded(
        NativePayment.applePay({ session_id: id, payload: appleToken() }),
        ok(),
      )
      expect(requests[0]?.text).toContain(marker)
    }),
  )

  it.effect("spans name the session and the gateway", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => ok())
      const { spans } = yield* captureTelemetry(
        NativePayment.applePay({
          session_id: id,
          pg_code: "credit-card",
          payload: appleToken(),
        }).pipe(Effect.provide(Layer.merge(configLayer(), recorder.layer))),
      )
      const span = spans.find((s) => s.name === "Ottu.NativePayment.applePay")
      expect(span?.attributes.get("ottu.session_id")).toBe(id)
      expect(span?.attributes.get("ottu.pg_code")).toBe("credit-card")
      expect(span?.attributes.get("http.route")).toBe(applePath)
    }),
  )
})

const order = (pg_codes: ReadonlyArray<string>, fields: Record<string, unknown> = {}) =>
  Checkout.create({
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: [...pg_codes],
    ...fields,
  })

const stateOf = (sessionId: string) =>
  Effect.map(OttuSandbox.session(sessionId), (found) => Option.getOrThrow(found).state)

describe("the sandbox's native payment routes", () => {
  it.effect("Apple Pay pays the session, logs the payment webhook, and a read shows it", () =>
    Effect.gen(function* () {
      const created = yield* order(["knet", "credit-card"], {
        webhook_url: "https://merchant.example/hooks",
      })
      const paid = yield* NativePayment.applePay({
        session_id: created.session_id,
        payload: appleToken(),
      })
      expect(paid).toMatchObject({
        session_id: created.session_id,
        result: "success",
        state: "paid",
        gateway_account: "credit-card",
      })
      expect(yield* stateOf(created.session_id)).toBe("paid")
      expect((yield* Checkout.retrieve(created.session_id)).state).toBe("paid")
      const event = (yield* OttuSandbox.events).at(-1)
      expect(event).toMatchObject({
        kind: "payment",
        session_id: created.session_id,
        webhook_url: "https://merchant.example/hooks",
        payload: { result: "success", state: "paid" },
      })
      expect(JSON.stringify(event)).not.toContain(marker)
      // A paid session takes no second payment.
      const again = failureOf(
        yield* Effect.exit(
          NativePayment.applePay({ session_id: created.session_id, payload: appleToken() }),
        ),
      )
      expect(again).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "The payment transaction is paid; it can no longer be paid.",
      })
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("the decline token declines: a typed failure, the session attempted, a webhook", () =>
    Effect.gen(function* () {
      const created = yield* order(["credit-card"])
      const declined = failureOf(
        yield* Effect.exit(
          NativePayment.applePay({
            session_id: created.session_id,
            payload: appleToken(OttuSandbox.declinedPaymentToken),
          }),
        ),
      )
      expect(declined).toMatchObject({
        _tag: "OttuOperationFailedError",
        result: "failed",
        body: { state: "attempted", session_id: created.session_id },
      })
      expect(yield* stateOf(created.session_id)).toBe("attempted")
      expect((yield* OttuSandbox.events).at(-1)).toMatchObject({
        kind: "payment",
        payload: { result: "failed" },
      })
      // The payer tries again with another card: paid.
      const paid = yield* NativePayment.applePay({
        session_id: created.session_id,
        payload: appleToken(),
      })
      expect(paid.state).toBe("paid")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("the gateway: named, the only one with the wallet, or refused", () =>
    Effect.gen(function* () {
      const knet = yield* order(["knet"])
      expect(
        failureOf(
          yield* Effect.exit(
            NativePayment.applePay({ session_id: knet.session_id, payload: appleToken() }),
          ),
        ),
      ).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "None of the payment transaction's gateways offers Apple Pay.",
      })
      const two = yield* order(["credit-card", "ottu_sandbox"])
      expect(
        failureOf(
          yield* Effect.exit(
            NativePayment.applePay({ session_id: two.session_id, payload: appleToken() }),
          ),
        ),
      ).toMatchObject({ _tag: "OttuBadRequestError", errors: { pg_code: [expect.any(String)] } })
      expect(
        failureOf(
          yield* Effect.exit(
            NativePayment.applePay({
              session_id: two.session_id,
              pg_code: "knet",
              payload: appleToken(),
            }),
          ),
        ),
      ).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "knet is not one of the payment transaction's pg_codes.",
      })
      // ottu_sandbox has Apple Pay but not Google Pay.
      expect(
        failureOf(
          yield* Effect.exit(
            NativePayment.googlePay({
              session_id: two.session_id,
              pg_code: "ottu_sandbox",
              payload: googleData(),
            }),
          ),
        ),
      ).toMatchObject({ detail: "ottu_sandbox does not offer Google Pay." })
      const paid = yield* NativePayment.applePay({
        session_id: two.session_id,
        pg_code: "ottu_sandbox",
        payload: appleToken(),
      })
      expect(paid).toMatchObject({ state: "paid", gateway_account: "ottu_sandbox" })
      const google = yield* NativePayment.googlePay({
        session_id: (yield* order(["ottu_sandbox", "credit-card"])).session_id,
        payload: googleData(),
      })
      expect(google).toMatchObject({ state: "paid", gateway_account: "credit-card" })
      const unknown = failureOf(
        yield* Effect.exit(NativePayment.applePay({ session_id: "nope", payload: appleToken() })),
      )
      expect(unknown).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: { session_id: [expect.any(String)] },
      })
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("a wallet payment needs the customer; on an authorize gateway it authorizes", () =>
    Effect.gen(function* () {
      // Created raw: the SDK would fill in the configured customer.
      const anonymous = yield* Raw.request("POST", "/b/checkout/v1/pymt-txn/", {
        body: { type: "e_commerce", amount: "20.230", currency_code: "KWD", pg_codes: ["knet"] },
      })
      const anonymousId = String((anonymous as { session_id: string }).session_id)
      expect(
        failureOf(yield* Effect.exit(NativePayment.wallet({ session_id: anonymousId }))),
      ).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "The payment transaction has no customer_id: the wallet is found through it.",
      })
      const created = yield* order(["mpgs-authorize"])
      const paid = yield* NativePayment.wallet({ session_id: created.session_id })
      expect(paid).toMatchObject({ result: "success", state: "authorized", customer_id: "cust-7" })
      expect(yield* stateOf(created.session_id)).toBe("authorized")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("the wallet declines on the token in its payload", () =>
    Effect.gen(function* () {
      const created = yield* order(["knet"], { customer_id: "cust-7" })
      const declined = failureOf(
        yield* Effect.exit(
          NativePayment.wallet({
            session_id: created.session_id,
            payload: { note: OttuSandbox.declinedPaymentToken },
          }),
        ),
      )
      expect(declined).toMatchObject({ _tag: "OttuOperationFailedError", result: "failed" })
      expect(yield* stateOf(created.session_id)).toBe("attempted")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("validates bodies as Ottu does (sent raw, past the SDK's own checks)", () =>
    Effect.gen(function* () {
      const created = yield* order(["credit-card"])
      const { paymentData, ...rest } = appleToken()
      const { header, ...data } = paymentData
      const { transactionId: _, ...partial } = header
      const refused = failureOf(
        yield* Effect.exit(
          Raw.request("POST", applePath, {
            body: {
              session_id: created.session_id,
              payload: { ...rest, paymentData: { ...data, header: partial } },
            },
          }),
        ),
      )
      expect(refused).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: { payload: ["paymentData.header.transactionId: This field is required."] },
      })
      const missing = failureOf(
        yield* Effect.exit(Raw.request("POST", googlePath, { body: { payload: "x" } })),
      )
      expect(missing).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: {
          session_id: ["This field is required."],
          payload: [expect.stringContaining("Expected a dictionary")],
        },
      })
      expect(yield* stateOf(created.session_id)).toBe("created")
    }).pipe(
      Effect.provide(
        Layer.merge(sandboxConfig(), OttuSandbox.layerWithControl({ apiKey: sandboxKey })),
      ),
    ),
  )
})

describe("tracking", () => {
  it.effect("a native payment saves its payment under the session", () =>
    Effect.gen(function* () {
      const created = yield* order(["credit-card"])
      yield* NativePayment.applePay({ session_id: created.session_id, payload: appleToken() })
      const stored = Option.getOrThrow(yield* CheckoutStore.get(created.session_id))
      expect(stored.state).toBe("paid")
    }).pipe(Effect.provide(trackedSandbox().pipe(Layer.provideMerge(CheckoutStore.layerMemory)))),
  )

  it.effect("a 3-D Secure challenge saves nothing", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => ({ status: 200, json: challenge }))
      const program = Effect.gen(function* () {
        const answer = yield* NativePayment.googlePay({ session_id: id, payload: googleData() })
        expect(NativePayment.isChallenge(answer)).toBe(true)
        return yield* CheckoutStore.get(id)
      })
      const stored = yield* program.pipe(
        Effect.provide(
          Layer.mergeAll(configLayer(), recorder.layer, CheckoutStore.tracking).pipe(
            Layer.provideMerge(CheckoutStore.layerMemory),
          ),
        ),
      )
      expect(stored).toEqual(Option.none())
    }),
  )
})
