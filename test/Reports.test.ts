/**
 * Reports: the list request (held to the contract) and its decoded page, input refused before
 * sending, error statuses as typed errors; the download followed to storage without any of
 * Ottu's headers, over the recording client, over a real socket with the fetch client, and
 * against the sandbox; the file streamed in chunks, never buffered whole.
 */
import {
  FetchHttpClient,
  HttpClient,
  type HttpClientRequest,
  HttpClientResponse,
  UrlParams,
} from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  Chunk,
  type ConfigError,
  Context,
  Duration,
  Effect,
  Layer,
  Option,
  Redacted,
  Ref,
  Stream,
  TestClock,
} from "effect"
import { OttuAuth, OttuConfig, OttuSandbox, Reports } from "../src/index.ts"
import {
  withContract as checked,
  makeRecorder,
  type Recorded,
  type Reply,
} from "./support/recording.ts"
import { reportBody } from "./support/reports.ts"
import { sandboxConfig, sandboxKey } from "./support/sandbox.ts"
import { serveRedirectedDownload } from "./support/serve.ts"
import {
  apiKey,
  configLayer,
  failureOf,
  merchantId,
  runRecorded,
  successOf,
} from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const route = "/b/api/v1/reports/files/"
const downloadRoute = "/b/api/v1/reports/files/{token}/download/"
const token = "0b7e3a2c-59f4-4a4e-9f43-7f1d2c3b4a50"
const downloadPath = `${route}${token}/download/`
const storageUrl = `https://bucket.s3.example/reports/daily.csv?X-Amz-Signature=s3cr3t`
const csv = "session_id,amount\r\nabc,20.230\r\n"

const bytesOf = (body: Stream.Stream<Uint8Array, unknown>) =>
  Effect.map(Stream.runCollect(body), (chunks) =>
    new TextDecoder().decode(
      Chunk.toArray(chunks).reduce((all, chunk) => {
        const joined = new Uint8Array(all.byteLength + chunk.byteLength)
        joined.set(all)
        joined.set(chunk, all.byteLength)
        return joined
      }, new Uint8Array()),
    ),
  )

describe("Reports.list", () => {
  it.effect("GETs the filters as query parameters with the API key and decodes the page", () =>
    Effect.gen(function* () {
      const next = `https://${merchantId}${route}?created_after=2026-11-01&limit=2&offset=2`
      const { exit, requests } = yield* runRecorded(
        Reports.list({ created_after: "2026-11-01", source: "manual", limit: 2 }),
        {
          status: 200,
          json: {
            count: 5,
            next,
            previous: null,
            results: [{ ...reportBody(1), future_field: true }, reportBody(2)],
          },
        },
      )
      const page = successOf(exit)
      expect(page.count).toBe(5)
      expect(page.items.map((r) => r.encrypted_id)).toEqual(["enc-1", "enc-2"])
      expect(page.items[0]).toMatchObject({ future_field: true, records_amount: 1 })
      expect(page.next).toEqual(Option.some({ created_after: "2026-11-01", limit: 2, offset: 2 }))
      const [req] = requests
      expect(req?.method).toBe("GET")
      expect(req?.url.href).toBe(
        `https://${merchantId}${route}?created_after=2026-11-01&source=manual&limit=2`,
      )
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.text).toBeUndefined()
    }),
  )

  it.effect("the last page has no next; download_action as a plain string is kept", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Reports.list(), {
        status: 200,
        json: {
          count: 1,
          next: null,
          previous: null,
          results: [{ ...reportBody(0), download_action: "https://x.test/a/" }],
        },
      })
      const page = successOf(exit)
      expect(Option.isNone(page.next)).toBe(true)
      expect(page.items[0]?.download_action).toBe("https://x.test/a/")
    }),
  )

  it("downloadToken reads the token of a download_action, object or string, and nothing else", () => {
    const report = reportBody(0) as unknown as Reports.ReportFile
    expect(Reports.downloadToken(report)).toEqual(Option.some(token))
    const url = `https://x.test/b/api/v1/reports/files/${token}/download/?expires=1`
    expect(Reports.downloadToken({ ...report, download_action: url })).toEqual(Option.some(token))
    expect(Reports.downloadToken({ ...report, download_action: "https://x.test/a/" })).toEqual(
      Option.none(),
    )
  })

  it.effect("refuses bad filters and sends nothing", () =>
    Effect.gen(function* () {
      for (const params of [
        { created_after: "2026-11-31x" },
        { created_after: "2026-11-10", created_before: "2026-11-01" },
        { interval: "hourly" },
        { source: "robot" },
        { limit: 0 },
        { offset: -1 },
        { page: 2 },
      ]) {
        const { exit, requests } = yield* runRecorded(Reports.list(params as Reports.ListParams), {
          status: 200,
          json: { count: 0, results: [] },
        })
        expect(failureOf(exit)).toMatchObject({ _tag: "OttuInvalidInputError", path: route })
        expect(requests).toHaveLength(0)
      }
    }),
  )

  it.effect("400, 401 and 403 are typed errors", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Reply, string]> = [
        [
          { status: 400, json: { created_before: ["Must not be before created_after."] } },
          "OttuBadRequestError",
        ],
        [{ status: 401, json: { detail: "Invalid API key." } }, "OttuUnauthorizedError"],
        [{ status: 403, json: { detail: "No permission." } }, "OttuForbiddenError"],
      ]
      for (const [reply, tag] of cases) {
        const { exit } = yield* runRecorded(Reports.list(), reply)
        expect(failureOf(exit)._tag).toBe(tag)
      }
    }),
  )

  it.effect("a page that is not the documented shape is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Reports.list(), {
        status: 200,
        json: { count: 1, results: [{ report_name: "no id" }] },
      })
      expect(failureOf(exit)._tag).toBe("OttuDecodeError")
    }),
  )
})

/** An Ottu host answered by the recorder and a storage host answered by `storage`. */
const withStorage = (
  ottu: (req: Recorded) => Reply,
  storage: (request: HttpClientRequest.HttpClientRequest) => Response,
) =>
  Effect.gen(function* () {
    const recorder = yield* makeRecorder(ottu)
    const sent = yield* Ref.make<ReadonlyArray<HttpClientRequest.HttpClientRequest>>([])
    const client = HttpClient.make((request, url) =>
      url.hostname === merchantId
        ? recorder.client.execute(request)
        : Effect.as(
            Ref.update(sent, (all) => [...all, request]),
            HttpClientResponse.fromWeb(request, storage(request)),
          ),
    )
    return {
      layer: Layer.merge(configLayer(), Layer.succeed(HttpClient.HttpClient, client)),
      ottu: recorder.requests,
      storage: Ref.get(sent),
    }
  })

const redirect = (location: string | undefined): Reply => ({
  status: 302,
  headers: location === undefined ? {} : { location },
})

describe("Reports.download", () => {
  it.effect("follows the redirect to storage with none of Ottu's headers", () =>
    Effect.gen(function* () {
      const setup = yield* withStorage(
        () => redirect(storageUrl),
        () =>
          new Response(csv, {
            headers: {
              "content-type": "text/csv; charset=utf-8",
              "content-disposition": `attachment; filename="daily report.csv"`,
              "content-length": String(csv.length),
            },
          }),
      )
      const file = yield* Reports.download(token).pipe(Effect.provide(setup.layer))
      expect(file).toMatchObject({
        contentType: "text/csv",
        fileName: "daily report.csv",
        size: csv.length,
      })
      expect(yield* bytesOf(file.body)).toBe(csv)
      const [ottu] = yield* setup.ottu
      expect(ottu?.method).toBe("GET")
      expect(ottu?.url.href).toBe(`https://${merchantId}${downloadPath}`)
      expect(ottu?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      const storage = yield* setup.storage
      expect(storage).toHaveLength(1)
      expect(storage[0]?.method).toBe("GET")
      const sent = storage[0]
      expect(sent && `${sent.url}?${UrlParams.toString(sent.urlParams)}`).toBe(storageUrl)
      expect(storage[0]?.headers).toEqual({})
    }),
  )

  it.effect("takes the token from a listed report's download_action", () =>
    Effect.gen(function* () {
      const setup = yield* withStorage(
        () => redirect(storageUrl),
        () => new Response(csv),
      )
      const report = { ...reportBody(0) } as unknown as Reports.ReportFile
      yield* Reports.download(report).pipe(Effect.provide(setup.layer))
      const [ottu] = yield* setup.ottu
      expect(ottu?.url.pathname).toBe(downloadPath)
    }),
  )

  it.effect("streams a file Ottu answers directly (200), with an RFC 5987 file name", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Effect.flatMap(Reports.download(token), (file) =>
          Effect.map(bytesOf(file.body), (text) => ({ ...file, text })),
        ),
        {
          status: 200,
          text: "xlsx-bytes",
          headers: {
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "content-disposition": "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.xlsx",
          },
        },
      )
      expect(successOf(exit)).toMatchObject({
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        fileName: "résumé.xlsx",
        text: "xlsx-bytes",
      })
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("a large file arrives in chunks, pulled as it is consumed", () =>
    Effect.gen(function* () {
      const chunk = new Uint8Array(64 * 1024).fill(120)
      const total = 64
      let produced = 0
      const setup = yield* withStorage(
        () => redirect(storageUrl),
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              pull(controller) {
                if (produced === total) return controller.close()
                produced++
                controller.enqueue(chunk)
              },
            }),
            { headers: { "content-type": "text/csv" } },
          ),
      )
      const file = yield* Reports.download(token).pipe(Effect.provide(setup.layer))
      const first = yield* Stream.runCollect(Stream.take(file.body, 1))
      expect(Chunk.size(first)).toBe(1)
      // Only what the stream's queue asked for was produced, not the whole 4 MiB file.
      expect(produced).toBeLessThan(total)
      const rest = yield* Reports.download(token).pipe(
        Effect.provide(setup.layer),
        Effect.flatMap((again) => Stream.runCollect(again.body)),
      )
      expect(Chunk.size(rest)).toBeGreaterThan(1)
    }),
  )

  it.effect("a body cut off mid-stream ends the stream with an OttuTransportError", () =>
    Effect.gen(function* () {
      let sent = 0
      const setup = yield* withStorage(
        () => redirect(storageUrl),
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              pull(controller) {
                if (sent++ === 0) controller.enqueue(new TextEncoder().encode("a,b\r\n"))
                else controller.error(new Error("connection reset"))
              },
            }),
          ),
      )
      const file = yield* Reports.download(token).pipe(Effect.provide(setup.layer))
      const exit = yield* Effect.exit(Stream.runCollect(file.body))
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuTransportError", path: "/reports/daily.csv" })
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("s3cr3t")
    }),
  )

  it.effect("410 (an expired link) is an OttuGoneError naming the route, not the token", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Reports.download(token), {
        status: 410,
        json: { detail: "Download link has expired or is invalid" },
      })
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuGoneError", status: 410, path: downloadRoute })
      expect(JSON.stringify(error)).not.toContain(token)
    }),
  )

  it.effect("400, 403, 404 and 429 are typed errors", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [number, string]> = [
        [400, "OttuBadRequestError"],
        [403, "OttuForbiddenError"],
        [404, "OttuNotFoundError"],
        [429, "OttuRateLimitedError"],
      ]
      for (const [status, tag] of cases) {
        const { exit } = yield* runRecorded(Reports.download(token), { status, text: "" })
        expect(failureOf(exit)._tag).toBe(tag)
      }
    }),
  )

  it.effect("a redirect without an absolute http(s) Location is refused: nothing is fetched", () =>
    Effect.gen(function* () {
      for (const location of [undefined, "/media/report.csv", "ftp://files.example/r.csv"]) {
        const setup = yield* withStorage(
          () => redirect(location),
          () => new Response(csv),
        )
        const exit = yield* Effect.exit(Reports.download(token).pipe(Effect.provide(setup.layer)))
        expect(failureOf(exit)).toMatchObject({ _tag: "OttuDecodeError", status: 302 })
        expect(yield* setup.storage).toHaveLength(0)
      }
    }),
  )

  it.effect("a storage refusal is a typed error naming the storage path, not its query", () =>
    Effect.gen(function* () {
      const setup = yield* withStorage(
        () => redirect(storageUrl),
        () => new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }),
      )
      const exit = yield* Effect.exit(Reports.download(token).pipe(Effect.provide(setup.layer)))
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "OttuForbiddenError", path: "/reports/daily.csv" })
      expect(JSON.stringify(error)).not.toContain("s3cr3t")
    }),
  )

  it.effect("refuses a token that is not a path segment and sends nothing", () =>
    Effect.gen(function* () {
      for (const bad of ["../files", "a b", ""]) {
        const { exit, requests } = yield* runRecorded(Reports.download(bad), { status: 200 })
        expect(failureOf(exit)).toMatchObject({
          _tag: "OttuInvalidInputError",
          path: downloadRoute,
        })
        expect(requests).toHaveLength(0)
      }
    }),
  )

  it.effect("runs in span Ottu.Reports.download with the route, never the token or URL", () =>
    Effect.gen(function* () {
      const setup = yield* withStorage(
        () => redirect(storageUrl),
        () => new Response(csv),
      )
      const { exit, spans, lines } = yield* captureTelemetry(
        Reports.download(token).pipe(Effect.provide(setup.layer)),
      )
      successOf(exit)
      const span = spans.find((s) => s.name === "Ottu.Reports.download")
      expect(span?.attributes.get("http.route")).toBe(downloadRoute)
      const all = JSON.stringify([
        ...spans.map((s) => [s.name, [...s.attributes], s.events]),
        ...lines,
      ])
      expect(all).not.toContain(token)
      expect(all).not.toContain("s3cr3t")
      expect(all).not.toContain(apiKey)
    }),
  )
})

describe("Reports.download over a real socket with the fetch client", () => {
  it.live("the same-origin redirect is not followed with the Authorization header", () =>
    Effect.gen(function* () {
      const served = yield* serveRedirectedDownload(
        downloadPath,
        () => new Response(csv, { headers: { "content-type": "text/csv" } }),
      )
      const text = yield* Reports.download(token).pipe(
        Effect.flatMap((file) => bytesOf(file.body)),
        Effect.provide(Layer.merge(configLayer({ baseUrl: served.url }), FetchHttpClient.layer)),
      )
      expect(text).toBe(csv)
      expect(served.seen).toEqual([
        { path: downloadPath, authorization: `Api-Key ${apiKey}` },
        { path: "/storage/daily.csv", authorization: null },
      ])
    }).pipe(Effect.scoped),
  )
})

/**
 * The SDK on a fresh sandbox: requests to Ottu's paths held to the contract, the storage ones
 * (not Ottu's API) passed through as they are.
 */
const onSandboxWith = (
  options?: Omit<OttuSandbox.SandboxOptions, "apiKey">,
  config: Layer.Layer<OttuConfig.OttuConfig, ConfigError.ConfigError> = sandboxConfig(),
) =>
  Layer.effectContext(
    Effect.map(Effect.context<HttpClient.HttpClient | OttuSandbox.OttuSandbox>(), (context) => {
      const raw = Context.get(context, HttpClient.HttpClient)
      return Context.add(
        context,
        HttpClient.HttpClient,
        HttpClient.make((request, url) =>
          (url.pathname.startsWith("/sandbox/storage/") ? raw : checked(raw)).execute(request),
        ),
      )
    }),
  ).pipe(
    Layer.provide(OttuSandbox.layerWithControl({ apiKey: sandboxKey, ...options })),
    Layer.merge(config),
  )

const onSandbox = onSandboxWith()

describe("Reports on the sandbox", () => {
  it.effect(
    "downloads with Keycloak credentials: a Bearer token to Ottu, nothing to storage",
    () => {
      const keycloak = {
        realm: "sandbox.ottu.test",
        clients: [{ clientId: "backend", clientSecret: Redacted.make("kc-secret") }],
      }
      const auth = OttuAuth.keycloakClient({
        realm: keycloak.realm,
        clientId: "backend",
        clientSecret: Redacted.make("kc-secret"),
      })
      return Effect.gen(function* () {
        yield* OttuSandbox.addReport({ report_name: "Daily", content: "a,b\r\n" })
        const [report] = (yield* Reports.list()).items
        // The sandbox's storage answers 400 to a request that carries an Authorization header.
        const file = yield* Reports.download(report as Reports.ReportFile)
        expect(yield* bytesOf(file.body)).toBe("a,b\r\n")
      }).pipe(
        Effect.provide(
          onSandboxWith(
            { keycloak },
            OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth, customerId: "cust-7" }),
          ),
        ),
      )
    },
  )

  it.effect("lists added reports newest first, page by page, and downloads one", () =>
    Effect.gen(function* () {
      for (const n of [1, 2, 3, 4, 5]) {
        yield* OttuSandbox.addReport({ report_name: `Daily ${n}`, content: `n,${n}\r\n` })
        yield* TestClock.adjust("1 minute")
      }
      yield* OttuSandbox.addReport({ report_name: "Monthly", interval: "monthly" })
      const daily = yield* Stream.runCollect(Reports.stream({ interval: "daily", limit: 2 }))
      expect(Chunk.toArray(daily).map((r) => r.report_name)).toEqual([
        "Daily 5",
        "Daily 4",
        "Daily 3",
        "Daily 2",
        "Daily 1",
      ])
      const first = yield* Reports.list({ limit: 2 })
      expect(first.count).toBe(6)
      expect(first.next).toEqual(Option.some({ limit: 2, offset: 2 }))
      const [monthly] = first.items
      expect(monthly?.download_action).toMatchObject({ method: "GET" })
      const file = yield* Reports.download(Chunk.toArray(daily)[4] as Reports.ReportFile)
      expect(file).toMatchObject({ contentType: "text/csv", fileName: "Daily_1.csv" })
      expect(yield* bytesOf(file.body)).toBe("n,1\r\n")
    }).pipe(Effect.provide(onSandbox)),
  )

  it.effect("the default report is a CSV of the sandbox's sessions, sent in chunks", () =>
    Effect.gen(function* () {
      const big = "x".repeat(200 * 1024)
      yield* OttuSandbox.addReport({ content: big })
      const [report] = (yield* Reports.list()).items
      const file = yield* Reports.download(report as Reports.ReportFile)
      const chunks = yield* Stream.runCollect(file.body)
      expect(Chunk.size(chunks)).toBeGreaterThan(1)
      expect(Chunk.reduce(chunks, 0, (n, c) => n + c.byteLength)).toBe(big.length)
    }).pipe(Effect.provide(onSandbox)),
  )

  it.effect("a download token expires after an hour: OttuGoneError", () =>
    Effect.gen(function* () {
      yield* OttuSandbox.addReport()
      const [report] = (yield* Reports.list()).items
      yield* TestClock.adjust(Duration.hours(2))
      const exit = yield* Effect.exit(Reports.download(report as Reports.ReportFile))
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuGoneError", status: 410 })
      const unknown = yield* Effect.exit(Reports.download(token))
      expect(failureOf(unknown)._tag).toBe("OttuGoneError")
    }).pipe(Effect.provide(onSandbox)),
  )

  it.effect("the sandbox's storage refuses a request that carries Authorization", () =>
    Effect.gen(function* () {
      yield* OttuSandbox.addReport()
      const sandbox = yield* OttuSandbox.OttuSandbox
      const [report] = (yield* Reports.list()).items
      const action = report?.download_action as { url: string }
      const auth = { authorization: `Api-Key ${Redacted.value(sandboxKey)}` }
      const redirected = yield* Effect.promise(() =>
        sandbox.handler(new Request(action.url, { headers: auth })),
      )
      expect(redirected.status).toBe(302)
      const location = redirected.headers.get("location") ?? ""
      const withAuth = yield* Effect.promise(() =>
        sandbox.handler(new Request(location, { headers: auth })),
      )
      expect(withAuth.status).toBe(400)
      const bare = yield* Effect.promise(() => sandbox.handler(new Request(location)))
      expect(bare.status).toBe(200)
    }).pipe(Effect.provide(onSandbox)),
  )

  it.effect("dates filter inclusively; created_before before created_after is a 400", () =>
    Effect.gen(function* () {
      yield* OttuSandbox.addReport()
      const today = new Date(0).toISOString().slice(0, 10)
      const within = yield* Reports.list({ created_after: today, created_before: today })
      expect(within.count).toBe(1)
      const sandbox = yield* OttuSandbox.OttuSandbox
      const refused = yield* Effect.promise(() =>
        sandbox.handler(
          new Request(
            `https://sandbox.ottu.test${route}?created_after=2026-11-02&created_before=2026-11-01`,
            { headers: { authorization: "Api-Key sandbox-contract-key" } },
          ),
        ),
      )
      expect(refused.status).toBe(400)
    }).pipe(Effect.provide(onSandbox)),
  )
})
