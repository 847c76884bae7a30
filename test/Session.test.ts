import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Ref } from "effect"
import { type Checkout, Session } from "../src/index.ts"
import { makeRecorder, type Recorded, type Reply } from "./support/recording.ts"
import { configLayer, failureOf, minimalCheckout, sessionBody, successOf } from "./support/setup.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const otherId = "0f4b2a6c1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
const collection = "/b/checkout/v1/pymt-txn/"

const minimal = minimalCheckout

/**
 * Provides a recorder answering with `respond` and the test configuration, but leaves
 * `CurrentSession` to the test, so several calls can share (or not share) one session.
 */
const withRecorder = (respond: (req: Recorded) => Reply) =>
  Effect.map(makeRecorder(respond), (recorder) => ({
    requests: recorder.requests,
    provide: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.provide(effect, Layer.merge(configLayer(), recorder.layer)),
  }))

/** Answers a create with `sessionBody()`, any other call with the session its path names (GET: `pending`), merging a PATCH body into the answer. */
const echo = (req: Recorded): Reply => {
  if (req.method === "POST") return { status: 201, json: sessionBody() }
  const sessionId = req.path.slice(collection.length).replace(/\/$/, "")
  return {
    status: 200,
    json: sessionBody({
      session_id: sessionId,
      state: req.method === "GET" ? "pending" : "created",
      ...(req.json !== undefined && typeof req.json === "object" ? req.json : {}),
    }),
  }
}

const sessionIdOf = (session: Option.Option<Checkout.CheckoutSession>) =>
  Option.getOrUndefined(Option.map(session, (s) => s.session_id))

describe("Session", () => {
  it.effect("has no current session at first", () =>
    Effect.gen(function* () {
      const current = yield* Session.current
      expect(Option.isNone(current)).toBe(true)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("create makes the created session the current one", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      const created = yield* provide(Session.create(minimal))
      expect(created.session_id).toBe(id)
      const current = yield* Session.current
      expect(sessionIdOf(current)).toBe(id)
      expect(Option.getOrUndefined(current)).toEqual(created)
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([["POST", collection]])
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("retrieve replaces the current session", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      yield* provide(Session.create(minimal))
      const retrieved = yield* provide(Session.retrieve(otherId))
      expect(retrieved.session_id).toBe(otherId)
      expect(sessionIdOf(yield* Session.current)).toBe(otherId)
      const sent = yield* requests
      expect(sent[1]?.method).toBe("GET")
      expect(sent[1]?.path).toBe(`${collection}${otherId}/`)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("update PATCHes the current session and stores the answer", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      yield* provide(Session.retrieve(otherId))
      const updated = yield* provide(Session.update({ amount: "25.500" }))
      expect(updated.session_id).toBe(otherId)
      expect(updated.amount).toBe("25.500")
      const current = Option.getOrUndefined(yield* Session.current)
      expect(current?.amount).toBe("25.500")
      expect(current?.state).toBe("created")
      const sent = yield* requests
      expect(sent).toHaveLength(2)
      expect(sent[1]?.method).toBe("PATCH")
      expect(sent[1]?.path).toBe(`${collection}${otherId}/`)
      expect(sent[1]?.json).toEqual({ amount: "25.500" })
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("update targets the given sessionId rather than the current one", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      yield* provide(Session.create(minimal))
      const updated = yield* provide(
        Session.update({ customer_email: "a@b.kw" }, { sessionId: otherId }),
      )
      expect(updated.session_id).toBe(otherId)
      expect(sessionIdOf(yield* Session.current)).toBe(otherId)
      const sent = yield* requests
      expect(sent[1]?.method).toBe("PATCH")
      expect(sent[1]?.path).toBe(`${collection}${otherId}/`)
      expect(sent[1]?.json).toEqual({ customer_email: "a@b.kw" })
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("update with neither a current session nor an id fails and sends nothing", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      const exit = yield* Effect.exit(provide(Session.update({ amount: "1.000" })))
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(error.method).toBe("PATCH")
        expect(error.issues.map((i) => i.field)).toEqual(["session_id"])
      }
      expect(yield* requests).toHaveLength(0)
      expect(Option.isNone(yield* Session.current)).toBe(true)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("refresh re-reads the current session with GET", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      yield* provide(Session.create(minimal))
      expect(Option.getOrUndefined(yield* Session.current)?.state).toBe("created")
      const refreshed = yield* provide(Session.refresh())
      expect(sessionIdOf(refreshed)).toBe(id)
      expect(Option.getOrUndefined(refreshed)?.state).toBe("pending")
      expect(Option.getOrUndefined(yield* Session.current)?.state).toBe("pending")
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([
        ["POST", collection],
        ["GET", `${collection}${id}/`],
      ])
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("refresh with an explicit id reads that session", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      const refreshed = yield* provide(Session.refresh(otherId))
      expect(sessionIdOf(refreshed)).toBe(otherId)
      expect(sessionIdOf(yield* Session.current)).toBe(otherId)
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([["GET", `${collection}${otherId}/`]])
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("refresh without a session returns None and sends nothing", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      const refreshed = yield* provide(Session.refresh())
      expect(Option.isNone(refreshed)).toBe(true)
      expect(yield* requests).toHaveLength(0)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("a failed create leaves the current session unchanged", () =>
    Effect.gen(function* () {
      let fail = false
      const { requests, provide } = yield* withRecorder((req) =>
        fail ? { status: 400, json: { pg_codes: ["Unknown code: knet."] } } : echo(req),
      )
      const before = yield* provide(Session.retrieve(otherId))
      fail = true
      const exit = yield* Effect.exit(provide(Session.create(minimal)))
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError") {
        expect(error.errors).toEqual({ pg_codes: ["Unknown code: knet."] })
      }
      expect(yield* requests).toHaveLength(2)
      const current = yield* Session.current
      expect(sessionIdOf(current)).toBe(otherId)
      expect(Option.getOrUndefined(current)).toEqual(before)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("a failed create on an empty session leaves it empty", () =>
    Effect.gen(function* () {
      const { provide } = yield* withRecorder(() => ({ status: 400, json: { amount: ["Bad."] } }))
      const exit = yield* Effect.exit(provide(Session.create(minimal)))
      expect(failureOf(exit)._tag).toBe("OttuBadRequestError")
      expect(Option.isNone(yield* Session.current)).toBe(true)
    }).pipe(Effect.provide(Session.layer)),
  )

  it.effect("two separately provided layers hold independent sessions", () =>
    Effect.gen(function* () {
      const { provide } = yield* withRecorder(echo)
      const first = yield* provide(
        Effect.gen(function* () {
          yield* Session.create(minimal)
          return yield* Session.current
        }).pipe(Effect.provide(Session.layer)),
      )
      const second = yield* provide(
        Effect.gen(function* () {
          const before = yield* Session.current
          yield* Session.retrieve(otherId)
          return { before, after: yield* Session.current }
        }).pipe(Effect.provide(Session.layer)),
      )
      expect(sessionIdOf(first)).toBe(id)
      expect(Option.isNone(second.before)).toBe(true)
      expect(sessionIdOf(second.after)).toBe(otherId)
    }),
  )

  it.effect("two Refs provided as CurrentSession don't see each other's session", () =>
    Effect.gen(function* () {
      const { requests, provide } = yield* withRecorder(echo)
      const a = yield* Ref.make(Option.none<Checkout.CheckoutSession>())
      const b = yield* Ref.make(Option.none<Checkout.CheckoutSession>())
      const inA = <X, E, R>(effect: Effect.Effect<X, E, R>) =>
        Effect.provideService(effect, Session.CurrentSession, a)
      const inB = <X, E, R>(effect: Effect.Effect<X, E, R>) =>
        Effect.provideService(effect, Session.CurrentSession, b)

      yield* provide(inA(Session.create(minimal)))
      expect(sessionIdOf(yield* Ref.get(a))).toBe(id)
      expect(Option.isNone(yield* Ref.get(b))).toBe(true)
      // Nothing current in B: an update there must not fall back to A's session.
      const exit = yield* Effect.exit(provide(inB(Session.update({ amount: "2.000" }))))
      expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")

      yield* provide(inB(Session.retrieve(otherId)))
      yield* provide(inA(Session.update({ amount: "3.000" })))
      yield* provide(inB(Session.update({ amount: "4.000" })))
      expect(sessionIdOf(yield* Ref.get(a))).toBe(id)
      expect(Option.getOrUndefined(yield* Ref.get(a))?.amount).toBe("3.000")
      expect(sessionIdOf(yield* Ref.get(b))).toBe(otherId)
      expect(Option.getOrUndefined(yield* Ref.get(b))?.amount).toBe("4.000")
      const sent = yield* requests
      expect(sent.map((r) => [r.method, r.path])).toEqual([
        ["POST", collection],
        ["GET", `${collection}${otherId}/`],
        ["PATCH", `${collection}${id}/`],
        ["PATCH", `${collection}${otherId}/`],
      ])
    }),
  )

  it.effect("stores the decoded answer, unknown fields included", () =>
    Effect.gen(function* () {
      const { provide } = yield* withRecorder(() => ({
        status: 201,
        json: sessionBody({ brand_new_field: { kept: true } }),
      }))
      const created = successOf(yield* Effect.exit(provide(Session.create(minimal))))
      expect(created.brand_new_field).toEqual({ kept: true })
      expect(Option.getOrUndefined(yield* Session.current)?.brand_new_field).toEqual({ kept: true })
    }).pipe(Effect.provide(Session.layer)),
  )
})
