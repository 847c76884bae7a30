/**
 * Any Ottu endpoint, for those Ottu adds before this SDK wraps them (ottu-py's `raw()`,
 * stripe-node's `rawRequest`): the request goes through the SDK's one HTTP boundary, with its
 * authentication, timeout, retry rules, span and typed errors, and the answer is the decoded JSON
 * as `unknown`, for the caller to decode with its own schema.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Endpoint } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { invalid } from "./internal/input.ts"
import { OttuConfig } from "./OttuConfig.ts"
import { InputIssue, type OttuCallError, OttuInvalidInputError } from "./OttuError.ts"

/**
 * The methods {@link request} sends.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

const methods: ReadonlyArray<string> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

/**
 * What {@link request} sends besides the method and the path.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Sent as JSON (`Content-Type: application/json`); not allowed on GET. */
  readonly body?: unknown
  /** Appended to the path as a query string, percent-encoded. */
  readonly query?: Readonly<Record<string, string>> | undefined
  /**
   * More request headers. `Authorization`, `Proxy-Authorization`, `Host`, `Accept` and
   * `User-Agent` belong to the SDK: a request that sets one is refused.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** The headers the boundary sets, which a caller may not. */
const reservedHeaders: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "host",
  "accept",
  "user-agent",
])

/** RFC 9110 `token`: the characters of a header name. */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** RFC 3986 path characters (`pchar` and `/`), with `%` only as the start of `%XX`. */
const pathCharacters = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/

/** A `.` or `..` segment, plainly or percent-encoded (URL parsers resolve both). */
const dotSegment = /^(?:\.|%2e){1,2}$/i

/** Why `path` is not a relative Ottu path, or `undefined` when it is one. */
const pathProblem = (path: string): string | undefined => {
  if (!path.startsWith("/")) return "must be a path starting with /, not a URL"
  if (path.startsWith("//")) return "must not start with //"
  if (path.includes("\\") || /%5c/i.test(path)) return "must not contain a backslash"
  if (path.includes("?")) return "must not hold a query: pass it as `query`"
  if (path.includes("#")) return "must not hold a fragment"
  if (!pathCharacters.test(path)) {
    return "may hold only URL path characters (spaces, control characters and others percent-encoded as %XX)"
  }
  if (/%2f/i.test(path)) return "must not contain an encoded /"
  if (path.split("/").some((segment) => dotSegment.test(segment))) {
    return "must not contain . or .. segments"
  }
  return undefined
}

/** The checks of everything but the path, each problem as `[field, message]`. */
const optionProblems = (
  method: string,
  options: Options,
): ReadonlyArray<readonly [string, string]> => {
  const problems: Array<readonly [string, string]> = []
  if (!methods.includes(method)) problems.push(["method", `must be one of ${methods.join(", ")}`])
  if (method === "GET" && options.body !== undefined) {
    problems.push(["body", "a GET request has no body"])
  }
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (typeof value !== "string") problems.push([`query.${name}`, "must be a string"])
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!headerName.test(name)) problems.push([`headers.${name}`, "is not a valid header name"])
    else if (reservedHeaders.has(name.toLowerCase())) {
      problems.push([`headers.${name}`, "is set by the SDK and may not be given"])
    } else if (typeof value !== "string" || /[\r\n\0]/.test(value)) {
      problems.push([`headers.${name}`, "must be a string without line breaks"])
    }
  }
  return problems
}

/** The path, refused unless it is a relative Ottu path that stays on the configured host. */
const checkPath = (
  method: string,
  path: string,
  baseUrl: string,
): Effect.Effect<void, OttuInvalidInputError> => {
  const where = { method, path: "(rejected path)" }
  if (typeof path !== "string") return Effect.fail(invalid(where, "path", "must be a string"))
  const problem = pathProblem(path)
  if (problem !== undefined) return Effect.fail(invalid(where, "path", problem))
  // Belt and braces: the joined URL keeps the configured origin and path prefix.
  const base = new URL(baseUrl)
  const joined = new URL(baseUrl + path)
  return joined.origin === base.origin && joined.pathname.startsWith(base.pathname)
    ? Effect.void
    : Effect.fail(invalid(where, "path", "must stay on the configured Ottu host"))
}

/**
 * Sends `method path` to Ottu through the SDK's boundary and answers the decoded JSON body as
 * `unknown` (`undefined` for an empty body).
 *
 * **Details**
 *
 * - `path` is a path on the configured host (`/b/pbl/v2/new-endpoint/`). Anything that could
 *   send the `Authorization` header elsewhere or somewhere unexpected is refused before sending
 *   (`OttuInvalidInputError`): an absolute URL or a scheme, `//host`, a backslash, `.` and `..`
 *   segments (plain or percent-encoded), an encoded `/`, a query or fragment in the path,
 *   characters that are not URL path characters.
 * - Retries: a GET is a read and is retried like one; every other method is sent once.
 * - The span is `Ottu.Raw.request`, with the method and the path (`http.route`): keep secrets
 *   (card tokens) out of raw paths, or expect them in traces and errors.
 * - Errors are those of every call: a status is its tagged error (`OttuBadRequestError`, …); a
 *   2xx answer that is not JSON is an `OttuDecodeError` whose `body` holds the text.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Raw } from "effect-ottu"
 *
 * const checkout = Raw.request("GET", "/b/checkout/v1/pymt-txn/bb7fc280/", {
 *   query: { fields: "state,amount" },
 * })
 * ```
 *
 * @since 0.1.0
 * @category requests
 */
export const request = (
  method: Method,
  path: string,
  options: Options = {},
): Effect.Effect<unknown, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* OttuConfig
    yield* checkPath(method, path, config.baseUrl)
    const problems = optionProblems(method, options)
    if (problems.length > 0) {
      return yield* new OttuInvalidInputError({
        method,
        path,
        issues: problems.map(([field, message]) => new InputIssue({ field, message })),
      })
    }
    const endpoint: Endpoint = {
      name: "Raw.request",
      method,
      route: path,
      retry: method === "GET" ? "safe" : "never",
    }
    return yield* execute({
      endpoint,
      path,
      ...(options.body === undefined ? {} : { body: { _tag: "Json", value: options.body } }),
      ...(options.query === undefined ? {} : { urlParams: options.query }),
      ...(options.headers === undefined
        ? {}
        : {
            headers: Object.fromEntries(
              Object.entries(options.headers).map(([name, value]) => [name.toLowerCase(), value]),
            ),
          }),
      success: Schema.Unknown,
    })
  })
