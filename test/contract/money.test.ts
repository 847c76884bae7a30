/**
 * Money movement end to end: the SDK's operations, status query, cards and autoflows against the
 * stateful sandbox, every request held to the official spec.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import {
  AutoDebit,
  Cards,
  Checkout,
  Inquiry,
  Operation,
  OttuSandbox,
  Session,
} from "../../src/index.ts"
import { onSandbox } from "../support/sandbox.ts"
import { failureOf } from "../support/setup.ts"

const live = onSandbox({ inquiryThrottling: false })

const kwd = (amount: string, pg: string, more: Partial<Checkout.CreateInput> = {}) =>
  Checkout.create({
    type: "e_commerce",
    amount,
    currency_code: "KWD",
    pg_codes: [pg],
    ...more,
  })

const amountsOf = (sessionId: string) =>
  Effect.map(OttuSandbox.session(sessionId), (snapshot) =>
    Option.map(snapshot, (s) => ({ state: s.state, ...s.amounts })),
  )

const agreement = {
  id: "A-2026-11",
  type: "recurring",
  frequency: "monthly",
  amount_variability: "fixed",
  expiry_date: "2030-12-31",
  cycle_interval_days: 30,
  total_cycles: 12,
} as const

/** A first, customer-initiated auto-debit payment that saves a card under the agreement. */
const firstAutoDebitPayment = Effect.gen(function* () {
  const first = yield* AutoDebit.checkout({
    type: "e_commerce",
    amount: "9.900",
    currency_code: "KWD",
    pg_codes: [OttuSandbox.pgCodes.creditCard],
    customer_id: "cust-7",
    agreement,
  })
  yield* OttuSandbox.pay(first.session_id, { outcome: "success" })
  return first
})

describe("operations on the sandbox", () => {
  it.effect("authorize, partial capture, partial refund, then the status", () =>
    Effect.gen(function* () {
      const session = yield* kwd("20.000", OttuSandbox.pgCodes.mpgsAuthorize)
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      const target = { session_id: session.session_id }
      const capture = yield* Operation.capture(target, { amount: "12.000", trackingKey: "cap-1" })
      expect(capture).toMatchObject({ result: "success", amount: "12.000", txn: { state: "paid" } })
      const refund = yield* Operation.refund(target, { amount: "5.000", trackingKey: "ref-1" })
      expect(refund).toMatchObject({ result: "success", txn: { state: "refunded" } })
      const status = yield* Inquiry.query(target)
      expect(status).toMatchObject({ state: "authorized", paid_amount: "12.000" })
      expect(status.refunded_amount).toBe("5.000")
    }).pipe(Effect.provide(live)),
  )

  it.effect("a refund above what remains is refused with Ottu's message", () =>
    Effect.gen(function* () {
      const session = yield* kwd("10.000", OttuSandbox.pgCodes.knet)
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      const target = { session_id: session.session_id }
      yield* Operation.refund(target, { amount: "6.000" })
      const error = failureOf(yield* Effect.exit(Operation.refund(target, { amount: "5.000" })))
      expect(error._tag).toBe("OttuBadRequestError")
      expect(error).toMatchObject({ status: 400 })
      if (error._tag === "OttuBadRequestError") expect(error.detail).toContain("exceeds balance")
      expect(Option.map(yield* amountsOf(session.session_id), (a) => a.refunded)).toEqual(
        Option.some("6.000"),
      )
    }).pipe(Effect.provide(live)),
  )

  it.effect("a void after a capture is refused", () =>
    Effect.gen(function* () {
      const session = yield* kwd("8.000", OttuSandbox.pgCodes.mpgsAuthorize)
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      const target = { session_id: session.session_id }
      yield* Operation.capture(target)
      const error = failureOf(yield* Effect.exit(Operation.void(target)))
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError") expect(error.detail).toContain("captured")
    }).pipe(Effect.provide(live)),
  )

  it.effect("operations by order number", () =>
    Effect.gen(function* () {
      const session = yield* kwd("3.000", OttuSandbox.pgCodes.knet, { order_no: "ORD-77" })
      const result = yield* Operation.cancel({ order_no: "ORD-77" })
      expect(result.result).toBe("success")
      expect((yield* Checkout.retrieve(session.session_id)).state).toBe("canceled")
    }).pipe(Effect.provide(live)),
  )

  it.effect("a Tracking-Key replay returns the first result and moves money once", () =>
    Effect.gen(function* () {
      const session = yield* kwd("10.000", OttuSandbox.pgCodes.knet)
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      const target = { session_id: session.session_id }
      const first = yield* Operation.refund(target, { amount: "3.000", trackingKey: "refund-42" })
      const replay = yield* Operation.refund(target, { amount: "3.000", trackingKey: "refund-42" })
      expect(replay).toEqual(first)
      expect(Option.map(yield* amountsOf(session.session_id), (a) => a.refunded)).toEqual(
        Option.some("3.000"),
      )
      const clash = yield* Effect.exit(
        Operation.refund(target, { amount: "4.000", trackingKey: "refund-42" }),
      )
      expect(failureOf(clash)._tag).toBe("OttuBadRequestError")
    }).pipe(Effect.provide(live)),
  )

  it.effect("session operations refresh the current session, delete does not", () =>
    Effect.gen(function* () {
      const created = yield* Session.create({
        type: "e_commerce",
        amount: "10.000",
        currency_code: "KWD",
        pg_codes: [OttuSandbox.pgCodes.knet],
      })
      yield* OttuSandbox.pay(created.session_id, { outcome: "success" })
      expect(Option.map(yield* Session.current, (s) => s.state)).toEqual(Option.some("created"))
      yield* Session.refund({ amount: "10.000", trackingKey: "full-refund" })
      expect(Option.map(yield* Session.current, (s) => s.state)).toEqual(Option.some("refunded"))

      const other = yield* Session.create({
        type: "e_commerce",
        amount: "2.000",
        currency_code: "KWD",
        pg_codes: [OttuSandbox.pgCodes.knet],
      })
      yield* Session.delete()
      expect(Option.map(yield* Session.current, (s) => s.session_id)).toEqual(
        Option.some(other.session_id),
      )
      expect(yield* OttuSandbox.session(other.session_id)).toEqual(Option.none())
    }).pipe(Effect.provide(live)),
  )
})

describe("cards and auto-debit on the sandbox", () => {
  it.effect("a first payment saves a card; list, latest and remove", () =>
    Effect.gen(function* () {
      yield* firstAutoDebitPayment
      const cards = yield* Cards.list()
      expect(cards).toHaveLength(1)
      const latest = yield* Cards.latest({ agreement_id: agreement.id })
      expect(Option.map(latest, (c) => c.token)).toEqual(Option.some(cards[0]?.token))
      const locked = yield* Effect.exit(Cards.remove(cards[0]?.token ?? ""))
      expect(failureOf(locked)).toMatchObject({ _tag: "OttuBadRequestError", status: 400 })
      const unknown = failureOf(yield* Effect.exit(Cards.remove("4111111111111111")))
      expect(unknown).toMatchObject({ _tag: "OttuNotFoundError", path: "/b/pbl/v2/card/{token}/" })
      expect(unknown.message).not.toContain("4111111111111111")
    }).pipe(Effect.provide(live)),
  )

  it.effect("both autoflows end to end", () =>
    Effect.gen(function* () {
      const checkout = yield* Checkout.autoFlow({
        type: "e_commerce",
        amount: "4.000",
        currency_code: "KWD",
      })
      expect(checkout.pg_codes).toEqual(expect.arrayContaining(["knet", "credit-card"]))

      yield* firstAutoDebitPayment
      const { session, payment } = yield* AutoDebit.autoFlow({
        type: "e_commerce",
        amount: "9.900",
        currency_code: "KWD",
        customer_id: "cust-7",
        agreement,
      }).pipe(Effect.provide(AutoDebit.layerCardsTokenSource))
      expect(payment).toMatchObject({
        result: "success",
        state: "paid",
        session_id: session.session_id,
      })
      expect(session.payment_type).toBe("auto_debit")
    }).pipe(Effect.provide(live)),
  )

  const flowInput = {
    type: "e_commerce",
    amount: "9.900",
    currency_code: "KWD",
    customer_id: "cust-7",
    agreement,
  } as const

  it.effect("each autoflow step failure is typed and names its step", () =>
    Effect.gen(function* () {
      const token = failureOf(
        yield* Effect.exit(
          AutoDebit.autoFlow(flowInput).pipe(
            Effect.provideService(AutoDebit.TokenSource, { latest: () => Effect.succeedNone }),
          ),
        ),
      )
      expect(token).toMatchObject({ _tag: "OttuFlowError", step: "token" })
      expect(token.cause._tag).toBe("OttuNoSavedTokenError")

      const gateways = failureOf(
        yield* Effect.exit(AutoDebit.autoFlow({ ...flowInput, currency_code: "CHF", token: "1" })),
      )
      expect(gateways).toMatchObject({ step: "payment_methods" })
      expect(gateways.cause._tag).toBe("OttuNoGatewayError")

      const checkout = failureOf(
        yield* Effect.exit(AutoDebit.autoFlow({ ...flowInput, pg_codes: ["knet"], token: "1" })),
      )
      expect(checkout).toMatchObject({ step: "checkout" })
      expect(checkout.session_id).toBeUndefined()
      expect(checkout.cause._tag).toBe("OttuBadRequestError")

      const charge = failureOf(
        yield* Effect.exit(AutoDebit.autoFlow({ ...flowInput, token: "0000000000000000" })),
      )
      expect(charge).toMatchObject({ step: "charge" })
      expect(charge.session_id).toMatch(/^[0-9a-f]{40}$/)
      expect(charge.cause._tag).toBe("OttuBadRequestError")

      const noGateway = failureOf(
        yield* Effect.exit(
          Checkout.autoFlow({ type: "e_commerce", amount: "1.00", currency_code: "CHF" }),
        ),
      )
      expect(noGateway).toMatchObject({ flow: "checkout", step: "payment_methods" })
    }).pipe(Effect.provide(live)),
  )
})
