import type { HttpClient } from "@effect/platform"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import { AutoDebit, Checkout, type OttuConfig, OttuError } from "../src/index.ts"
import type { Recorded, Reply } from "./support/recording.ts"
import {
  apiKey,
  merchantId,
  runFailed,
  runRecorded,
  sessionBody,
  successOf,
} from "./support/setup.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const token = "9923965822244314"
const methodsPath = "/b/pbl/v2/payment-methods/"
const checkoutPath = "/b/checkout/v1/pymt-txn/"
const chargePath = "/b/pbl/v2/auto-debit/"
const cardsPath = "/b/pbl/v2/card/"
const paymentChargePath = "/b/pbl/v2/payment/auto-debit/"

const agreement = {
  id: "A123456789",
  type: "recurring",
  amount_variability: "fixed",
  start_date: "2026-12-01",
  expiry_date: "2027-12-01",
  cycle_interval_days: 30,
  total_cycles: 12,
  frequency: "monthly",
} as const

/** The payment payload of a saved-card charge. */
const payment = (fields: Record<string, unknown> = {}) => ({
  agreement,
  amount: "20.230",
  amount_details: { amount: "20.230", currency_code: "KWD", fee: "0.000", total: "20.230" },
  card_acceptance_criteria: { min_expiry_time: 30 },
  currency_code: "KWD",
  customer_address_country: "KW",
  customer_id: "cust-1",
  fee: "0.000 KWD",
  gateway_account: "credit-card",
  gateway_name: "mpgs",
  gateway_response: { result: "SUCCESS" },
  message: "successful payment",
  paid_amount: 20.23,
  payment_type: "auto_debit",
  pg_params: { auth_code: "831000" },
  reference_number: "staging9QZ1X2",
  remaining_amount: 0,
  result: "success",
  session_id: id,
  settled_amount: 20.23,
  signature: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
  state: "paid",
  timestamp_utc: "2026-12-01 10:00:00",
  token: {
    token,
    pg_code: "credit-card",
    customer_id: "cust-1",
    cvv_required: false,
    number: "**** 0008",
    brand: "MASTERCARD",
    expiry_month: "01",
    expiry_year: "39",
  },
  ...fields,
})

const method = (code: string, fields: Record<string, unknown> = {}) => ({
  code,
  name: code,
  is_sandbox: true,
  default_currency: "KWD",
  accepted_currencies: ["KWD"],
  operation: "purchase",
  operations: ["refund"],
  is_tokenizable: true,
  auto_debit_enabled: true,
  ...fields,
})

const methods = (...codes: ReadonlyArray<string>) => ({
  customer_payment_methods: [],
  payment_methods: codes.map((code) => method(code)),
})

/** The distinct fields an invalid-input error names (an optional field may be named twice). */
const fieldsOf = (error: { readonly issues: ReadonlyArray<{ readonly field: string }> }) => [
  ...new Set(error.issues.map((i) => i.field)),
]

/** Answers each endpoint with its own reply; any other path is a test failure (418). */
const router =
  (routes: {
    readonly methods?: Reply
    readonly checkout?: Reply
    readonly charge?: Reply
    readonly cards?: Reply
  }) =>
  (req: Recorded): Reply => {
    const reply =
      req.path === methodsPath
        ? routes.methods
        : req.path === checkoutPath
          ? routes.checkout
          : req.path === chargePath || req.path === paymentChargePath
            ? routes.charge
            : req.path === cardsPath
              ? routes.cards
              : undefined
    return reply ?? { status: 418, json: { detail: `unexpected ${req.method} ${req.path}` } }
  }

const happy = router({
  methods: { status: 200, json: methods("credit-card", "mpgs-recurring") },
  checkout: {
    status: 201,
    json: sessionBody({
      payment_type: "auto_debit",
      pg_codes: ["credit-card", "mpgs-recurring"],
      customer_id: "cust-1",
      agreement,
    }),
  },
  charge: { status: 200, json: payment() },
})

const flowInput = {
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  customer_id: "cust-1",
  agreement,
} as const

const needsSource = () => AutoDebit.autoFlow(flowInput)
const givenToken = () => AutoDebit.autoFlow({ ...flowInput, token })

describe("AutoDebit.charge", () => {
  it.effect("POSTs {session_id, token} to /b/pbl/v2/auto-debit/ by default", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(AutoDebit.charge({ session_id: id, token }), {
        status: 200,
        json: payment({ brand_new_field: [1] }),
      })
      const charged = successOf(exit)
      expect(charged.result).toBe("success")
      expect(charged.state).toBe("paid")
      expect(charged.paid_amount).toBe("20.23")
      expect(charged.settled_amount).toBe("20.23")
      expect(charged.remaining_amount).toBe("0")
      expect(charged.token?.token).toBe(token)
      expect(charged.brand_new_field).toEqual([1])
      expect(requests).toHaveLength(1)
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}${chargePath}`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.contentType).toBe("application/json")
      expect(req?.json).toEqual({ session_id: id, token })
    }),
  )

  it.effect("POSTs to /b/pbl/v2/payment/auto-debit/ when asked", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        AutoDebit.charge({ session_id: id, token }, { endpoint: "payment/auto-debit" }),
        { status: 200, json: payment() },
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests[0]?.url.href).toBe(`https://${merchantId}${paymentChargePath}`)
      expect(requests[0]?.json).toEqual({ session_id: id, token })
    }),
  )

  it.effect("the abbreviated answer of the native-payments guide is read", () =>
    Effect.gen(function* () {
      const answer = { result: "success", message: "successful payment", pg_response: {} }
      const { exit } = yield* runRecorded(
        AutoDebit.charge({ session_id: id, token }, { endpoint: "payment/auto-debit" }),
        { status: 200, json: answer },
      )
      expect(successOf(exit)).toEqual(answer)
    }),
  )

  it.effect("a pending charge succeeds", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(AutoDebit.charge({ session_id: id, token }), {
        status: 200,
        json: payment({ result: "pending", state: "pending", paid_amount: "0.000" }),
      })
      const charged = successOf(exit)
      expect(charged.result).toBe("pending")
      expect(charged.paid_amount).toBe("0.000")
    }),
  )

  for (const result of ["failed", "error", "canceled"]) {
    it.effect(`a 200 with result ${result} is an OttuOperationFailedError keeping the body`, () =>
      Effect.gen(function* () {
        const body = payment({ result, state: "failed", message: "Insufficient funds" })
        const { error } = yield* runFailed(AutoDebit.charge({ session_id: id, token }), {
          status: 200,
          json: body,
        })
        expect(error._tag).toBe("OttuOperationFailedError")
        if (error._tag !== "OttuOperationFailedError") return
        expect(error).toMatchObject({
          method: "POST",
          path: chargePath,
          status: 200,
          result,
          detail: "Insufficient funds",
        })
        expect(error.body).toMatchObject({ result, message: "Insufficient funds", session_id: id })
      }),
    )
  }

  it.effect("a 400 refusal is an OttuBadRequestError with Ottu's detail", () =>
    Effect.gen(function* () {
      const body = { detail: "Payment gateway does not support auto debit.", result: "failed" }
      const { error } = yield* runFailed(
        AutoDebit.charge({ session_id: id, token }, { endpoint: "payment/auto-debit" }),
        { status: 400, json: body },
      )
      expect(error).toMatchObject({
        _tag: "OttuBadRequestError",
        status: 400,
        path: paymentChargePath,
        detail: "Payment gateway does not support auto debit.",
        body,
      })
    }),
  )

  const refused: ReadonlyArray<readonly [string, unknown, string]> = [
    ["an empty token", { session_id: id, token: "" }, "token"],
    ["a token over 50 characters", { session_id: id, token: "t".repeat(51) }, "token"],
    ["a session id with a slash", { session_id: "a/b", token }, "session_id"],
    ["a missing session id", { token }, "session_id"],
    ["an unknown field", { session_id: id, token, amount: "1.000" }, "amount"],
  ]
  for (const [label, params, field] of refused) {
    it.effect(`refuses ${label} and sends nothing`, () =>
      Effect.gen(function* () {
        const { error, requests } = yield* runFailed(
          AutoDebit.charge(params as typeof AutoDebit.ChargeParams.Encoded),
          { status: 200, json: payment() },
        )
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(fieldsOf(error)).toEqual([field])
          expect(error.path).toBe(chargePath)
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }
})

describe("AutoDebit.checkout", () => {
  const input = {
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: ["credit-card"],
    customer_id: "cust-7",
    agreement,
  } as const

  it.effect("creates a checkout with payment_type auto_debit, agreement and customer", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(AutoDebit.checkout(input), {
        status: 201,
        json: sessionBody({ payment_type: "auto_debit", customer_id: "cust-7" }),
      })
      expect(successOf(exit).payment_type).toBe("auto_debit")
      expect(requests).toHaveLength(1)
      expect(requests[0]?.method).toBe("POST")
      expect(requests[0]?.path).toBe(checkoutPath)
      expect(requests[0]?.json).toEqual({ ...input, payment_type: "auto_debit" })
    }),
  )

  it.effect("overrides a payment_type smuggled in by a cast", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        AutoDebit.checkout({ ...input, payment_type: "one_off" } as AutoDebit.CheckoutInput),
        { status: 201, json: sessionBody() },
      )
      expect(requests[0]?.json).toMatchObject({ payment_type: "auto_debit" })
    }),
  )

  it.effect("refuses a checkout without an agreement id and sends nothing", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.checkout({ ...input, agreement: {} as typeof Checkout.Agreement.Encoded }),
        { status: 201, json: sessionBody() },
      )
      expect(error._tag).toBe("OttuInvalidInputError")
      expect(requests).toHaveLength(0)
    }),
  )
})

describe("AutoDebit.autoFlow", () => {
  it.effect("asks for tokenizable gateways, creates the checkout, charges the token", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        AutoDebit.autoFlow({ ...flowInput, token }),
        happy,
      )
      const { session, payment: charged } = successOf(exit)
      expect(session.session_id).toBe(id)
      expect(session.payment_type).toBe("auto_debit")
      expect(charged.result).toBe("success")
      expect(charged.paid_amount).toBe("20.23")
      expect(requests.map((r) => [r.method, r.path])).toEqual([
        ["POST", methodsPath],
        ["POST", checkoutPath],
        ["POST", chargePath],
      ])
      // Unlike ottu-py (tokenizable only), gateways that refuse auto-debit are filtered out too.
      expect(requests[0]?.json).toEqual({
        plugin: "e_commerce",
        currencies: ["KWD"],
        tokenizable: true,
        auto_debit: true,
        type: "sandbox",
      })
      expect(requests[1]?.json).toEqual({
        ...flowInput,
        pg_codes: ["credit-card", "mpgs-recurring"],
        payment_type: "auto_debit",
      })
      expect(requests[2]?.json).toEqual({ session_id: id, token })
    }),
  )

  it.effect("uses the given pg_codes without asking for payment methods", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        AutoDebit.autoFlow({ ...flowInput, pg_codes: ["credit-card"], token }),
        happy,
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests.map((r) => r.path)).toEqual([checkoutPath, chargePath])
      expect(requests[0]?.json).toMatchObject({ pg_codes: ["credit-card"] })
    }),
  )

  it.effect("takes the token from the provided TokenSource", () =>
    Effect.gen(function* () {
      const asked: Array<unknown> = []
      const { exit, requests } = yield* runRecorded(
        AutoDebit.autoFlow(flowInput).pipe(
          Effect.provideService(AutoDebit.TokenSource, {
            latest: (query) => {
              asked.push(query)
              return Effect.succeed(Option.some("from-store-777"))
            },
          }),
        ),
        happy,
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(asked).toEqual([{ customer_id: "cust-1", agreement_id: "A123456789" }])
      expect(requests.at(-1)?.json).toEqual({ session_id: id, token: "from-store-777" })
    }),
  )

  it.effect("a given token wins over the TokenSource", () =>
    Effect.gen(function* () {
      let asked = 0
      const { requests } = yield* runRecorded(
        AutoDebit.autoFlow({ ...flowInput, token }).pipe(
          Effect.provideService(AutoDebit.TokenSource, {
            latest: () => {
              asked++
              return Effect.succeed(Option.some("from-store-777"))
            },
          }),
        ),
        happy,
      )
      expect(asked).toBe(0)
      expect(requests.at(-1)?.json).toEqual({ session_id: id, token })
    }),
  )

  it("without a token, the TokenSource is a requirement of the type; with one, it is not", () => {
    type Requirements<T> = T extends Effect.Effect<infer _A, infer _E, infer R> ? R : never
    expectTypeOf<Requirements<ReturnType<typeof needsSource>>>().toEqualTypeOf<
      OttuConfig.OttuConfig | HttpClient.HttpClient | AutoDebit.TokenSource
    >()
    expectTypeOf<Requirements<ReturnType<typeof givenToken>>>().toEqualTypeOf<
      OttuConfig.OttuConfig | HttpClient.HttpClient
    >()
  })

  it.effect("a TokenSource without a token: step token, nothing sent", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow(flowInput).pipe(
          Effect.provideService(AutoDebit.TokenSource, {
            latest: () => Effect.succeedNone,
          }),
        ),
        happy,
      )
      expect(error).toMatchObject({ _tag: "OttuFlowError", flow: "auto_debit", step: "token" })
      expect(error.cause).toMatchObject({
        _tag: "OttuNoSavedTokenError",
        customer_id: "cust-1",
        agreement_id: "A123456789",
      })
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("a TokenSource that fails: step token with its error, nothing sent", () =>
    Effect.gen(function* () {
      const stored = new OttuError.OttuNoSavedTokenError({
        customer_id: "cust-1",
        agreement_id: "A123456789",
        reason: "the store is unavailable",
      })
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow(flowInput).pipe(
          Effect.provideService(AutoDebit.TokenSource, { latest: () => Effect.fail(stored) }),
        ),
        happy,
      )
      expect(error.step).toBe("token")
      expect(error.cause).toBe(stored)
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("layerCardsTokenSource takes the token of the card Ottu lists for the agreement", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        AutoDebit.autoFlow(flowInput).pipe(Effect.provide(AutoDebit.layerCardsTokenSource)),
        router({
          cards: { status: 200, json: [{ token: "card-token-1", pg_code: "credit-card" }] },
          methods: { status: 200, json: methods("credit-card") },
          checkout: { status: 201, json: sessionBody({ payment_type: "auto_debit" }) },
          charge: { status: 200, json: payment() },
        }),
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests.map((r) => r.path)).toEqual([
        cardsPath,
        methodsPath,
        checkoutPath,
        chargePath,
      ])
      expect(requests[0]?.json).toEqual({
        customer_id: "cust-1",
        agreement_id: "A123456789",
        type: "sandbox",
      })
      expect(requests[3]?.json).toEqual({ session_id: id, token: "card-token-1" })
    }),
  )

  it.effect("layerCardsTokenSource skips expired cards and cards that need the CVV", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        AutoDebit.autoFlow(flowInput).pipe(Effect.provide(AutoDebit.layerCardsTokenSource)),
        router({
          cards: {
            status: 200,
            json: [
              { token: "expired-card", is_expired: true, cvv_required: false },
              { token: "cvv-card", is_expired: false, cvv_required: true },
              { token: "usable-card", is_expired: false, cvv_required: false },
            ],
          },
          methods: { status: 200, json: methods("credit-card") },
          checkout: { status: 201, json: sessionBody({ payment_type: "auto_debit" }) },
          charge: { status: 200, json: payment() },
        }),
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests[3]?.json).toEqual({ session_id: id, token: "usable-card" })
    }),
  )

  for (const [label, bad] of [
    ["an empty token", ""],
    ["a token over 50 characters", "9".repeat(51)],
  ] as const) {
    it.effect(`${label}: step token, nothing sent (no checkout is left behind)`, () =>
      Effect.gen(function* () {
        const { error, requests } = yield* runFailed(
          AutoDebit.autoFlow({ ...flowInput, token: bad }),
          happy,
        )
        expect(error).toMatchObject({ _tag: "OttuFlowError", step: "token" })
        expect(error.cause._tag).toBe("OttuInvalidInputError")
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("empty pg_codes count as not given: the gateways are asked for", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        AutoDebit.autoFlow({ ...flowInput, pg_codes: [], token }),
        happy,
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests.map((r) => r.path)).toEqual([methodsPath, checkoutPath, chargePath])
    }),
  )

  it.effect("layerCardsTokenSource without a card: step token, only the card list sent", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow(flowInput).pipe(Effect.provide(AutoDebit.layerCardsTokenSource)),
        router({ cards: { status: 200, json: [] } }),
      )
      expect(error).toMatchObject({ _tag: "OttuFlowError", step: "token" })
      expect(error.cause).toMatchObject({
        _tag: "OttuNoSavedTokenError",
        customer_id: "cust-1",
        agreement_id: "A123456789",
      })
      expect(requests.map((r) => r.path)).toEqual([cardsPath])
    }),
  )

  it.effect("layerCardsTokenSource when the cards API fails: step token naming the failure", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow(flowInput).pipe(Effect.provide(AutoDebit.layerCardsTokenSource)),
        router({ cards: { status: 403, json: { detail: "Basic auth is not supported." } } }),
      )
      expect(error.step).toBe("token")
      expect(error.cause._tag).toBe("OttuNoSavedTokenError")
      if (error.cause._tag === "OttuNoSavedTokenError") {
        expect(error.cause.reason).toContain("cards API failed")
        expect(error.cause.reason).toContain("Basic auth is not supported.")
        expect(error.cause.reason).not.toContain(apiKey)
      }
      expect(requests.map((r) => r.path)).toEqual([cardsPath])
    }),
  )

  it.effect("no auto-debit gateway: step payment_methods with OttuNoGatewayError", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow({ ...flowInput, token }),
        router({ methods: { status: 200, json: methods() } }),
      )
      expect(error).toMatchObject({
        _tag: "OttuFlowError",
        flow: "auto_debit",
        step: "payment_methods",
      })
      expect(error.session_id).toBeUndefined()
      expect(error.cause).toBeInstanceOf(OttuError.OttuNoGatewayError)
      expect(error.cause).toMatchObject({
        plugin: "e_commerce",
        currency_code: "KWD",
        auto_debit: true,
      })
      expect(requests.map((r) => r.path)).toEqual([methodsPath])
    }),
  )

  it.effect("a failing payment-methods call: step payment_methods with its error", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow({ ...flowInput, token }),
        router({ methods: { status: 403, json: { detail: "Permission denied." } } }),
      )
      expect(error.step).toBe("payment_methods")
      expect(error.cause).toMatchObject({ _tag: "OttuForbiddenError", path: methodsPath })
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("a refused checkout: step checkout, no session, no charge", () =>
    Effect.gen(function* () {
      const body = { agreement: { id: ["An agreement with this id already exists."] } }
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow({ ...flowInput, token }),
        router({
          methods: { status: 200, json: methods("credit-card") },
          checkout: { status: 400, json: body },
        }),
      )
      expect(error).toMatchObject({ _tag: "OttuFlowError", flow: "auto_debit", step: "checkout" })
      expect(error.session_id).toBeUndefined()
      expect(error.cause).toMatchObject({
        _tag: "OttuBadRequestError",
        status: 400,
        path: checkoutPath,
        errors: { "agreement.id": ["An agreement with this id already exists."] },
      })
      expect(requests.map((r) => r.path)).toEqual([methodsPath, checkoutPath])
    }),
  )

  it.effect("a failed charge: step charge with the session id", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        AutoDebit.autoFlow({ ...flowInput, token }),
        router({
          methods: { status: 200, json: methods("credit-card") },
          checkout: { status: 201, json: sessionBody({ payment_type: "auto_debit" }) },
          charge: {
            status: 200,
            json: payment({ result: "failed", state: "failed", message: "Card expired" }),
          },
        }),
      )
      expect(error).toMatchObject({
        _tag: "OttuFlowError",
        flow: "auto_debit",
        step: "charge",
        session_id: id,
      })
      expect(error.cause).toMatchObject({
        _tag: "OttuOperationFailedError",
        result: "failed",
        detail: "Card expired",
      })
      expect(error.message).toContain(id)
      expect(requests.map((r) => r.path)).toEqual([methodsPath, checkoutPath, chargePath])
    }),
  )

  it.effect("a refused charge (400): step charge with the session id", () =>
    Effect.gen(function* () {
      const { error } = yield* runFailed(
        AutoDebit.autoFlow({ ...flowInput, pg_codes: ["credit-card"], token }),
        router({
          checkout: { status: 201, json: sessionBody({ payment_type: "auto_debit" }) },
          charge: { status: 400, json: { detail: "Invalid token.", result: "failed" } },
        }),
      )
      expect(error).toMatchObject({ step: "charge", session_id: id })
      expect(error.cause).toMatchObject({ _tag: "OttuBadRequestError", detail: "Invalid token." })
    }),
  )
})

describe("Checkout.autoFlow", () => {
  const input = { type: "payment_request", amount: "20.230", currency_code: "KWD" } as const

  it.effect("asks for the plugin's gateways (no tokenizable filter) then creates", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.autoFlow({ ...input, customer_phone: "+96550000000" }),
        router({
          methods: { status: 200, json: methods("knet", "credit-card") },
          checkout: { status: 201, json: sessionBody({ pg_codes: ["knet", "credit-card"] }) },
        }),
      )
      expect(successOf(exit).session_id).toBe(id)
      expect(requests.map((r) => [r.method, r.path])).toEqual([
        ["POST", methodsPath],
        ["POST", checkoutPath],
      ])
      expect(requests[0]?.json).toEqual({
        plugin: "payment_request",
        currencies: ["KWD"],
        type: "sandbox",
      })
      expect(requests[1]?.json).toEqual({
        ...input,
        customer_phone: "+96550000000",
        pg_codes: ["knet", "credit-card"],
        customer_id: "cust-1",
        payment_type: "one_off",
      })
    }),
  )

  it.effect("uses the given pg_codes without asking for payment methods", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.autoFlow({ ...input, pg_codes: ["knet"] }),
        router({ checkout: { status: 201, json: sessionBody() } }),
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests.map((r) => r.path)).toEqual([checkoutPath])
      expect(requests[0]?.json).toMatchObject({ pg_codes: ["knet"] })
    }),
  )

  it.effect("no gateway for the currency: step payment_methods, no checkout", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        Checkout.autoFlow(input),
        router({ methods: { status: 200, json: methods() } }),
      )
      expect(error).toMatchObject({
        _tag: "OttuFlowError",
        flow: "checkout",
        step: "payment_methods",
      })
      expect(error.cause).toMatchObject({
        _tag: "OttuNoGatewayError",
        plugin: "payment_request",
        currency_code: "KWD",
        auto_debit: false,
      })
      expect(requests.map((r) => r.path)).toEqual([methodsPath])
    }),
  )

  it.effect("a failing payment-methods call: step payment_methods with its error", () =>
    Effect.gen(function* () {
      const { error } = yield* runFailed(
        Checkout.autoFlow(input),
        router({ methods: { status: 500, text: "Internal Server Error" } }),
      )
      expect(error.step).toBe("payment_methods")
      expect(error.cause).toMatchObject({ _tag: "OttuServerError", body: "Internal Server Error" })
    }),
  )

  it.effect("a refused create: step checkout with Ottu's errors", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        Checkout.autoFlow(input),
        router({
          methods: { status: 200, json: methods("knet") },
          checkout: { status: 400, json: { customer_phone: ["This field is required."] } },
        }),
      )
      expect(error).toMatchObject({ _tag: "OttuFlowError", flow: "checkout", step: "checkout" })
      expect(error.session_id).toBeUndefined()
      expect(error.cause).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: { customer_phone: ["This field is required."] },
      })
      expect(requests).toHaveLength(2)
    }),
  )

  it.effect("invalid input: step checkout, only the payment-methods call was sent", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(
        Checkout.autoFlow({ ...input, customer_email: "not-an-email" }),
        router({ methods: { status: 200, json: methods("knet") } }),
      )
      expect(error.step).toBe("checkout")
      expect(error.cause._tag).toBe("OttuInvalidInputError")
      expect(requests.map((r) => r.path)).toEqual([methodsPath])
    }),
  )
})
