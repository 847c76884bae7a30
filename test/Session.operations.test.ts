import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Ref, Schema } from "effect"
import { Checkout, Session } from "../src/index.ts"
import { makeRecorder, type Recorded, type Reply } from "./support/recording.ts"
import { apiKey, configLayer, failureOf, sessionBody, successOf } from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const otherId = "0f4b2a6c1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
const childId = "43ae8773f2c61f2ef41e3024e3b8f8bf45667d44"
const collection = "/b/checkout/v1/pymt-txn/"
const operationPath = "/b/pbl/v2/operation/"
const inquiryPath = "/b/pbl/v2/inquiry/"

/** Provides a recorder and the test configuration; `CurrentSession` is left to the test. */
const withRecorder = (respond: (req: Recorded) => Reply) =>
  Effect.map(makeRecorder(respond), (recorder) => ({
    requests: recorder.requests,
    provide: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.provide(effect, Layer.merge(configLayer(), recorder.layer)),
  }))

/** Makes `session` (a checkout answer) the current session, without any request. */
const seed = (fields: Record<string, unknown>) =>
  Effect.flatMap(Session.CurrentSession, (ref) =>
    Ref.set(
      ref,
      Option.some(Schema.decodeUnknownSync(Checkout.CheckoutSession)(sessionBody(fields))),
    ),
  )

const currentState = Effect.map(Session.current, (s) =>
  Option.getOrUndefined(Option.map(s, (session) => session.state)),
)

const externalResult = (operation: string, state: string) => ({
  amount: "5.000",
  operation,
  order_no: "ORDER-42",
  pg_code: "credit-card",
  pg_params: {},
  pg_response: {},
  reference_number: "staging4AQ64A",
  result: "success",
  session_id: id,
  signature: "c4a1d3b0e5f64f1e9a1d2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70",
  source: "input",
  success: true,
  timestamp_utc: "2026-11-27 10:00:00",
  txn: { amount: "5.000", currency_code: "KWD", session_id: childId, state },
})

const internalResult = (operation: string) => ({
  detail: `The ${operation} operation was successful.`,
  operation,
  result: "success",
})

const payment = {
  amount: "20.230",
  currency_code: "KWD",
  paid_amount: 20.23,
  result: "success",
  session_id: id,
  state: "paid",
}

/**
 * Answers operations (external shape for capture/refund/void), the status query, and a GET of a
 * session with that session in state `refreshedState`.
 */
const ottu =
  (refreshedState = "paid") =>
  (req: Recorded): Reply => {
    if (req.path === operationPath) {
      const operation = (req.json as { operation: string }).operation
      const external = ["capture", "refund", "void"].includes(operation)
      return {
        status: 200,
        json: external
          ? externalResult(operation, operation === "refund" ? "refunded" : "paid")
          : internalResult(operation),
      }
    }
    if (req.path === inquiryPath) return { status: 200, json: payment }
    if (req.method === "GET" && req.path.startsWith(collection)) {
      const sessionId = req.path.slice(collection.length).replace(/\/$/, "")
      return { status: 200, json: sessionBody({ session_id: sessionId, state: refreshedState }) }
    }
    return { status: 418, json: { detail: `unexpected ${req.method} ${req.path}` } }
  }

describe("Session operations", () => {
  it.effect("capture targets the current session, then re-reads it into the Ref", () =>
    Effect.gen(function* () {
      yield* seed({ state: "authorized" })
      const { requests, provide } = yield* withRecorder(ottu("paid"))
      const result = yield* provide(Session.capture({ amount: "5.000", trackingKey: "cap-1" }))
      expect(result).toEqual(externalResult("capture", "paid"))
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([
        ["POST", operationPath],
        ["GET", `${collection}${id}/`],
      ])
      expect(sent[0]?.json).toEqual({ operation: "capture", session_id: id, amount: "5.000" })
      expect(sent[0]?.headers["tracking-key"]).toBe("cap-1")
      expect(yield* currentState).toBe("paid")
      const current = Option.getOrUndefined(yield* Session.current)
      expect(current?.session_id).toBe(id)
    }).pipe(Effect.provide(Session.layer)),
  )

  for (const [name, call] of [
    ["cancel", () => Session.cancel()],
    ["expire", () => Session.expire()],
    ["refund", () => Session.refund()],
    ["void", () => Session.void()],
  ] as const) {
    it.effect(`${name} targets the current session and refreshes it`, () =>
      Effect.gen(function* () {
        yield* seed({ state: "created" })
        const { requests, provide } = yield* withRecorder(ottu("canceled"))
        const exit = yield* Effect.exit(provide(call()))
        expect(Exit.isSuccess(exit)).toBe(true)
        const sent = yield* requests
        expect(sent.map((r) => [r.method, r.path])).toEqual([
          ["POST", operationPath],
          ["GET", `${collection}${id}/`],
        ])
        expect(sent[0]?.json).toEqual({ operation: name, session_id: id })
        expect(yield* currentState).toBe("canceled")
      }).pipe(Effect.provide(Session.layer)),
    )
  }

  it.effect("delete targets the current session and does not refresh", () =>
    Effect.gen(function* () {
      yield* seed({ state: "created" })
      const before = yield* Session.current
      const { requests, provide } = yield* withRecorder(ottu("deleted"))
      const result = yield* provide(Session.delete())
      expect(result).toEqual(internalResult("delete"))
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([["POST", operationPath]])
      expect(sent[0]?.json).toEqual({ operation: "delete", session_id: id })
      expect(yield* Session.current).toEqual(before)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("refund with a target uses the order number, then refreshes the current session", () =>
    Effect.gen(function* () {
      yield* seed({ state: "paid" })
      const { requests, provide } = yield* withRecorder(ottu("refunded"))
      const result = yield* provide(
        Session.refund({ target: { order_no: "ORDER-42" }, amount: "2.000", trackingKey: "r-1" }),
      )
      expect(result.result).toBe("success")
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([
        ["POST", operationPath],
        ["GET", `${collection}${id}/`],
      ])
      // Only the order number: the current session's id is not added to the body.
      expect(sent[0]?.json).toEqual({ operation: "refund", order_no: "ORDER-42", amount: "2.000" })
      expect(sent[0]?.headers["tracking-key"]).toBe("r-1")
      expect(yield* currentState).toBe("refunded")
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("a target session id is operated on, the current session is the one refreshed", () =>
    Effect.gen(function* () {
      yield* seed({ state: "created" })
      const { requests, provide } = yield* withRecorder(ottu("pending"))
      yield* provide(Session.cancel({ target: { session_id: otherId } }))
      const sent = yield* requests
      expect(sent[0]?.json).toEqual({ operation: "cancel", session_id: otherId })
      expect(sent[1]?.path).toBe(`${collection}${id}/`)
      expect(Option.getOrUndefined(yield* Session.current)?.session_id).toBe(id)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("a target without a current session: the operation runs, nothing to refresh", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(ottu())
      const exit = yield* Effect.exit(provide(Session.refund({ target: { order_no: "ORDER-42" } })))
      expect(Exit.isSuccess(exit)).toBe(true)
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([["POST", operationPath]])
      expect(Option.isNone(yield* Session.current)).toBe(true)
    }).pipe(Effect.provide(Session.layer)),
  )

  for (const [name, call] of [
    ["cancel", () => Session.cancel()],
    ["expire", () => Session.expire()],
    ["delete", () => Session.delete()],
    ["capture", () => Session.capture({ amount: "1.000" })],
    ["refund", () => Session.refund()],
    ["void", () => Session.void({ trackingKey: "v-1" })],
  ] as const) {
    it.effect(`${name} with no current session and no target fails and sends nothing`, () =>
      Effect.gen(function* () {
        const { requests, provide } = yield* withRecorder(ottu())
        const exit = yield* Effect.exit(provide(call()))
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(error.method).toBe("POST")
          expect(error.path).toBe(operationPath)
          expect(error.issues.map((i) => i.field)).toEqual(["session_id"])
        }
        expect(yield* requests).toHaveLength(0)
      }).pipe(Effect.provide(Session.layer)),
    )
  }

  it.effect("invalid options fail before sending, even with a current session", () =>
    Effect.gen(function* () {
      yield* seed({ state: "authorized" })
      const { requests, provide } = yield* withRecorder(ottu())
      const exit = yield* Effect.exit(provide(Session.capture({ amount: "1.2345" })))
      expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
      expect(yield* requests).toHaveLength(0)
      expect(yield* currentState).toBe("authorized")
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("a failed operation is returned as is and no refresh follows", () =>
    Effect.gen(function* () {
      yield* seed({ state: "paid" })
      const { requests, provide } = yield* withRecorder((req) =>
        req.path === operationPath
          ? {
              status: 400,
              json: { detail: "Amount exceeds balance", operation: "refund", result: "failed" },
            }
          : ottu()(req),
      )
      const exit = yield* Effect.exit(provide(Session.refund({ amount: "99.000" })))
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "Amount exceeds balance",
      })
      expect((yield* requests).map((r) => r.path)).toEqual([operationPath])
      expect(yield* currentState).toBe("paid")
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect(
    "a failing refresh after a successful operation keeps the result and logs a warning",
    () =>
      Effect.gen(function* () {
        yield* seed({ state: "authorized" })
        const { requests, provide } = yield* withRecorder((req) =>
          req.method === "GET"
            ? { status: 503, json: { detail: "Service temporarily unavailable." } }
            : ottu()(req),
        )
        const { exit, lines } = yield* captureTelemetry(
          provide(Session.capture({ amount: "5.000" })),
        )
        expect(successOf(exit)).toEqual(externalResult("capture", "paid"))
        expect((yield* requests).map((r) => [r.method, r.path])).toEqual([
          ["POST", operationPath],
          ["GET", `${collection}${id}/`],
        ])
        const warnings = lines.filter((line) => line.includes("level=WARN"))
        expect(warnings).toHaveLength(1)
        expect(warnings[0]).toContain("could not be refreshed")
        expect(warnings[0]).toContain("OttuServerError")
        expect(warnings[0]).not.toContain(apiKey)
        // The stale session stays current.
        expect(yield* currentState).toBe("authorized")
      }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("a successful operation and refresh log no warning", () =>
    Effect.gen(function* () {
      yield* seed({ state: "authorized" })
      const { provide } = yield* withRecorder(ottu())
      const { exit, lines } = yield* captureTelemetry(provide(Session.void()))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(lines.filter((line) => line.includes("level=WARN"))).toEqual([])
    }).pipe(Effect.provide(Session.layer)),
  )
})

describe("Session.query", () => {
  it.effect("queries the current session and does not refresh", () =>
    Effect.gen(function* () {
      yield* seed({ state: "pending" })
      const before = yield* Session.current
      const { requests, provide } = yield* withRecorder(ottu())
      const status = yield* provide(Session.query())
      expect(status.state).toBe("paid")
      expect(status.paid_amount).toBe("20.23")
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([["POST", inquiryPath]])
      expect(sent[0]?.json).toEqual({ session_id: id })
      expect(yield* Session.current).toEqual(before)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("passes the webhook options and a target", () =>
    Effect.gen(function* () {
      yield* seed({ state: "pending" })
      const { requests, provide } = yield* withRecorder(ottu())
      yield* provide(
        Session.query({
          target: { order_no: "ORDER-42" },
          notify_webhook_url: true,
          webhook_url: "https://shop.example.kw/hook",
        }),
      )
      const sent = yield* requests
      expect(sent).toHaveLength(1)
      expect(sent[0]?.json).toEqual({
        order_no: "ORDER-42",
        notify_webhook_url: true,
        webhook_url: "https://shop.example.kw/hook",
      })
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("with no current session and no target fails and sends nothing", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(ottu())
      const exit = yield* Effect.exit(provide(Session.query()))
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(error.path).toBe(inquiryPath)
        expect(error.issues.map((i) => i.field)).toEqual(["session_id"])
      }
      expect(yield* requests).toHaveLength(0)
    }).pipe(Effect.provide(Session.layer)),
  )
})
