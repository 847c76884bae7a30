/**
 * The SDK's lean `HttpClient` over real sockets: the SDK's calls against the sandbox served by
 * the runtime's own server; answers framed, chunked and gzip-compressed; a body over the limit,
 * an interruption, a timeout and a reset against the fault server; the report download streamed
 * and its redirect followed without `Authorization`; and the `HttpClient` surface itself.
 */
import {
  FetchHttpClient,
  HttpBody,
  HttpClient,
  HttpClientRequest,
  type HttpClientResponse,
} from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  Chunk,
  Clock,
  Duration,
  Effect,
  Fiber,
  Layer,
  Option,
  Redacted,
  Stream,
  TestClock,
} from "effect"
import {
  Checkout,
  Operation,
  OttuAuth,
  OttuConfig,
  OttuHttpClient,
  Reports,
  RequestOptions,
} from "../src/index.ts"
import { defaultMaxBodyBytes } from "../src/internal/body.ts"
import { sleeping, until } from "./support/events.ts"
import { type Fault, faultServer } from "./support/faults.ts"
import {
  checkoutRoundTrip,
  serveRedirectedDownload,
  serveSandboxForTests,
  serveScoped,
} from "./support/serve.ts"
import { failureOf, sessionBody } from "./support/setup.ts"

const key = Redacted.make("lean-sandbox-key")
const served = serveSandboxForTests({ apiKey: key, host: "pay.example.test" })

const config = (baseUrl: string, timeout: Duration.DurationInput = "30 seconds") =>
  OttuConfig.layer({
    merchantId: "pay.example.test",
    auth: OttuAuth.apiKey(key),
    baseUrl,
    timeout,
    retry: { base: Duration.zero, cap: Duration.zero },
  })

const lean = (baseUrl: string, timeout?: Duration.DurationInput) =>
  Layer.merge(config(baseUrl, timeout), OttuHttpClient.layer)

const sessionId = sessionBody().session_id

/** The live clock, counting the sleeps in progress (an interrupted one ends). */
const countingSleeps = Effect.map(Effect.clock, (live) => {
  let active = 0
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => live.unsafeCurrentTimeMillis(),
    unsafeCurrentTimeNanos: () => live.unsafeCurrentTimeNanos(),
    currentTimeMillis: live.currentTimeMillis,
    currentTimeNanos: live.currentTimeNanos,
    sleep: (duration) =>
      Effect.acquireUseRelease(
        Effect.sync(() => active++),
        () => live.sleep(duration),
        () => Effect.sync(() => active--),
      ),
  }
  return { clock, active: () => active }
})

describe("the SDK over OttuHttpClient, against the served sandbox", () => {
  it.effect("creates, updates, reads and cancels a checkout", () =>
    Effect.gen(function* () {
      const created = yield* checkoutRoundTrip
      const canceled = yield* Operation.cancel({ session_id: created.session_id })
      expect(canceled.result).toBe("success")
      expect((yield* Checkout.retrieve(created.session_id)).state).toBe("canceled")
    }).pipe(Effect.provide(lean(served().url))),
  )

  it.live("a timeout longer than a runtime timer holds (30 days, infinity) never strikes", () =>
    Effect.gen(function* () {
      // `setTimeout` takes at most 2^31 - 1 ms (24.8 days) and fires at once beyond that.
      for (const timeout of [Duration.days(30), Duration.infinity]) {
        const created = yield* Checkout.create({
          type: "e_commerce",
          amount: "1.000",
          currency_code: "KWD",
          pg_codes: ["knet"],
        }).pipe(Effect.provide(lean(served().url, timeout)))
        expect(created.state).toBe("created")
      }
    }),
  )

  it.effect("works with another idle timeout for Deno's pool", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create({
        type: "e_commerce",
        amount: "5.000",
        currency_code: "KWD",
        pg_codes: ["knet"],
      })
      expect((yield* Checkout.retrieve(created.session_id)).amount).toBe("5.000")
    }).pipe(
      Effect.provide(
        Layer.merge(
          config(served().url),
          OttuHttpClient.layerWith({ idleTimeout: Duration.seconds(1) }),
        ),
      ),
    ),
  )

  it.effect("refuses a wrong key with an OttuUnauthorizedError", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Checkout.retrieve("0".repeat(40)))
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuUnauthorizedError", status: 401 })
    }).pipe(
      Effect.provide(
        Layer.merge(
          OttuConfig.layer({
            merchantId: "pay.example.test",
            auth: OttuAuth.apiKey(Redacted.make("nope")),
            baseUrl: served().url,
          }),
          OttuHttpClient.layer,
        ),
      ),
    ),
  )
})

describe("answers over OttuHttpClient", () => {
  const framings: ReadonlyArray<Fault> = [
    { _tag: "Ok", json: sessionBody() },
    { _tag: "Chunked", json: sessionBody() },
    { _tag: "Gzip", json: sessionBody() },
  ]
  for (const fault of framings) {
    it.live(`reads an answer sent ${fault._tag}`, () =>
      Effect.gen(function* () {
        const server = yield* faultServer(() => fault)
        const session = yield* Checkout.retrieve(sessionId).pipe(Effect.provide(lean(server.url)))
        expect(session).toMatchObject({ session_id: sessionId, amount: "20.230" })
      }).pipe(Effect.scoped),
    )
  }

  it.live("a chunked answer really comes without a Content-Length", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(() => ({ _tag: "Chunked", json: sessionBody() }))
      const response = yield* HttpClient.get(`${server.url}/x`)
      expect(response.headers["content-length"]).toBeUndefined()
      expect(JSON.parse(yield* response.text)).toMatchObject({ session_id: sessionId })
    }).pipe(Effect.provide(OttuHttpClient.layer), Effect.scoped),
  )

  it.live("stops reading an endless chunked body at the limit and closes the connection", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(() => ({ _tag: "EndlessChunked" }))
      const exit = yield* Effect.exit(
        Checkout.retrieve(sessionId).pipe(Effect.provide(lean(server.url))),
      )
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuDecodeError",
        reason: `the body exceeds ${defaultMaxBodyBytes} bytes`,
      })
      yield* server.awaitNoConnections
    }).pipe(Effect.scoped),
  )

  it.live("an interrupted call aborts its request", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(() => ({ _tag: "StallHeaders" }))
      const fiber = yield* Effect.fork(
        Checkout.retrieve(sessionId).pipe(Effect.provide(lean(server.url))),
      )
      yield* server.awaitReceived(1)
      yield* Fiber.interrupt(fiber)
      yield* server.awaitNoConnections
    }).pipe(Effect.scoped),
  )

  it.effect("a stalled body times out with an OttuTimeoutError and its request is aborted", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(() => ({ _tag: "StallBody" }))
      const fiber = yield* Effect.fork(
        Effect.exit(
          Checkout.create({
            type: "e_commerce",
            amount: "1.000",
            currency_code: "KWD",
            pg_codes: ["knet"],
          }).pipe(Effect.provide(lean(server.url, "2 seconds"))),
        ),
      )
      yield* server.awaitReceived(1)
      yield* sleeping(2000)
      yield* TestClock.adjust("2 seconds")
      const exit = yield* Fiber.join(fiber)
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuTimeoutError" })
      yield* server.awaitNoConnections
      expect(server.received()).toHaveLength(1)
    }).pipe(Effect.scoped),
  )

  it.effect("stalled headers time out with an OttuTimeoutError and the request is aborted", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(() => ({ _tag: "StallHeaders" }))
      // A read would be sent again after its timeout: without retries, one attempt is watched.
      const fiber = yield* Effect.fork(
        Effect.exit(
          Checkout.retrieve(sessionId).pipe(
            RequestOptions.withRequestOptions({ retry: false }),
            Effect.provide(lean(server.url, "2 seconds")),
          ),
        ),
      )
      yield* server.awaitReceived(1)
      yield* sleeping(2000)
      // One second short of the timeout, nothing happens.
      yield* TestClock.adjust("1 second")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.join(fiber)
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuTimeoutError",
        method: "GET",
        path: `/b/checkout/v1/pymt-txn/${sessionId}/`,
      })
      yield* server.awaitNoConnections
    }).pipe(Effect.scoped),
  )

  it.live("the timeout's sleep ends with the call: answered, refused or interrupted", () =>
    Effect.gen(function* () {
      const { clock, active } = yield* countingSleeps
      const layer = lean(served().url, "1 hour")
      const ended = until(Effect.sync(() => active() === 0))
      const created = yield* Checkout.create({
        type: "e_commerce",
        amount: "1.000",
        currency_code: "KWD",
        pg_codes: ["knet"],
      }).pipe(Effect.provide(layer), Effect.withClock(clock))
      yield* ended
      const refused = yield* Effect.exit(
        Checkout.retrieve(`${created.session_id}0`).pipe(
          Effect.provide(layer),
          Effect.withClock(clock),
        ),
      )
      expect(failureOf(refused)).toMatchObject({ _tag: "OttuNotFoundError" })
      yield* ended
      const server = yield* faultServer(() => ({ _tag: "StallHeaders" }))
      const fiber = yield* Effect.fork(
        Checkout.retrieve(sessionId).pipe(
          Effect.provide(lean(server.url, "1 hour")),
          Effect.withClock(clock),
        ),
      )
      yield* server.awaitReceived(1)
      expect(active()).toBe(1)
      yield* Fiber.interrupt(fiber)
      yield* ended
      yield* server.awaitNoConnections
    }).pipe(Effect.scoped),
  )

  it.live("a connection reset is an OttuTransportError, and a create is sent once", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(() => ({ _tag: "ResetBeforeAnswer" }))
      const exit = yield* Effect.exit(
        Checkout.create({
          type: "e_commerce",
          amount: "1.000",
          currency_code: "KWD",
          pg_codes: ["knet"],
        }).pipe(Effect.provide(lean(server.url))),
      )
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuTransportError",
        path: "/b/checkout/v1/pymt-txn/",
      })
      expect(server.received()).toHaveLength(1)
    }).pipe(Effect.scoped),
  )
})

describe("Reports.download over OttuHttpClient", () => {
  it.live("streams the file and follows the same-origin redirect without Authorization", () =>
    Effect.gen(function* () {
      const token = "0b7e3a2c-59f4-4a4e-9f43-7f1d2c3b4a50"
      const downloadPath = `/b/api/v1/reports/files/${token}/download/`
      const rows = Array.from({ length: 2000 }, (_, i) => `s${i},20.230\r\n`)
      const server = yield* serveRedirectedDownload(downloadPath, () => {
        const encoder = new TextEncoder()
        let row = 0
        return new Response(
          new ReadableStream<Uint8Array>({
            pull: (controller) => {
              if (row === rows.length) return controller.close()
              controller.enqueue(encoder.encode(rows.slice(row, row + 100).join("")))
              row += 100
            },
          }),
          { headers: { "content-type": "text/csv" } },
        )
      })
      const file = yield* Reports.download(token).pipe(Effect.provide(lean(server.url)))
      const chunks = yield* Stream.runCollect(file.body)
      const text = new TextDecoder().decode(
        Chunk.reduce(chunks, new Uint8Array(0), (all, chunk) => {
          const next = new Uint8Array(all.byteLength + chunk.byteLength)
          next.set(all)
          next.set(chunk, all.byteLength)
          return next
        }),
      )
      expect(text).toBe(rows.join(""))
      expect(server.seen).toEqual([
        { path: downloadPath, authorization: `Api-Key ${Redacted.value(key)}` },
        { path: "/storage/daily.csv", authorization: null },
      ])
    }).pipe(Effect.scoped),
  )
})

describe("OttuHttpClient as an HttpClient", () => {
  /** Answers what it received: method, path, query, content type, body; sets a cookie. */
  const echo = serveScoped(async (request) => {
    const url = new URL(request.url)
    return Response.json(
      {
        method: request.method,
        path: url.pathname,
        query: url.search,
        type: request.headers.get("content-type"),
        body: await request.text(),
      },
      { headers: { "set-cookie": "lean=1; Path=/" } },
    )
  })

  const echoed = (response: HttpClientResponse.HttpClientResponse) =>
    Effect.map(response.json, (json) => json as Record<string, string | null>)

  it.live("sends query parameters, text, form data and streamed bodies", () =>
    Effect.gen(function* () {
      const server = yield* echo
      const client = yield* HttpClient.HttpClient
      const get = yield* client.execute(
        HttpClientRequest.get(`${server.url}/q`, { urlParams: { a: "1", b: "x y" } }),
      )
      expect(yield* echoed(get)).toMatchObject({ method: "GET", path: "/q", query: "?a=1&b=x+y" })
      expect(get.cookies.cookies.lean?.value).toBe("1")

      const text = yield* client.execute(
        HttpClientRequest.post(`${server.url}/t`, {
          body: HttpBody.text('{"a":1}', "application/json"),
        }),
      )
      expect(yield* echoed(text)).toMatchObject({ type: "application/json", body: '{"a":1}' })

      const form = new FormData()
      form.set("field", "value")
      const multipart = yield* echoed(
        yield* client.execute(
          HttpClientRequest.post(`${server.url}/f`, { body: HttpBody.formData(form) }),
        ),
      )
      expect(multipart.type).toMatch(/^multipart\/form-data; boundary=/)
      expect(multipart.body).toContain('name="field"')

      const streamed = yield* client.execute(
        HttpClientRequest.put(`${server.url}/s`, {
          body: HttpBody.stream(Stream.make(new TextEncoder().encode("part")), "text/plain"),
        }),
      )
      expect(yield* echoed(streamed)).toMatchObject({ method: "PUT", body: "part" })
    }).pipe(Effect.provide(OttuHttpClient.layer), Effect.scoped),
  )

  it.live("reads bodies as bytes, URL parameters and streams", () =>
    Effect.gen(function* () {
      const server = yield* echo
      const client = yield* HttpClient.HttpClient
      const send = () => client.execute(HttpClientRequest.del(`${server.url}/d`))
      const bytes = yield* Effect.flatMap(send(), (response) => response.arrayBuffer)
      expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({ method: "DELETE" })
      const params = yield* Effect.flatMap(send(), (response) => response.urlParamsBody)
      expect(params.length).toBe(1)
      const chunks = yield* Effect.flatMap(send(), (response) => Stream.runCollect(response.stream))
      expect(Chunk.size(chunks)).toBeGreaterThan(0)
    }).pipe(Effect.provide(OttuHttpClient.layer), Effect.scoped),
  )

  it.live("honours FetchHttpClient.RequestInit from the context (manual redirects)", () =>
    Effect.gen(function* () {
      const server = yield* serveScoped(
        async () => new Response(null, { status: 302, headers: { location: "/else" } }),
      )
      const response = yield* HttpClient.get(`${server.url}/r`).pipe(
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }),
      )
      expect(response.status).toBe(302)
      expect(Option.isNone(response.remoteAddress)).toBe(true)
    }).pipe(Effect.provide(OttuHttpClient.layer), Effect.scoped),
  )
})
