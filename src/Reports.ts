/**
 * Transaction reports (API reference §11.7): list the finished report files
 * (`GET /b/api/v1/reports/files/`, offset-paged) page by page or as a `Stream`, and download one
 * (`GET /b/api/v1/reports/files/{token}/download/`) as a byte `Stream`.
 *
 * @since 0.1.0
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { endpoints, pathOf } from "./internal/endpoints.ts"
import { execute, executeStream } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { nextQuery, type Page, pages } from "./internal/paging.ts"
import { DateString, optionalText, PathId, Rest } from "./internal/primitives.ts"
import { OttuConfig } from "./OttuConfig.ts"
import { type OttuCallError, OttuDecodeError, type OttuTransportError } from "./OttuError.ts"

export type {
  /**
   * One page of a paged read: its `items`, Ottu's `count`, and `next`, the parameters of the
   * following page (give them to the same function), `None` on the last page.
   *
   * @since 0.1.0
   * @category models
   */
  Page,
} from "./internal/paging.ts"

/**
 * How the download of a report is offered: the documented object `{ method, url }` (the spec
 * types it as a string, which is kept as it comes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DownloadAction: Schema.Union<
  [
    Schema.TypeLiteral<
      { method: typeof Schema.String; url: typeof Schema.String },
      readonly [typeof Rest]
    >,
    typeof Schema.String,
  ]
> = Schema.Union(Schema.Struct({ method: Schema.String, url: Schema.String }, Rest), Schema.String)

/**
 * A finished report file, as the list answers it. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReportFile: Schema.TypeLiteral<
  {
    encrypted_id: typeof Schema.String
    report_name: typeof Schema.String
    interval: typeof Schema.String
    source: typeof Schema.String
    file_format: typeof optionalText
    records_amount: Schema.optional<Schema.NullOr<typeof Schema.Number>>
    status: typeof optionalText
    generated_at: typeof Schema.String
    created_at: typeof Schema.String
    download_action: typeof DownloadAction
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    encrypted_id: Schema.String,
    report_name: Schema.String,
    interval: Schema.String,
    source: Schema.String,
    file_format: optionalText,
    records_amount: Schema.optional(Schema.NullOr(Schema.Number)),
    status: optionalText,
    generated_at: Schema.String,
    created_at: Schema.String,
    download_action: DownloadAction,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type ReportFile = typeof ReportFile.Type

const Interval: Schema.Literal<["daily", "weekly", "monthly", "yearly"]> = Schema.Literal(
  "daily",
  "weekly",
  "monthly",
  "yearly",
)
const Source: Schema.Literal<["auto", "manual"]> = Schema.Literal("auto", "manual")
const NonNegative: Schema.filter<typeof Schema.Int> = Schema.Int.pipe(
  Schema.greaterThanOrEqualTo(0),
)
const Positive: Schema.filter<typeof Schema.Int> = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))

/**
 * The filters of {@link list} and {@link stream}: creation dates (`YYYY-MM-DD`, both inclusive;
 * without them Ottu lists the last 30 days), `interval`, `source`, and the page (`limit`, Ottu's
 * default 10, and `offset`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListParams: Schema.filter<
  Schema.Struct<{
    created_after: Schema.optional<typeof DateString>
    created_before: Schema.optional<typeof DateString>
    interval: Schema.optional<typeof Interval>
    source: Schema.optional<typeof Source>
    limit: Schema.optional<typeof Positive>
    offset: Schema.optional<typeof NonNegative>
  }>
> = Schema.Struct({
  created_after: Schema.optional(DateString),
  created_before: Schema.optional(DateString),
  interval: Schema.optional(Interval),
  source: Schema.optional(Source),
  limit: Schema.optional(Positive),
  offset: Schema.optional(NonNegative),
}).pipe(
  Schema.filter(({ created_after, created_before }) =>
    created_after === undefined || created_before === undefined || created_before >= created_after
      ? undefined
      : { path: ["created_before"], message: "must not be earlier than created_after" },
  ),
)

/**
 * @since 0.1.0
 * @category models
 */
export type ListParams = typeof ListParams.Type

const ReportList = Schema.Struct({
  count: Schema.Number,
  next: Schema.optional(Schema.NullOr(Schema.String)),
  results: Schema.Array(ReportFile),
})

const listEndpoint = endpoints.reportsList
const listRoute = listEndpoint.route

/** The filters of the next page, read from the `next` link's query. */
const paramsOfQuery = (query: URLSearchParams): Either.Either<ListParams, string> => {
  const fields: Record<string, string | number> = {}
  for (const [name, value] of query) {
    fields[name] = name === "limit" || name === "offset" ? Number(value) : value
  }
  return Either.mapLeft(
    Schema.decodeUnknownEither(ListParams, { onExcessProperty: "error" })(fields),
    () => "the next page link has parameters the SDK does not know",
  )
}

/**
 * One page of finished report files, newest first. `next` holds the filters of the following
 * page, read from Ottu's `next` link.
 *
 * **Gotcha:** the `next` link must be on the configured host and be this endpoint's path; any
 * other link fails the call with an `OttuDecodeError` (the SDK sends only the link's query, to
 * the configured base URL, so the credentials never follow a link elsewhere).
 *
 * @since 0.1.0
 * @category operations
 */
export const list = (
  params?: typeof ListParams.Encoded,
): Effect.Effect<Page<ReportFile, ListParams>, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const filters = yield* validate(ListParams, params ?? {}, { method: "GET", path: listRoute })
    const answer = yield* execute({
      endpoint: listEndpoint,
      path: listRoute,
      urlParams: Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v)])),
      success: ReportList,
    })
    const config = yield* OttuConfig
    const next = Either.flatMap(nextQuery(answer.next, config.baseUrl, listRoute), (query) =>
      Option.match(query, {
        onNone: () => Either.right(Option.none<ListParams>()),
        onSome: (q) => Either.map(paramsOfQuery(q), Option.some),
      }),
    )
    if (Either.isLeft(next)) {
      return yield* new OttuDecodeError({
        method: "GET",
        path: listRoute,
        status: 200,
        body: String(answer.next),
        reason: next.left,
      })
    }
    return { items: answer.results, count: answer.count, next: next.right }
  })

/**
 * Every finished report file matching the filters, newest first, as a `Stream` that fetches a
 * page only when the consumer pulls past the one before (stripe-node's auto-pagination). It ends
 * after the last page; a failed page ends it with that page's error.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Reports } from "effect-ottu"
 *
 * const monthly = Reports.stream({ interval: "monthly", limit: 50 }).pipe(
 *   Stream.map((report) => report.report_name),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const stream = (
  params?: typeof ListParams.Encoded,
): Stream.Stream<ReportFile, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  pages(params ?? {}, list)

/**
 * A report file being downloaded: its `contentType` (`text/csv` or
 * `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), its `fileName` when the
 * answer names one, its `size` when announced, and its `body`, read as it is consumed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Download {
  readonly contentType: string | undefined
  readonly fileName: string | undefined
  readonly size: number | undefined
  readonly body: Stream.Stream<Uint8Array, OttuTransportError>
}

/**
 * The download token of a report file, taken from its `download_action` URL (what
 * {@link download} takes, and what `ottu reports list` shows); none when the URL is not Ottu's
 * download route. Tokens are short-lived: see {@link download}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const downloadToken = (report: ReportFile): Option.Option<string> => {
  const action = report.download_action
  const url = typeof action === "string" ? action : action.url
  return Option.fromNullable(
    /\/b\/api\/v1\/reports\/files\/([^/]+)\/download\/?$/.exec(url.split("?")[0] ?? "")?.[1],
  )
}

/** The file name of a `Content-Disposition` header (`filename*` first), if it names one. */
const fileNameOf = (headers: Headers.Headers): string | undefined => {
  const disposition = headers["content-disposition"]
  if (disposition === undefined) return undefined
  const extended = /filename\*\s*=\s*[\w-]+'[^']*'([^;]+)/i.exec(disposition)?.[1]
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended.trim())
    } catch {
      // A malformed extended name: fall back to the plain one.
    }
  }
  return /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(disposition)?.slice(1).find(Boolean)
}

const downloadEndpoint = endpoints.reportsDownload
const downloadRoute = downloadEndpoint.route

/**
 * Downloads a report file, given the report (its `download_action`) or its download token. Ottu
 * answers the file, or redirects (302) to pre-signed storage: the SDK follows the redirect once,
 * to an absolute http(s) `Location` only, with none of Ottu's headers (no `Authorization`).
 *
 * **Details:** the timeout covers the answers' headers, not the file; the body is a `Stream` read
 * as it is consumed (never held whole), and a failure while reading it is an
 * `OttuTransportError`. Errors name the route, not the token.
 *
 * **Gotchas:** download tokens are short-lived, bound to the user who listed the reports, and
 * Ottu allows 25 downloads an hour: an expired link is an `OttuGoneError` (410; list the reports
 * again for a fresh one), too many downloads an `OttuRateLimitedError`. A client wrapped in
 * `HttpClient.followRedirects` would follow the redirect with the credentials: do not use one.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Reports } from "effect-ottu"
 *
 * const bytesOfLatest = Effect.gen(function* () {
 *   const page = yield* Reports.list({ limit: 1 })
 *   const [report] = page.items
 *   if (report === undefined) return 0
 *   const file = yield* Reports.download(report)
 *   return yield* Stream.runFold(file.body, 0, (total, chunk) => total + chunk.byteLength)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const download = (
  report: ReportFile | string,
): Effect.Effect<Download, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const where = { method: "GET", path: downloadRoute } as const
    const token = yield* validate(
      PathId,
      typeof report === "string" ? report : Option.getOrElse(downloadToken(report), () => ""),
      where,
    )
    const answer = yield* executeStream({
      endpoint: downloadEndpoint,
      path: pathOf(downloadEndpoint, { token }),
    })
    const length = Number(answer.headers["content-length"])
    return {
      contentType: answer.headers["content-type"]?.split(";")[0]?.trim(),
      fileName: fileNameOf(answer.headers),
      size: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      body: answer.body,
    }
  })
