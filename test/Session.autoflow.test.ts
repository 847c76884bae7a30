/**
 * `Session.autoFlow` and `Session.autoDebitFlow`: the autoflows, with the created checkout made
 * the current session (ottu-py's `checkout_autoflow` / `auto_debit_autoflow` updating
 * `ottu.session`).
 */
import type { HttpClient } from "@effect/platform"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { AutoDebit, type OttuConfig, Session } from "../src/index.ts"
import { makeRecorder, type Recorded, type Reply } from "./support/recording.ts"
import { configLayer, failureOf, minimalCheckout, sessionBody, successOf } from "./support/setup.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const earlier = "0f4b2a6c1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
const token = "9923965822244314"
const agreement = { id: "A-1", type: "recurring", frequency: "monthly" } as const
const debit = {
  type: "e_commerce",
  amount: "9.900",
  currency_code: "KWD",
  customer_id: "cust-1",
  agreement,
} as const
const { pg_codes: _, ...autoInput } = minimalCheckout

/** Answers by path: payment methods, checkout create and auto-debit charge. */
const answers =
  (charge: Reply = { status: 200, json: { result: "success", session_id: id, state: "paid" } }) =>
  (req: Recorded): Reply => {
    if (req.path === "/b/pbl/v2/payment-methods/") {
      return { status: 200, json: { payment_methods: [{ code: "knet", name: "KNET" }] } }
    }
    if (req.path === "/b/checkout/v1/pymt-txn/") return { status: 201, json: sessionBody() }
    if (req.path === "/b/pbl/v2/auto-debit/") return charge
    return { status: 418, json: { detail: `unexpected ${req.path}` } }
  }

/** Runs `effect` in a session whose current checkout is `earlier`, on a recorder. */
const inSession = <A, E>(
  effect: Effect.Effect<
    A,
    E,
    OttuConfig.OttuConfig | HttpClient.HttpClient | Session.CurrentSession
  >,
  respond: (req: Recorded) => Reply = answers(),
) =>
  Effect.gen(function* () {
    const recorder = yield* makeRecorder(respond)
    const seeded = yield* makeRecorder(() => ({
      status: 200,
      json: sessionBody({ session_id: earlier }),
    }))
    return yield* Effect.gen(function* () {
      yield* Session.retrieve(earlier).pipe(Effect.provide(seeded.layer))
      const exit = yield* Effect.exit(effect.pipe(Effect.provide(recorder.layer)))
      const current = Option.getOrUndefined(yield* Session.current)
      return { exit, current, requests: yield* recorder.requests }
    }).pipe(Effect.provide(Layer.merge(Session.layer, configLayer())))
  })

describe("Session.autoFlow", () => {
  it.effect("asks for the gateways, creates the checkout and makes it current", () =>
    Effect.gen(function* () {
      const { exit, current, requests } = yield* inSession(Session.autoFlow(autoInput))
      expect(successOf(exit).session_id).toBe(id)
      expect(current?.session_id).toBe(id)
      expect(requests.map((r) => r.path)).toEqual([
        "/b/pbl/v2/payment-methods/",
        "/b/checkout/v1/pymt-txn/",
      ])
      expect(requests[1]?.json).toMatchObject({ pg_codes: ["knet"] })
    }),
  )

  it.effect("a failed flow leaves the current session as it was", () =>
    Effect.gen(function* () {
      const { exit, current } = yield* inSession(Session.autoFlow(autoInput), (req) =>
        req.path === "/b/pbl/v2/payment-methods/"
          ? { status: 200, json: { payment_methods: [] } }
          : answers()(req),
      )
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuFlowError", step: "payment_methods" })
      expect(current?.session_id).toBe(earlier)
    }),
  )
})

describe("Session.autoDebitFlow", () => {
  it.effect("charges the token and makes the created checkout current", () =>
    Effect.gen(function* () {
      const { exit, current, requests } = yield* inSession(
        Session.autoDebitFlow({ ...debit, pg_codes: ["knet"], token }),
      )
      const { session, payment } = successOf(exit)
      expect(session.session_id).toBe(id)
      expect(payment.result).toBe("success")
      expect(current).toEqual(session)
      expect(requests.map((r) => r.path)).toEqual([
        "/b/checkout/v1/pymt-txn/",
        "/b/pbl/v2/auto-debit/",
      ])
    }),
  )

  it.effect("the checkout is current even when the charge then fails, as in ottu-py", () =>
    Effect.gen(function* () {
      const { exit, current } = yield* inSession(
        Session.autoDebitFlow({ ...debit, pg_codes: ["knet"], token }),
        answers({ status: 400, json: { detail: "The card was declined." } }),
      )
      expect(failureOf(exit)).toMatchObject({ step: "charge", session_id: id })
      expect(current?.session_id).toBe(id)
    }),
  )

  it.effect("a failure before the checkout exists leaves the current session as it was", () =>
    Effect.gen(function* () {
      const { exit, current, requests } = yield* inSession(
        Session.autoDebitFlow(debit).pipe(
          Effect.provideService(AutoDebit.TokenSource, { latest: () => Effect.succeedNone }),
        ),
      )
      expect(failureOf(exit)).toMatchObject({ step: "token" })
      expect(current?.session_id).toBe(earlier)
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("takes the token from the TokenSource when none is given", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* inSession(
        Session.autoDebitFlow({ ...debit, pg_codes: ["knet"] }).pipe(
          Effect.provideService(AutoDebit.TokenSource, {
            latest: () => Effect.succeedSome(token),
          }),
        ),
      )
      expect(successOf(exit).session.session_id).toBe(id)
      expect(requests.at(-1)?.json).toEqual({ session_id: id, token })
    }),
  )

  it.effect("AutoDebit.autoFlow outside a Session does not touch a current session", () =>
    Effect.gen(function* () {
      const { current } = yield* inSession(
        AutoDebit.autoFlow({ ...debit, pg_codes: ["knet"], token }),
      )
      expect(current?.session_id).toBe(earlier)
    }),
  )

  it("requires the TokenSource in its type only when no token is given", () => {
    type Requirements<T> = T extends Effect.Effect<infer _A, infer _E, infer R> ? R : never
    const withToken = () => Session.autoDebitFlow({ ...debit, token })
    const withoutToken = () => Session.autoDebitFlow(debit)
    expectTypeOf<Requirements<ReturnType<typeof withToken>>>().toEqualTypeOf<
      OttuConfig.OttuConfig | HttpClient.HttpClient | Session.CurrentSession
    >()
    expectTypeOf<Requirements<ReturnType<typeof withoutToken>>>().toEqualTypeOf<
      OttuConfig.OttuConfig | HttpClient.HttpClient | Session.CurrentSession | AutoDebit.TokenSource
    >()
  })
})
