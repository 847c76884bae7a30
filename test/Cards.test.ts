import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import { Cards } from "../src/index.ts"
import { refusedLayer } from "./support/recording.ts"
import {
  apiKey,
  cardBody,
  configLayer,
  failureOf,
  merchantId,
  runRecorded,
  successOf,
} from "./support/setup.ts"

import { captureTelemetry } from "./support/telemetry.ts"

const listPath = "/b/pbl/v2/card/"
const route = "/b/pbl/v2/card/{token}/"
const token = "9923965822244314"

/** A `Card` as Ottu lists it. */
const card = (fields: Record<string, unknown> = {}) => cardBody({ token, ...fields })

const older = card({
  token: "8812854711133203",
  is_preferred: false,
  number: "**** 1019",
  brand: null,
  name_on_card: null,
  agreements: [],
})

describe("Cards.list", () => {
  it.effect("POSTs the configured customer and environment", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Cards.list(), {
        status: 200,
        json: [card(), older],
      })
      const cards = successOf(exit)
      expect(cards).toEqual([card(), older])
      expect(requests).toHaveLength(1)
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}${listPath}`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.contentType).toBe("application/json")
      expect(req?.json).toEqual({ customer_id: "cust-1", type: "sandbox" })
    }),
  )

  it.effect("sends type production when configured so", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Cards.list(),
        { status: 200, json: [] },
        configLayer({ environment: "production" }),
      )
      expect(requests[0]?.json).toEqual({ customer_id: "cust-1", type: "production" })
    }),
  )

  it.effect("sends an explicit customer, pg_codes and agreement_id", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Cards.list({ customer_id: "cust-9", pg_codes: ["credit-card"], agreement_id: "A123" }),
        { status: 200, json: [card({ customer_id: "cust-9" })] },
      )
      expect(requests[0]?.json).toEqual({
        customer_id: "cust-9",
        pg_codes: ["credit-card"],
        agreement_id: "A123",
        type: "sandbox",
      })
    }),
  )

  it.effect("reads a single card object (the documented shape) as a list of one", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Cards.list({ agreement_id: "A123" }), {
        status: 200,
        json: card({ future_field: 1 }),
      })
      expect(successOf(exit)).toEqual([card({ future_field: 1 })])
    }),
  )

  it.effect("an empty array is an empty list", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Cards.list(), { status: 200, json: [] })
      expect(successOf(exit)).toEqual([])
    }),
  )

  it.effect("a card without a token is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { token: _token, ...broken } = card()
      const { exit } = yield* runRecorded(Cards.list(), { status: 200, json: [broken] })
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuDecodeError", path: listPath })
    }),
  )

  it.effect("with no customer given nor configured fails and sends nothing", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Cards.list(),
        { status: 200, json: [] },
        configLayer({ customerId: undefined }),
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(error.issues.map((i) => i.field)).toEqual(["customer_id"])
        expect(error.path).toBe(listPath)
      }
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("refuses an empty customer and unknown filters", () =>
    Effect.gen(function* () {
      for (const params of [{ customer_id: "" }, { customer: "cust-2" }, { pg_codes: "mpgs" }]) {
        const { exit, requests } = yield* runRecorded(
          Cards.list(params as typeof Cards.ListParams.Encoded),
          { status: 200, json: [] },
        )
        expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
        expect(requests).toHaveLength(0)
      }
    }),
  )

  it.effect("a 400 is an OttuBadRequestError with field errors", () =>
    Effect.gen(function* () {
      const body = { customer_id: ["This field is required."] }
      const { exit } = yield* runRecorded(Cards.list(), { status: 400, json: body })
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError") expect(error.errors).toEqual(body)
    }),
  )
})

describe("Cards.latest", () => {
  it.effect("is the first card listed", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Cards.latest({ agreement_id: "A123456789" }), {
        status: 200,
        json: [card(), older],
      })
      const latest = successOf(exit)
      expect(Option.isSome(latest)).toBe(true)
      expect(Option.getOrUndefined(latest)).toEqual(card())
      expect(requests[0]?.json).toEqual({
        customer_id: "cust-1",
        agreement_id: "A123456789",
        type: "sandbox",
      })
    }),
  )

  it.effect("follows Ottu's order, not a sort of its own", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Cards.latest(), {
        status: 200,
        json: [older, card()],
      })
      expect(Option.getOrUndefined(successOf(exit))?.token).toBe(older.token)
    }),
  )

  it.effect("is None when there is no card", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Cards.latest(), { status: 200, json: [] })
      expect(Option.isNone(successOf(exit))).toBe(true)
    }),
  )

  it.effect("propagates a failure of the list", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Cards.latest(), {
        status: 401,
        json: { detail: "Authentication credentials were not provided." },
      })
      expect(failureOf(exit)._tag).toBe("OttuUnauthorizedError")
    }),
  )
})

describe("Cards.remove", () => {
  it.effect("DELETEs the card with customer and environment in the query, no body", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Cards.remove(token), { status: 204 })
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(successOf(exit)).toBeUndefined()
      expect(requests).toHaveLength(1)
      const req = requests[0]
      expect(req?.method).toBe("DELETE")
      expect(req?.url.href).toBe(
        `https://${merchantId}/b/pbl/v2/card/${token}/?customer_id=cust-1&type=sandbox`,
      )
      expect(req?.path).toBe(`/b/pbl/v2/card/${token}/`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.text ?? "").toBe("")
      expect(req?.json).toBeUndefined()
      expect(req?.form).toBeUndefined()
    }),
  )

  it.effect("the 204 answer leaves no log line and no span naming the token", () =>
    Effect.gen(function* () {
      const { exit, spans, lines } = yield* captureTelemetry(
        runRecorded(Cards.remove(token), { status: 204 }),
      )
      expect(Exit.isSuccess(successOf(exit).exit)).toBe(true)
      for (const line of lines) expect(line).not.toContain(token)
      for (const recorded of spans) {
        for (const [key, value] of recorded.attributes) {
          expect(`${key}=${String(value)}`).not.toContain(token)
        }
      }
    }),
  )

  it.effect("uses an explicit customer and the production environment", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Cards.remove(token, { customer_id: "cust 9&x" }),
        { status: 204 },
        configLayer({ environment: "production" }),
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      const params = requests[0]?.url.searchParams
      expect(params?.get("customer_id")).toBe("cust 9&x")
      expect(params?.get("type")).toBe("production")
      expect([...(params?.keys() ?? [])]).toEqual(["customer_id", "type"])
    }),
  )

  it.effect("a 404 names the route, never the token, in the error and the spans", () =>
    Effect.gen(function* () {
      const { exit, spans, lines } = yield* captureTelemetry(
        runRecorded(Cards.remove(token), { status: 404, json: { detail: "Not found." } }),
      )
      const { exit: inner, requests } = successOf(exit)
      expect(requests).toHaveLength(1)
      const error = failureOf(inner)
      expect(error._tag).toBe("OttuNotFoundError")
      expect(error).toMatchObject({ method: "DELETE", path: route, status: 404 })
      expect(error.message).toContain(route)
      expect(error.message).not.toContain(token)
      expect(JSON.stringify(error)).not.toContain(token)
      const span = spans.find((s) => s.name === "Ottu.Cards.remove")
      expect(span).toBeDefined()
      expect(span?.attributes.get("http.route")).toBe(route)
      expect(span?.attributes.get("ottu.customer_id")).toBe("cust-1")
      for (const recorded of spans) {
        for (const [key, value] of recorded.attributes) {
          expect(`${key}=${String(value)}`).not.toContain(token)
        }
      }
      for (const line of lines) expect(line).not.toContain(token)
    }),
  )

  it.effect("a transport failure names the route, never the token", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Cards.remove(token).pipe(Effect.provide(Layer.merge(configLayer(), refusedLayer))),
      )
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuTransportError", method: "DELETE", path: route })
      expect(error.message).not.toContain(token)
      expect(JSON.stringify(error)).not.toContain(token)
    }),
  )

  it.effect("a locked card (400) names the route, never the token", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Cards.remove(token), {
        status: 400,
        json: { detail: "This card is linked to an active agreement." },
      })
      const error = failureOf(exit)
      expect(error).toMatchObject({
        _tag: "OttuBadRequestError",
        path: route,
        detail: "This card is linked to an active agreement.",
      })
      expect(error.message).not.toContain(token)
    }),
  )

  it.effect("with no customer given nor configured fails and sends nothing", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Cards.remove(token),
        { status: 204 },
        configLayer({ customerId: undefined }),
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(error.issues.map((i) => i.field)).toEqual(["customer_id"])
        expect(error.method).toBe("DELETE")
        expect(error.path).toBe(route)
      }
      expect(requests).toHaveLength(0)
    }),
  )

  for (const bad of ["a/b", "../card", "", "tok en", "tok?x=1", "tok#1", "tok%2F1"]) {
    it.effect(`refuses the token ${JSON.stringify(bad)} and sends nothing`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(Cards.remove(bad), { status: 204 })
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(error.method).toBe("DELETE")
          expect(error.path).toBe(route)
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }
})
