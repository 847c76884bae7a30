/**
 * Typed dispatch: every payment state and operation reaches its own handler, anything else the
 * fallback, a missing case does not compile, and the handlers' errors and requirements make the
 * dispatcher's.
 */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Context, Effect, Either, Exit, Layer } from "effect"
import { Checkout, Webhook, WebhookReceiver } from "../src/index.ts"

const key = "dispatch-test-key"
const delivery: WebhookReceiver.Delivery = { scheme: "standard" }

/** A signed body, verified and decoded as the receiver would hand it over. */
const eventOf = (payload: Record<string, unknown>): Webhook.Event =>
  Either.getOrThrow(
    Webhook.verify({ ...payload, signature: Webhook.signatureOf(payload, key) }, key),
  )

const payment = (state: unknown) =>
  eventOf({ session_id: "s-1", order_no: "o-1", amount: "1.000", result: "success", state })

const operation = (kind: unknown) =>
  eventOf({
    session_id: "s-1",
    amount: "1.000",
    operation: kind,
    result: "success",
    success: true,
    txn: { amount: "1.000", currency_code: "KWD", state: "refunded" },
  })

/** Handlers that each record the case they were called for. */
const recording = () => {
  const seen: Array<string> = []
  const record = (name: string) => () => Effect.sync(() => seen.push(name))
  const handler = WebhookReceiver.dispatch({
    payment: {
      created: record("created"),
      pending: record("pending"),
      attempted: record("attempted"),
      authorized: record("authorized"),
      paid: record("paid"),
      failed: record("failed"),
      canceled: record("canceled"),
      expired: record("expired"),
      invalided: record("invalided"),
      refunded: record("refunded"),
      cod: record("cod"),
    },
    operation: { capture: record("capture"), refund: record("refund"), void: record("void") },
    other: (event) => Effect.sync(() => seen.push(`other ${event._tag}`)),
  })
  return { seen, handler }
}

describe("WebhookReceiver.dispatch", () => {
  it.effect("routes each payment state to its handler, the checkout's 11 states all named", () =>
    Effect.gen(function* () {
      const { seen, handler } = recording()
      for (const state of Checkout.State.literals) yield* handler(payment(state), delivery)
      expect(seen).toEqual(Checkout.State.literals)
    }),
  )

  it.effect("routes capture, refund and void to their handlers", () =>
    Effect.gen(function* () {
      const { seen, handler } = recording()
      for (const kind of ["capture", "refund", "void"]) yield* handler(operation(kind), delivery)
      expect(seen).toEqual(["capture", "refund", "void"])
    }),
  )

  it.effect("sends unknown or missing states and operations to the fallback", () =>
    Effect.gen(function* () {
      const { seen, handler } = recording()
      const unknown = [
        payment("refund_queued"),
        payment("voided"),
        payment("toString"),
        payment("__proto__"),
        payment(null),
        payment(undefined),
        operation(null),
        operation("delete"),
        operation("constructor"),
      ]
      for (const event of unknown) yield* handler(event, delivery)
      expect(seen).toEqual([
        ...Array(6).fill("other PaymentEvent"),
        ...Array(3).fill("other OperationEvent"),
      ])
    }),
  )

  it.effect("hands each handler the event narrowed to its case, and the delivery", () =>
    Effect.gen(function* () {
      const received: Array<unknown> = []
      const ignore = () => Effect.void
      const handler = WebhookReceiver.dispatch({
        payment: {
          created: ignore,
          pending: ignore,
          attempted: ignore,
          authorized: ignore,
          paid: (event, delivery) => {
            expectTypeOf(event.state).toEqualTypeOf<"paid">()
            return Effect.sync(() => received.push([event.state, event.order_no, delivery]))
          },
          failed: ignore,
          canceled: ignore,
          expired: ignore,
          invalided: ignore,
          refunded: ignore,
          cod: ignore,
        },
        operation: {
          capture: ignore,
          refund: (event) => {
            expectTypeOf(event.operation).toEqualTypeOf<"refund">()
            return Effect.sync(() => received.push([event.operation, event.txn.state]))
          },
          void: ignore,
        },
        other: ignore,
      })
      yield* handler(payment("paid"), { scheme: "subscription" })
      yield* handler(operation("refund"), delivery)
      expect(received).toEqual([
        ["paid", "o-1", { scheme: "subscription" }],
        ["refund", "refunded"],
      ])
    }),
  )

  it.effect("unions the handlers' errors and requirements", () =>
    Effect.gen(function* () {
      class Ledger extends Context.Tag("test/Ledger")<Ledger, Array<string>>() {}
      class Mailer extends Context.Tag("test/Mailer")<Mailer, Array<string>>() {}
      const ignore = () => Effect.void
      const handler = WebhookReceiver.dispatch({
        payment: {
          created: ignore,
          pending: ignore,
          attempted: ignore,
          authorized: ignore,
          paid: (event) => Effect.map(Ledger, (entries) => entries.push(event.session_id)),
          failed: () => Effect.fail("payment failed" as const),
          canceled: ignore,
          expired: ignore,
          invalided: ignore,
          refunded: ignore,
          cod: ignore,
        },
        operation: {
          capture: ignore,
          refund: (event) => Effect.map(Mailer, (sent) => sent.push(event.amount)),
          void: ignore,
        },
        other: () => Effect.fail(new Error("unexpected")),
      })
      expectTypeOf(handler).returns.toEqualTypeOf<
        Effect.Effect<void, "payment failed" | Error, Ledger | Mailer>
      >()
      const entries: Array<string> = []
      const sent: Array<string> = []
      const services = Layer.merge(Layer.succeed(Ledger, entries), Layer.succeed(Mailer, sent))
      const run = (event: Webhook.Event) =>
        Effect.exit(Effect.provide(handler(event, delivery), services))
      expect(yield* run(payment("paid"))).toEqual(Exit.void)
      expect(yield* run(operation("refund"))).toEqual(Exit.void)
      expect(yield* run(payment("failed"))).toEqual(Exit.fail("payment failed"))
      expect(yield* run(operation(null))).toEqual(Exit.fail(new Error("unexpected")))
      expect([entries, sent]).toEqual([["s-1"], ["1.000"]])
    }),
  )

  it("does not compile with a missing state, operation or fallback", () => {
    const ignore = () => Effect.void
    const payments = {
      created: ignore,
      pending: ignore,
      attempted: ignore,
      authorized: ignore,
      paid: ignore,
      failed: ignore,
      canceled: ignore,
      expired: ignore,
      invalided: ignore,
      refunded: ignore,
      cod: ignore,
    }
    const operations = { capture: ignore, refund: ignore, void: ignore }
    const { refunded: _refunded, ...withoutRefunded } = payments
    const { canceled: _canceled, ...withoutCanceled } = payments
    const { void: _void, ...withoutVoid } = operations
    // @ts-expect-error: `refunded` has no handler
    WebhookReceiver.dispatch({ payment: withoutRefunded, operation: operations, other: ignore })
    // @ts-expect-error: `void` has no handler
    WebhookReceiver.dispatch({ payment: payments, operation: withoutVoid, other: ignore })
    // @ts-expect-error: no fallback for states and operations Ottu may add
    WebhookReceiver.dispatch({ payment: payments, operation: operations })
    WebhookReceiver.dispatch({
      // @ts-expect-error: a misspelt state (`cancelled`), leaving `canceled` without a handler
      payment: { ...withoutCanceled, cancelled: ignore },
      operation: operations,
      other: ignore,
    })
    expect(
      WebhookReceiver.dispatch({ payment: payments, operation: operations, other: ignore }),
    ).toBeTypeOf("function")
  })
})
