/**
 * `Raw.request`: any Ottu endpoint through the boundary — the request it sends, the decoded JSON
 * it answers, retries for GET only, typed errors, the span, and every path or header that could
 * send the credentials elsewhere refused before sending.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Checkout, Raw } from "../src/index.ts"
import { makeRecorder, type Reply } from "./support/recording.ts"
import { onSandbox } from "./support/sandbox.ts"
import {
  configLayer,
  failureOf,
  onlyRequest,
  runRecorded,
  runRetried,
  sessionBody,
  successOf,
} from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const checkoutPath = `/b/checkout/v1/pymt-txn/${id}/`

describe("Raw.request", () => {
  it.effect("GET: sends the path with the SDK's headers and answers the decoded JSON", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Raw.request("GET", checkoutPath, { headers: { "X-Request-Id": "r-1" } }),
        { status: 200, json: sessionBody({ brand_new: { nested: [1] } }) },
      )
      expect(successOf(exit)).toEqual(sessionBody({ brand_new: { nested: [1] } }))
      const req = onlyRequest(requests, "GET", checkoutPath)
      expect(req.headers["user-agent"]).toMatch(/^effect-ottu\//)
      expect(req.headers["x-request-id"]).toBe("r-1")
      expect(req.text).toBeUndefined()
    }),
  )

  it.effect("POST: the body is sent as JSON", () =>
    Effect.gen(function* () {
      const body = { plugin: "e_commerce", currencies: ["KWD"], type: "sandbox" }
      const { exit, requests } = yield* runRecorded(
        Raw.request("POST", "/b/pbl/v2/payment-methods/", { body }),
        { status: 200, json: { payment_methods: [], customer_payment_methods: [] } },
      )
      expect(successOf(exit)).toEqual({ payment_methods: [], customer_payment_methods: [] })
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.contentType).toBe("application/json")
      expect(req?.json).toEqual(body)
      expect(req?.url.pathname).toBe("/b/pbl/v2/payment-methods/")
      expect(req?.url.search).toBe("")
    }),
  )

  it.effect("the query is appended, percent-encoded", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Raw.request("DELETE", "/b/pbl/v2/card/9923965822244314/", {
          query: { customer_id: "cust 1&2", type: "sandbox" },
        }),
        { status: 204 },
      )
      // An empty answer is `undefined`.
      expect(successOf(exit)).toBeUndefined()
      expect(requests[0]?.method).toBe("DELETE")
      expect(requests[0]?.url.search).toBe("?customer_id=cust+1%262&type=sandbox")
      expect(requests[0]?.text).toBeUndefined()
    }),
  )

  it.effect("a 2xx that is not JSON is an OttuDecodeError holding the text", () =>
    Effect.gen(function* () {
      const text = yield* runRecorded(Raw.request("GET", checkoutPath), {
        status: 200,
        text: "id,state\n1,paid",
      })
      expect(failureOf(text.exit)).toMatchObject({
        _tag: "OttuDecodeError",
        status: 200,
        body: "id,state\n1,paid",
        path: checkoutPath,
      })
    }),
  )

  it.effect("statuses are the same typed errors as any call", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Reply, string]> = [
        [{ status: 400, json: { amount: ["A valid number is required."] } }, "OttuBadRequestError"],
        [{ status: 401, json: { detail: "No credentials." } }, "OttuUnauthorizedError"],
        [{ status: 403, json: { detail: "No." } }, "OttuForbiddenError"],
        [{ status: 404, json: { detail: "Not found." } }, "OttuNotFoundError"],
        [{ status: 429, json: {}, headers: { "retry-after": "7" } }, "OttuRateLimitedError"],
        [{ status: 500, text: "boom" }, "OttuServerError"],
      ]
      for (const [reply, tag] of cases) {
        const { exit } = yield* runRecorded(Raw.request("GET", checkoutPath), reply)
        expect(failureOf(exit)).toMatchObject({
          _tag: tag,
          status: reply.status,
          method: "GET",
          path: checkoutPath,
        })
      }
      const { exit } = yield* runRecorded(Raw.request("GET", checkoutPath), {
        status: 400,
        json: { amount: ["A valid number is required."] },
      })
      expect(failureOf(exit)).toMatchObject({
        errors: { amount: ["A valid number is required."] },
      })
    }),
  )

  it.effect("a GET is retried on 503; a POST is sent once", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRetried(
        Raw.request("GET", checkoutPath),
        [
          { status: 503, json: {} },
          { status: 200, json: { ok: 2 } },
        ],
        configLayer({ retry: { times: 3, base: "1 second" } }),
      )
      expect(successOf(exit)).toEqual({ ok: 2 })
      expect(requests).toHaveLength(2)

      const others = [
        Raw.request("POST", "/b/pbl/v2/payment-methods/", { body: { plugin: "e_commerce" } }),
        Raw.request("PUT", checkoutPath, {
          body: { type: "e_commerce", amount: "1.000", currency_code: "KWD", pg_codes: ["knet"] },
        }),
        Raw.request("PATCH", checkoutPath, { body: { amount: "1.000" } }),
        Raw.request("DELETE", "/b/pbl/v2/card/9923965822244314/", {
          query: { customer_id: "cust-1", type: "sandbox" },
        }),
      ]
      for (const call of others) {
        const { exit, requests } = yield* runRecorded(
          call,
          { status: 503, json: {} },
          configLayer({ retry: { times: 3, base: "1 millis" } }),
        )
        expect(failureOf(exit)).toMatchObject({ _tag: "OttuServerError", status: 503 })
        expect(requests).toHaveLength(1)
      }
    }),
  )

  it.effect("the span is Ottu.Raw.request with the method and the path", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => ({ status: 200, json: {} }))
      const { spans } = yield* captureTelemetry(
        Raw.request("GET", checkoutPath).pipe(
          Effect.provide(Layer.merge(configLayer(), recorder.layer)),
        ),
      )
      const span = spans.find((s) => s.name === "Ottu.Raw.request")
      expect(span?.attributes.get("http.request.method")).toBe("GET")
      expect(span?.attributes.get("http.route")).toBe(checkoutPath)
    }),
  )

  describe("refuses, sending nothing, any path that is not a relative Ottu path", () => {
    const paths: ReadonlyArray<readonly [string, string]> = [
      ["https://evil.example/steal/", "absolute URL"],
      ["http:/b/checkout/v1/pymt-txn/", "scheme"],
      ["javascript:alert(1)", "scheme without slashes"],
      ["//evil.example/b/", "protocol-relative"],
      ["b/checkout/v1/pymt-txn/", "no leading slash"],
      ["", "empty"],
      ["@evil.example/b/", "userinfo"],
      ["/b/../../admin/", "dot-dot segment"],
      ["/b/./checkout/", "dot segment"],
      ["/b/%2e%2e/admin/", "encoded dot-dot"],
      ["/b/.%2E/admin/", "half-encoded dot-dot"],
      ["/b/..%2fadmin/", "encoded slash"],
      ["/\\evil.example/", "backslash"],
      ["/b/%5cevil/", "encoded backslash"],
      ["/b/checkout/?x=1", "query in the path"],
      ["/b/checkout/#frag", "fragment"],
      ["/b/check out/", "space"],
      ["/\t/evil.example/", "tab (URL parsers drop it)"],
      ["/b/\n/", "line break"],
      ["/b/%zz/", "bad percent escape"],
      ["/b/é/", "non-ASCII"],
    ]
    for (const [path, name] of paths) {
      it.effect(name, () =>
        Effect.gen(function* () {
          const { exit, requests } = yield* runRecorded(Raw.request("GET", path), {
            status: 200,
            json: {},
          })
          expect(requests).toHaveLength(0)
          expect(failureOf(exit)).toMatchObject({
            _tag: "OttuInvalidInputError",
            path: "(rejected path)",
            issues: [{ field: "path" }],
          })
        }),
      )
    }

    it.effect("with a base URL that has a path prefix, the prefix stays", () =>
      Effect.gen(function* () {
        // Not the contract recorder: the prefix is the proxy's, not Ottu's.
        const urls: Array<string> = []
        const client = HttpClient.make((request, url) =>
          Effect.sync(() => {
            urls.push(url.href)
            return HttpClientResponse.fromWeb(request, Response.json({}))
          }),
        )
        const answer = yield* Raw.request("GET", checkoutPath).pipe(
          Effect.provide(
            Layer.merge(
              configLayer({ baseUrl: "https://proxy.example/ottu" }),
              Layer.succeed(HttpClient.HttpClient, client),
            ),
          ),
        )
        expect(answer).toEqual({})
        expect(urls).toEqual([`https://proxy.example/ottu${checkoutPath}`])
      }),
    )
  })

  it.effect("refuses headers the SDK owns, bad headers, bad methods and a GET body", () =>
    Effect.gen(function* () {
      const calls: ReadonlyArray<readonly [() => ReturnType<typeof Raw.request>, string]> = [
        [
          () => Raw.request("GET", checkoutPath, { headers: { Authorization: "Bearer stolen" } }),
          "headers.Authorization",
        ],
        [
          () => Raw.request("GET", checkoutPath, { headers: { authorization: "Api-Key x" } }),
          "headers.authorization",
        ],
        [
          () => Raw.request("GET", checkoutPath, { headers: { "Proxy-Authorization": "x" } }),
          "headers.Proxy-Authorization",
        ],
        [() => Raw.request("GET", checkoutPath, { headers: { Host: "evil" } }), "headers.Host"],
        [
          () => Raw.request("GET", checkoutPath, { headers: { Accept: "text/csv" } }),
          "headers.Accept",
        ],
        [
          () => Raw.request("GET", checkoutPath, { headers: { "User-Agent": "me" } }),
          "headers.User-Agent",
        ],
        [
          () => Raw.request("GET", checkoutPath, { headers: { "X-A": "1\r\nAuthorization: x" } }),
          "headers.X-A",
        ],
        [
          () => Raw.request("GET", checkoutPath, { headers: { "bad name": "1" } }),
          "headers.bad name",
        ],
        [() => Raw.request("GET", checkoutPath, { body: { a: 1 } }), "body"],
        // biome-ignore lint/suspicious/noExplicitAny: a method as a JavaScript caller might pass it
        [() => Raw.request("TRACE" as any, checkoutPath), "method"],
        // biome-ignore lint/suspicious/noExplicitAny: a query as a JavaScript caller might pass it
        [() => Raw.request("GET", checkoutPath, { query: { n: 1 as any } }), "query.n"],
      ]
      for (const [call, field] of calls) {
        const { exit, requests } = yield* runRecorded(call(), { status: 200, json: {} })
        expect(requests).toHaveLength(0)
        const error = failureOf(exit)
        expect(error).toMatchObject({ _tag: "OttuInvalidInputError" })
        if (error._tag !== "OttuInvalidInputError") return
        expect(error.issues.map((i) => i.field)).toContain(field)
        expect(JSON.stringify(error)).not.toContain("stolen")
      }
    }),
  )

  it.effect("a body that is not JSON-encodable is refused before sending", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Raw.request("POST", "/b/pbl/v2/payment-methods/", { body: { n: 1n } }),
        { status: 200, json: {} },
      )
      expect(requests).toHaveLength(0)
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuInvalidInputError" })
    }),
  )

  it.effect("on the sandbox: reads the checkout the SDK created, 404 for another", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create({
        type: "e_commerce",
        amount: "20.230",
        currency_code: "KWD",
        pg_codes: ["knet"],
      })
      const read = yield* Raw.request("GET", `/b/checkout/v1/pymt-txn/${created.session_id}/`)
      expect(read).toMatchObject({ session_id: created.session_id, state: "created" })
      const missing = failureOf(
        yield* Effect.exit(Raw.request("GET", "/b/checkout/v1/pymt-txn/nope/")),
      )
      expect(missing).toMatchObject({ _tag: "OttuNotFoundError", status: 404 })
    }).pipe(Effect.provide(onSandbox())),
  )
})
