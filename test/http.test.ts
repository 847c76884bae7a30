import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, TestClock } from "effect"
import { Checkout, OttuHttpClient, RequestOptions } from "../src/index.ts"
import { refusedLayer } from "./support/recording.ts"
import { configLayer, failureOf, runRecorded } from "./support/setup.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"

describe("status to tagged error", () => {
  const cases: ReadonlyArray<readonly [number, string]> = [
    [401, "OttuUnauthorizedError"],
    [403, "OttuForbiddenError"],
    [404, "OttuNotFoundError"],
    [409, "OttuConflictError"],
    [423, "OttuConflictError"],
    [410, "OttuGoneError"],
    [415, "OttuUnsupportedMediaTypeError"],
    [500, "OttuServerError"],
    [502, "OttuServerError"],
    [503, "OttuServerError"],
    [405, "OttuUnexpectedStatusError"],
    [302, "OttuUnexpectedStatusError"],
  ]
  for (const [status, tag] of cases) {
    it.effect(`${status} gives ${tag} with status, method, path, body and detail`, () =>
      Effect.gen(function* () {
        const { exit } = yield* runRecorded(Checkout.retrieve(id), {
          status,
          json: { detail: `detail for ${status}` },
        })
        const error = failureOf(exit)
        expect(error._tag).toBe(tag)
        expect(error).toMatchObject({
          status,
          method: "GET",
          path: `/b/checkout/v1/pymt-txn/${id}/`,
          body: { detail: `detail for ${status}` },
          detail: `detail for ${status}`,
        })
      }),
    )
  }

  it.effect("400 flattens field errors, nested ones included", () =>
    Effect.gen(function* () {
      const body = {
        amount: ["This field is required."],
        notifications: { sms: ["Provide the `customer_phone` field."] },
        pg_codes: { 0: ["Unknown code."] },
      }
      const { exit } = yield* runRecorded(
        Checkout.create({
          type: "e_commerce",
          amount: "1.000",
          currency_code: "KWD",
          pg_codes: ["x"],
        }),
        { status: 400, json: body },
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag !== "OttuBadRequestError") return
      expect(error.errors).toEqual({
        amount: ["This field is required."],
        "notifications.sms": ["Provide the `customer_phone` field."],
        "pg_codes.0": ["Unknown code."],
      })
      expect(error.body).toEqual(body)
      expect(error.message).toContain("amount: This field is required.")
    }),
  )

  it.effect("400 with a detail (PATCH shape) keeps it", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Checkout.update(id, { amount: "2.000" }), {
        status: 400,
        json: { detail: "Cannot update a paid transaction." },
      })
      const error = failureOf(exit)
      expect(error).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "Cannot update a paid transaction.",
        errors: {},
      })
    }),
  )

  it.effect("400 refusal ({detail, operation, result}) keeps the detail and names no field", () =>
    Effect.gen(function* () {
      const body = { detail: "Amount exceeds balance", operation: "refund", result: "failed" }
      const { exit } = yield* runRecorded(Checkout.retrieve(id), { status: 400, json: body })
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuBadRequestError", detail: body.detail, errors: {} })
      expect(error.message).not.toContain("result")
    }),
  )

  it.effect("429 keeps Retry-After in seconds and as an HTTP date", () =>
    Effect.gen(function* () {
      const seconds = yield* runRecorded(Checkout.retrieve(id), {
        status: 429,
        json: { detail: "Request was throttled." },
        headers: { "retry-after": "7" },
      })
      const error = failureOf(seconds.exit)
      expect(error._tag).toBe("OttuRateLimitedError")
      if (error._tag === "OttuRateLimitedError") {
        expect(error.retryAfter && Duration.toMillis(error.retryAfter)).toBe(7000)
      }
      yield* TestClock.setTime(Date.parse("2026-11-27T10:00:00Z"))
      const dated = yield* runRecorded(Checkout.retrieve(id), {
        status: 429,
        text: "slow down",
        headers: { "retry-after": "Fri, 27 Nov 2026 10:00:30 GMT" },
      })
      const datedError = failureOf(dated.exit)
      expect(datedError).toMatchObject({ _tag: "OttuRateLimitedError", body: "slow down" })
      if (datedError._tag === "OttuRateLimitedError") {
        expect(datedError.retryAfter && Duration.toMillis(datedError.retryAfter)).toBe(30_000)
      }
    }),
  )

  it.effect("503 keeps Retry-After too (RFC 9110), as an OttuServerError", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Checkout.retrieve(id), {
        status: 503,
        json: { detail: "Maintenance" },
        headers: { "retry-after": "12" },
      })
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuServerError", status: 503, detail: "Maintenance" })
      if (error._tag === "OttuServerError") {
        expect(error.retryAfter && Duration.toMillis(error.retryAfter)).toBe(12_000)
      }
      const plain = failureOf(
        (yield* runRecorded(Checkout.retrieve(id), { status: 500, json: {} })).exit,
      )
      expect(plain).toMatchObject({ _tag: "OttuServerError", status: 500 })
      expect(plain).not.toHaveProperty("retryAfter")
    }),
  )

  it.effect("a non-JSON error body is kept as text", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Checkout.retrieve(id), {
        status: 502,
        text: "<html>Bad gateway</html>",
      })
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuServerError",
        status: 502,
        body: "<html>Bad gateway</html>",
      })
    }),
  )

  it.effect("a success that is not JSON is an OttuDecodeError keeping the raw text", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Checkout.retrieve(id), {
        status: 200,
        text: "<html>maintenance</html>",
      })
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuDecodeError",
        status: 200,
        method: "GET",
        path: `/b/checkout/v1/pymt-txn/${id}/`,
        body: "<html>maintenance</html>",
      })
    }),
  )

  it.effect("a success of the wrong shape is an OttuDecodeError saying what is wrong", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Checkout.retrieve(id), {
        status: 200,
        json: { state: "created" },
      })
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuDecodeError")
      if (error._tag === "OttuDecodeError") {
        expect(error.reason).toContain("session_id")
        expect(error.body).toBe('{"state":"created"}')
      }
    }),
  )
})

const provide = <A, E>(
  effect: Effect.Effect<A, E, HttpClient.HttpClient | import("../src/OttuConfig.ts").OttuConfig>,
  client: Layer.Layer<HttpClient.HttpClient>,
  config = configLayer(),
) => effect.pipe(Effect.provide(Layer.merge(config, client)))

describe("transport and timeout", () => {
  it.effect("a transport failure is an OttuTransportError without the request's headers", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(provide(Checkout.retrieve(id), refusedLayer))
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuTransportError")
      expect(error).toMatchObject({ method: "GET", path: `/b/checkout/v1/pymt-txn/${id}/` })
      expect(Object.keys(error)).not.toContain("request")
    }),
  )

  it.effect("the default timeout of 30 seconds gives an OttuTimeoutError", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        runRecorded(Checkout.retrieve(id), () =>
          Effect.as(Effect.sleep("1 minute"), { status: 200, json: {} }),
        ),
      )
      yield* TestClock.adjust("31 seconds")
      const { exit } = yield* Fiber.join(fiber)
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuTimeoutError")
      if (error._tag === "OttuTimeoutError") {
        expect(Duration.toSeconds(error.timeout)).toBe(30)
      }
    }),
  )
})

/** A loopback server whose handler misbehaves on purpose; closed with the scope. */
const misbehaving = (handler: Parameters<typeof createServer>[1]) =>
  Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const server = createServer(handler)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      }),
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

describe("over a real socket", () => {
  // On the live clock: `Effect.timeoutFail` over FetchHttpClient, a `setTimeout` that aborts the
  // request over OttuHttpClient.
  const transports = [
    ["FetchHttpClient", FetchHttpClient.layer],
    ["OttuHttpClient", OttuHttpClient.layer],
  ] as const
  for (const [name, transport] of transports) {
    it.live(`the timeout covers a body that never ends, over ${name}`, () =>
      Effect.gen(function* () {
        const baseUrl = yield* misbehaving((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.write('{"session_id":')
        })
        const exit = yield* Effect.exit(
          provide(
            Checkout.retrieve(id).pipe(RequestOptions.withRequestOptions({ retry: false })),
            transport,
            configLayer({ baseUrl, timeout: "300 millis" }),
          ),
        )
        expect(failureOf(exit)).toMatchObject({ _tag: "OttuTimeoutError", method: "GET" })
      }).pipe(Effect.scoped),
    )
  }

  it.live("a connection reset mid-body is an OttuTransportError", () =>
    Effect.gen(function* () {
      const baseUrl = yield* misbehaving((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "500" })
        res.write('{"session_id":"abc",')
        setTimeout(() => res.socket?.destroy(), 20)
      })
      const exit = yield* Effect.exit(
        provide(Checkout.retrieve(id), FetchHttpClient.layer, configLayer({ baseUrl })),
      )
      expect(failureOf(exit)._tag).toBe("OttuTransportError")
    }).pipe(Effect.scoped),
  )

  it.live("a truncated JSON success is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const baseUrl = yield* misbehaving((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end('{"session_id":"abc",')
      })
      const exit = yield* Effect.exit(
        provide(Checkout.retrieve(id), FetchHttpClient.layer, configLayer({ baseUrl })),
      )
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuDecodeError",
        body: '{"session_id":"abc",',
      })
    }).pipe(Effect.scoped),
  )
})
