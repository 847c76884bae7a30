/**
 * `Cash` (deprecated in Ottu's spec): both paths send what the contract says, the payment payload
 * is decoded, refusals and errors are typed, nothing is re-sent, and the sandbox moves the
 * session to `cod` as Ottu does.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import { Cash, Checkout, Operation, OttuSandbox } from "../src/index.ts"
import { onSandbox, postToSandbox } from "./support/sandbox.ts"
import { apiKey, configLayer, failureOf, merchantId, runRecorded } from "./support/setup.ts"
import { trackedSandbox } from "./support/store.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"

/** The payment payload Ottu answers with after a cash acknowledgement. */
const payment = {
  session_id: id,
  order_no: "A-1",
  state: "cod",
  result: "cod",
  amount: "20.230",
  currency_code: "KWD",
  paid_amount: 0,
  gateway_name: "cash",
  brand_new_field: 1,
}

const paths = [
  ["acknowledge", Cash.acknowledge, "/b/pbl/v2/payment/cash/"],
  ["acknowledgeLegacy", Cash.acknowledgeLegacy, "/b/pbl/v2/cash-payment/"],
] as const

for (const [name, call, path] of paths) {
  describe(`Cash.${name}`, () => {
    it.effect(`POSTs {session_id} as JSON to ${path}`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(call(id), { status: 200, json: payment })
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(requests).toHaveLength(1)
        const req = requests[0]
        expect(req?.method).toBe("POST")
        expect(req?.url.href).toBe(`https://${merchantId}${path}`)
        expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
        expect(req?.contentType).toBe("application/json")
        expect(req?.json).toEqual({ session_id: id })
      }),
    )

    it.effect("decodes the payment payload: numbers as strings, unknown fields kept", () =>
      Effect.gen(function* () {
        const { exit } = yield* runRecorded(call(id), { status: 200, json: payment })
        expect(Exit.isSuccess(exit) && exit.value).toMatchObject({
          state: "cod",
          paid_amount: "0",
          brand_new_field: 1,
        })
      }),
    )

    for (const [label, value] of [
      ["a blank session id", " "],
      ["a session id over 128 characters", "a".repeat(129)],
    ] as const) {
      it.effect(`refuses ${label} and sends nothing`, () =>
        Effect.gen(function* () {
          const { exit, requests } = yield* runRecorded(call(value), { status: 200, json: payment })
          expect(failureOf(exit)).toMatchObject({ _tag: "OttuInvalidInputError", path })
          expect(requests).toHaveLength(0)
        }),
      )
    }

    it.effect("Ottu's refusal {detail, result: failed} is an OttuBadRequestError", () =>
      Effect.gen(function* () {
        const body = { detail: "Cannot acknowledge a paid transaction.", result: "failed" }
        const { exit } = yield* runRecorded(call(id), { status: 400, json: body })
        expect(failureOf(exit)).toMatchObject({
          _tag: "OttuBadRequestError",
          detail: body.detail,
          path,
        })
      }),
    )

    it.effect("is never re-sent, even with retries on and a transient failure", () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(
          call(id),
          { status: 502, json: {} },
          configLayer({ retry: { times: 5, base: "1 millis" } }),
        )
        expect(failureOf(exit)._tag).toBe("OttuServerError")
        expect(requests).toHaveLength(1)
      }),
    )
  })
}

describe("Cash on the sandbox", () => {
  const order = {
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: ["knet"],
  } as const

  for (const [name, call] of paths) {
    it.effect(
      `${name} makes the session cod, logs the payment event, and cod can be cancelled`,
      () =>
        Effect.gen(function* () {
          const session = yield* Checkout.create(order)
          const payload = yield* call(session.session_id)
          expect(payload.state).toBe("cod")
          expect((yield* Checkout.retrieve(session.session_id)).state).toBe("cod")
          const events = yield* OttuSandbox.events
          expect(events.map((e) => [e.kind, e.session_id])).toEqual([
            ["payment", session.session_id],
          ])
          yield* Operation.cancel({ session_id: session.session_id })
          expect((yield* Checkout.retrieve(session.session_id)).state).toBe("canceled")
        }).pipe(Effect.provide(onSandbox())),
    )
  }

  it.effect("a paid session cannot be acknowledged: 400 {detail, result: failed}", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(order)
      yield* OttuSandbox.pay(session.session_id)
      const error = yield* Effect.flip(Cash.acknowledge(session.session_id))
      expect(error).toMatchObject({ _tag: "OttuBadRequestError", body: { result: "failed" } })
      expect((yield* Checkout.retrieve(session.session_id)).state).toBe("paid")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("an expired session can still be acknowledged (a late cash payment)", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(order)
      yield* Operation.expire({ session_id: session.session_id })
      expect((yield* Cash.acknowledge(session.session_id)).state).toBe("cod")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("an unknown session is an OttuNotFoundError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Cash.acknowledge(id))
      expect(error._tag).toBe("OttuNotFoundError")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("a body without session_id: 400 field error", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox("/b/pbl/v2/payment/cash/", {})
      expect(status).toBe(400)
      expect(json).toEqual({ session_id: ["This field is required."] })
    }),
  )

  it.effect("the acknowledgement is saved by automatic persistence", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(order)
      yield* Cash.acknowledge(session.session_id)
      const kept = yield* CheckoutStore.get(session.session_id)
      expect(Option.map(kept, (checkout) => checkout.state)).toEqual(Option.some("cod"))
    }).pipe(Effect.provide(trackedSandbox().pipe(Layer.provideMerge(CheckoutStore.layerMemory)))),
  )

  it.effect("runs in span Ottu.Cash.acknowledge naming the session", () =>
    Effect.gen(function* () {
      const { spans } = yield* captureTelemetry(
        runRecorded(Cash.acknowledge(id), { status: 200, json: payment }),
      )
      const span = spans.find((s) => s.name === "Ottu.Cash.acknowledge")
      expect(span?.attributes.get("ottu.session_id")).toBe(id)
    }),
  )
})
