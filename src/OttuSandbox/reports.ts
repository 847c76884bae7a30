/**
 * Transaction reports (API reference §11.7): the report files a sandbox holds (added through the
 * control API, by default a CSV of the sandbox's sessions), the offset-paged list
 * (`GET /b/api/v1/reports/files/`, newest first, filters as Ottu's), the download route
 * (`GET /b/api/v1/reports/files/{token}/download/`), which redirects (302) to a pre-signed storage
 * URL the sandbox also serves, and that storage route, which refuses requests that carry an
 * `Authorization` header, as S3 does.
 *
 * Download tokens are issued by each list answer and live one hour; storage links five minutes.
 * An unknown or expired token is 410; at most 25 downloads an hour are answered, then 429.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { choice, date, type Fields } from "./checks.ts"
import { detail, json, Reply } from "./reply.ts"
import { field, fieldErrors, type Rules, validated } from "./rules.ts"
import { SandboxEnv, type SandboxState, transact } from "./state.ts"

/** The formats of a report file and their media types. */
const mediaTypes = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const

/**
 * A report file as the control API adds it: every field has a default (a daily, automatic CSV
 * of the sandbox's sessions when it was added).
 *
 * @since 0.1.0
 * @category control
 */
export interface ReportOptions {
  readonly report_name?: string
  readonly interval?: "daily" | "weekly" | "monthly" | "yearly"
  readonly source?: "auto" | "manual"
  readonly file_format?: keyof typeof mediaTypes
  /** The file's bytes (or text, sent as UTF-8). */
  readonly content?: string | Uint8Array
  readonly records_amount?: number
}

/** A report file the sandbox holds; times are epoch milliseconds of its `Clock`. */
export interface SandboxReport {
  readonly encrypted_id: string
  readonly report_name: string
  readonly interval: string
  readonly source: string
  readonly file_format: keyof typeof mediaTypes
  readonly records_amount: number
  readonly content: Uint8Array
  readonly created_at: number
}

/** A link issued for a report: a download token, or a pre-signed storage key. */
interface Link {
  readonly id: string
  readonly encrypted_id: string
  readonly expires_at: number
}

/** What the sandbox remembers of reports. */
export interface ReportsState {
  readonly files: ReadonlyArray<SandboxReport>
  readonly tokens: ReadonlyArray<Link>
  readonly storage: ReadonlyArray<Link & { readonly signature: string }>
  /** The times of the downloads of the last hour, for the rate limit. */
  readonly downloads: ReadonlyArray<number>
}

const tokenLife = Duration.toMillis("1 hour")
const storageLife = Duration.toMillis("5 minutes")
const hour = Duration.toMillis("1 hour")
const downloadsPerHour = 25
const day = Duration.toMillis("1 day")
const chunkSize = 64 * 1024

const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("")

/** A CSV of the sessions the sandbox holds: one line each, with its amount as Ottu shows it. */
const sessionsCsv = (state: SandboxState): { readonly text: string; readonly rows: number } => {
  const sessions = Array.from(HashMap.values(state.sessions)).sort(
    (a, b) => a.created_at - b.created_at,
  )
  const quote = (value: unknown) => `"${String(value ?? "").replaceAll('"', '""')}"`
  const lines = sessions.map((session) =>
    [
      session.session_id,
      session.checkout.order_no,
      session.state,
      session.checkout.amount,
      session.checkout.currency_code,
      new Date(session.created_at).toISOString(),
    ]
      .map(quote)
      .join(","),
  )
  return {
    text: ["session_id,order_no,state,amount,currency_code,created_at", ...lines].join("\r\n"),
    rows: lines.length,
  }
}

/** Adds a report file (the control API); answers the file as held. */
export const addReport = (
  ref: Ref.Ref<SandboxState>,
  options: ReportOptions,
): Effect.Effect<SandboxReport> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Ref.modify(ref, (state) => {
      const csv = sessionsCsv(state)
      const content = options.content ?? csv.text
      const report: SandboxReport = {
        encrypted_id: randomHex(16),
        report_name:
          options.report_name ?? `Transactions ${new Date(now).toISOString().slice(0, 10)}`,
        interval: options.interval ?? "daily",
        source: options.source ?? "auto",
        file_format: options.file_format ?? "csv",
        records_amount: options.records_amount ?? (options.content === undefined ? csv.rows : 0),
        content: typeof content === "string" ? new TextEncoder().encode(content) : content,
        created_at: now,
      }
      const reports = { ...state.reports, files: [...state.reports.files, report] }
      return [report, { ...state, reports }]
    }),
  )

/** The origin the request was sent to, which the links of the answer use (as Django's). */
const originOf = Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
  try {
    return new URL(request.originalUrl).origin
  } catch {
    return undefined
  }
})

const listRules: Rules = {
  created_after: field(date),
  created_before: field(date),
  interval: field(choice(["daily", "weekly", "monthly", "yearly"])),
  source: field(choice(["auto", "manual"])),
}

/** A query parameter as DRF's `LimitOffsetPagination` reads it: bad values are the default. */
const positiveInt = (value: unknown, fallback: number, min: number): number => {
  const parsed = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : Number.NaN
  return Number.isSafeInteger(parsed) && parsed >= min ? parsed : fallback
}

const isoDay = (instant: number) => new Date(instant).toISOString().slice(0, 10)

/** The reports a validated query selects, newest first. */
const selected = (files: ReadonlyArray<SandboxReport>, query: Fields, now: number) => {
  const after = query.created_after as string | undefined
  const before = query.created_before as string | undefined
  const since = after === undefined && before === undefined ? isoDay(now - 30 * day) : after
  return files
    .filter(
      (file) =>
        (since === undefined || isoDay(file.created_at) >= since) &&
        (before === undefined || isoDay(file.created_at) <= before) &&
        (query.interval === undefined || file.interval === query.interval) &&
        (query.source === undefined || file.source === query.source),
    )
    .reverse()
}

/** GET: one page of the finished reports, each with a fresh download token. */
export const listReports = Effect.gen(function* () {
  const params = yield* HttpServerRequest.ParsedSearchParams
  const raw = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.at(-1) : value,
    ]),
  )
  const { limit: rawLimit, offset: rawOffset, ...filters } = raw
  const query = yield* validated(listRules, filters, [], fieldErrors)
  if (
    typeof query.created_after === "string" &&
    typeof query.created_before === "string" &&
    query.created_before < query.created_after
  ) {
    return yield* fieldErrors({
      created_before: ["created_before must not be earlier than created_after."],
    })
  }
  const limit = positiveInt(rawLimit, 10, 1)
  const offset = positiveInt(rawOffset, 0, 0)
  const now = yield* Clock.currentTimeMillis
  const origin = (yield* originOf) ?? `https://${(yield* SandboxEnv).host}`
  const request = yield* HttpServerRequest.HttpServerRequest
  const pageLink = (at: number) => {
    const url = new URL(request.url, origin)
    url.searchParams.set("limit", String(limit))
    url.searchParams.set("offset", String(at))
    return url.href
  }
  const page = yield* transact((state) => {
    const matching = selected(state.reports.files, query, now)
    const files = matching.slice(offset, offset + limit)
    const tokens = files.map((file) => ({
      id: crypto.randomUUID(),
      encrypted_id: file.encrypted_id,
      expires_at: now + tokenLife,
    }))
    const kept = state.reports.tokens.filter((link) => link.expires_at > now)
    const next = { ...state, reports: { ...state.reports, tokens: [...kept, ...tokens] } }
    return Either.right([{ count: matching.length, files, tokens }, next] as const)
  })
  return json(200, {
    count: page.count,
    next: offset + limit < page.count ? pageLink(offset + limit) : null,
    previous: offset > 0 ? pageLink(Math.max(0, offset - limit)) : null,
    results: page.files.map((file, i) => ({
      encrypted_id: file.encrypted_id,
      report_name: file.report_name,
      interval: file.interval,
      source: file.source,
      file_format: file.file_format,
      records_amount: file.records_amount,
      status: "finished",
      generated_at: new Date(file.created_at).toISOString(),
      created_at: new Date(file.created_at).toISOString(),
      download_action: {
        method: "GET",
        url: `${origin}/b/api/v1/reports/files/${page.tokens[i]?.id}/download/`,
      },
    })),
  })
})

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The file name a report is served under. */
const fileNameOf = (file: SandboxReport): string =>
  `${file.report_name.replace(/[^\w.-]+/g, "_")}.${file.file_format}`

/** GET: redirects a valid download token to a pre-signed storage URL of its file. */
export const downloadReport = Effect.gen(function* () {
  const { token = "" } = yield* HttpRouter.params
  if (!uuidPattern.test(token)) return yield* detail(400, "Invalid download token.")
  const now = yield* Clock.currentTimeMillis
  const origin = (yield* originOf) ?? `https://${(yield* SandboxEnv).host}`
  const link = yield* transact((state) => {
    const reports = state.reports
    const recent = reports.downloads.filter((instant) => instant > now - hour)
    const [oldest] = recent
    if (oldest !== undefined && recent.length >= downloadsPerHour) {
      const wait = Math.max(1, Math.ceil((oldest + hour - now) / 1000))
      return Either.left(
        new Reply({
          status: 429,
          body: { detail: `Request was throttled. Expected available in ${wait} seconds.` },
          headers: { "retry-after": String(wait) },
        }),
      )
    }
    const issued = reports.tokens.find((t) => t.id === token && t.expires_at > now)
    const file = reports.files.find((f) => f.encrypted_id === issued?.encrypted_id)
    if (issued === undefined || file === undefined) {
      return Either.left(detail(410, "The download link has expired or is invalid."))
    }
    const storage = {
      id: randomHex(16),
      encrypted_id: file.encrypted_id,
      expires_at: now + storageLife,
      signature: randomHex(32),
    }
    const kept = reports.storage.filter((s) => s.expires_at > now)
    const next = { ...reports, storage: [...kept, storage], downloads: [...recent, now] }
    return Either.right([
      { storage, file },
      { ...state, reports: next },
    ] as const)
  })
  const location = new URL(
    `/sandbox/storage/reports/${link.storage.id}/${fileNameOf(link.file)}`,
    origin,
  )
  location.searchParams.set("X-Amz-Expires", String(storageLife / 1000))
  location.searchParams.set("X-Amz-Signature", link.storage.signature)
  return HttpServerResponse.empty({ status: 302, headers: { location: location.href } })
})

/** An S3-style XML error. */
const s3Error = (status: number, code: string, message: string) =>
  HttpServerResponse.text(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    { status, contentType: "application/xml" },
  )

/**
 * GET: the pre-signed storage URL, served in 64 KiB chunks. Like S3, it refuses a request that
 * also carries an `Authorization` header (400), and an unknown, altered or expired link (403).
 */
export const storageFile = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  if (request.method !== "GET") return s3Error(405, "MethodNotAllowed", "Only GET is allowed.")
  if (request.headers.authorization !== undefined) {
    return s3Error(
      400,
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    )
  }
  const { key = "" } = yield* HttpRouter.params
  const params = yield* HttpServerRequest.ParsedSearchParams
  const now = yield* Clock.currentTimeMillis
  const { state } = yield* SandboxEnv
  const reports = (yield* Ref.get(state)).reports
  const link = reports.storage.find(
    (s) => s.id === key && s.signature === params["X-Amz-Signature"],
  )
  const file = reports.files.find((f) => f.encrypted_id === link?.encrypted_id)
  if (link === undefined || file === undefined) {
    return s3Error(403, "SignatureDoesNotMatch", "The request signature does not match.")
  }
  if (link.expires_at <= now) return s3Error(403, "AccessDenied", "Request has expired")
  const chunks: Array<Uint8Array> = []
  for (let at = 0; at < file.content.byteLength; at += chunkSize) {
    chunks.push(file.content.subarray(at, at + chunkSize))
  }
  return HttpServerResponse.stream(Stream.fromIterable(chunks), {
    contentType: mediaTypes[file.file_format],
    contentLength: file.content.byteLength,
    headers: { "content-disposition": `attachment; filename="${fileNameOf(file)}"` },
  })
})
