/**
 * The one place that touches `HttpClient`: base URL, `Authorization`, `Accept`, `User-Agent`,
 * JSON and multipart bodies, the timeout (which covers reading the body), the retry policy of the
 * endpoint table, one span per call, the mapping of every status and failure to a tagged error,
 * and the hand-over of successful answers to the `AnswerObserver`.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import { constTrue } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { OttuConfig } from "../OttuConfig.ts"
import {
  OttuBadRequestError,
  type OttuCallError,
  OttuConflictError,
  OttuDecodeError,
  OttuForbiddenError,
  OttuGoneError,
  type OttuInvalidInputError,
  OttuNotFoundError,
  OttuRateLimitedError,
  type OttuRequestError,
  OttuServerError,
  type OttuStatusError,
  OttuTimeoutError,
  OttuTransportError,
  OttuUnauthorizedError,
  OttuUnexpectedStatusError,
  OttuUnsupportedMediaTypeError,
} from "../OttuError.ts"
import { boundedText } from "./body.ts"
import { withoutConnectionReuse } from "./connection.ts"
import type { Endpoint } from "./endpoints.ts"
import { invalid } from "./input.ts"
import { isLean, withSignal } from "./marks.ts"
import { AnswerObserver } from "./observer.ts"
import { isIdempotent, reliably } from "./retry.ts"
import { version } from "./version.ts"

/** A request body: JSON, or multipart form data when a file is attached. */
export type Body =
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Multipart"; readonly form: FormData }

/** Everything the boundary needs to send one call: what {@link Call} has but the answer's schema. */
export type Sent = Omit<Call<unknown, unknown>, "success">

/** Everything the boundary needs to send one call and read its answer. */
export interface Call<A, I> {
  /** The endpoint called: method, route, span name, retry class (see `endpoints.ts`). */
  readonly endpoint: Endpoint
  /** The endpoint path, already percent-encoded, with its trailing slash. */
  readonly path: string
  /** Span attributes: identifiers only, never amounts, personal data or secrets. */
  readonly attributes?: Readonly<Record<string, string>>
  readonly body?: Body
  readonly urlParams?: Readonly<Record<string, string>>
  readonly headers?: Readonly<Record<string, string>>
  /** The schema of a successful answer's JSON body. */
  readonly success: Schema.Schema<A, I>
}

const userAgent = `effect-ottu/${version}`

const encodeBody = (
  method: string,
  path: string,
  body: Body,
): Either.Either<HttpBody.HttpBody, OttuInvalidInputError> => {
  if (body._tag === "Multipart") return Either.right(HttpBody.formData(body.form))
  try {
    return Either.right(HttpBody.text(JSON.stringify(body.value), "application/json"))
  } catch (cause) {
    return Either.left(
      invalid({ method, path }, "body", `the body cannot be encoded as JSON: ${String(cause)}`),
    )
  }
}

const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (cause) {
    return Either.left(cause instanceof Error ? cause.message : String(cause))
  }
}

/** Ottu's `detail` message, when the body is an object that has one. */
const detailOf = (body: unknown): string | undefined => {
  if (!Predicate.isRecord(body)) return undefined
  if (typeof body.detail === "string") return body.detail
  const envelope = body.error
  if (Predicate.isRecord(envelope) && typeof envelope.message === "string") return envelope.message
  return undefined
}

/**
 * Flattens Django REST Framework error bodies into `field -> messages`, with dotted paths for
 * nested objects and list items (`notifications.sms`, `pg_codes.0`). `detail` is left out, and so
 * are the scalar members of a refusal that has one (`operation`, `result`).
 */
export const fieldErrors = (body: unknown): Record<string, ReadonlyArray<string>> => {
  const out: Record<string, Array<string>> = {}
  const add = (field: string, message: string) => {
    const list = out[field]
    if (list === undefined) out[field] = [message]
    else list.push(message)
  }
  const walk = (field: string, value: unknown): void => {
    if (typeof value === "string") add(field, value)
    else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        if (typeof item === "string") add(field, item)
        else walk(`${field}.${i}`, item)
      }
    } else if (Predicate.isRecord(value)) {
      for (const [key, inner] of Object.entries(value))
        walk(field === "" ? key : `${field}.${key}`, inner)
    } else if (value !== null && value !== undefined) add(field, String(value))
  }
  if (!Predicate.isRecord(body)) return out
  const envelope = body.error
  if (Predicate.isRecord(envelope) && typeof envelope.message === "string") {
    add(typeof envelope.field === "string" ? envelope.field : "", envelope.message)
    return out
  }
  // With a `detail`, the body is a refusal ({detail, operation, result}), not field errors: its
  // other scalar members describe the refusal and are not fields.
  const refusal = typeof body.detail === "string"
  for (const [key, value] of Object.entries(body)) {
    if (key !== "detail" && !(refusal && !Array.isArray(value) && !Predicate.isRecord(value))) {
      walk(key, value)
    }
  }
  return out
}

/** `Retry-After` as a duration: delay seconds, or an HTTP date relative to `now`. */
export const parseRetryAfter = (
  header: string | undefined,
  now: number,
): Duration.Duration | undefined => {
  if (header === undefined) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - now))
}

const statusError = (
  fields: {
    readonly method: string
    readonly path: string
    readonly status: number
    readonly body: unknown
  },
  retryAfter: string | undefined,
): Effect.Effect<never, OttuStatusError> => {
  const args = { ...fields, detail: detailOf(fields.body) }
  switch (fields.status) {
    case 400:
      return Effect.fail(new OttuBadRequestError({ ...args, errors: fieldErrors(fields.body) }))
    case 401:
      return Effect.fail(new OttuUnauthorizedError(args))
    case 403:
      return Effect.fail(new OttuForbiddenError(args))
    case 404:
      return Effect.fail(new OttuNotFoundError(args))
    case 410:
      return Effect.fail(new OttuGoneError(args))
    case 409:
    case 423:
      return Effect.fail(new OttuConflictError(args))
    case 415:
      return Effect.fail(new OttuUnsupportedMediaTypeError(args))
    case 429:
    case 503:
      // RFC 9110 defines `Retry-After` for both.
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const wait = { ...args, retryAfter: parseRetryAfter(retryAfter, now) }
        return Effect.fail(
          fields.status === 429 ? new OttuRateLimitedError(wait) : new OttuServerError(wait),
        )
      })
    default:
      return Effect.fail(
        fields.status >= 500 ? new OttuServerError(args) : new OttuUnexpectedStatusError(args),
      )
  }
}

/** The path errors name: the route when the real one holds a secret. */
const shownPath = (call: Pick<Sent, "endpoint" | "path">): string =>
  call.endpoint.redactPath ? call.endpoint.route : call.path

const decodeSuccess = <A, I>(
  call: Call<A, I>,
  status: number,
  text: string,
): Effect.Effect<A, OttuDecodeError> => {
  const failed = (reason: string) =>
    Effect.fail(
      new OttuDecodeError({
        method: call.endpoint.method,
        path: shownPath(call),
        status,
        body: text,
        reason,
      }),
    )
  const json = text === "" ? Either.right(undefined) : parseJson(text)
  if (Either.isLeft(json)) return failed(`the body is not JSON (${json.left})`)
  // Answers are decoded as effect does by default: unknown keys are kept or dropped, not refused.
  // effect compiles each schema's decoder once and keeps it.
  return Either.match(ParseResult.decodeUnknownEither(call.success)(json.right), {
    onLeft: (error) => failed(ParseResult.TreeFormatter.formatIssueSync(error)),
    onRight: Effect.succeed,
  })
}

/**
 * The request of a call, with its authentication headers, or the input error when its body
 * cannot be encoded.
 */
const requestOf = (
  config: OttuConfig["Type"],
  call: Sent,
  credentials: Readonly<Record<string, string>>,
): Either.Either<HttpClientRequest.HttpClientRequest, OttuInvalidInputError> => {
  const method = call.endpoint.method
  const body = call.body === undefined ? undefined : encodeBody(method, shownPath(call), call.body)
  if (body !== undefined && Either.isLeft(body)) return Either.left(body.left)
  return Either.right(
    HttpClientRequest.make(method)(config.baseUrl + call.path, {
      headers: {
        ...call.headers,
        accept: "application/json",
        ...credentials,
        "user-agent": userAgent,
      },
      ...(call.urlParams === undefined ? {} : { urlParams: call.urlParams }),
      ...(body === undefined ? {} : { body: body.right }),
    }),
  )
}

/** The tagged error of an error status, with the body read as `text`. */
const refusalOf = (
  where: { readonly method: string; readonly path: string },
  response: HttpClientResponse.HttpClientResponse,
  text: string,
): Effect.Effect<never, OttuStatusError> => {
  const parsed = text === "" ? Either.right(undefined) : parseJson(text)
  return statusError(
    { ...where, status: response.status, body: Either.getOrElse(parsed, () => text) },
    response.headers["retry-after"],
  )
}

/** The answer of a call: its decoded success, or the tagged error of its status. */
const answerOf = <A, I>(
  call: Call<A, I>,
  response: HttpClientResponse.HttpClientResponse,
  text: string,
): Effect.Effect<A, OttuRequestError> => {
  const { status } = response
  const annotated = Effect.annotateCurrentSpan("http.response.status_code", status)
  if (status >= 200 && status < 300) {
    return Effect.zipRight(annotated, decodeSuccess(call, status, text))
  }
  return Effect.zipRight(
    annotated,
    refusalOf({ method: call.endpoint.method, path: shownPath(call) }, response, text),
  )
}

/** The clock effect runs on unless told otherwise: its `sleep` is a `setTimeout`. */
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** The longest delay `setTimeout` takes; a longer one would fire at once. */
const maxTimerMillis = 2 ** 31 - 1

/**
 * Calls `fire` once `duration` has passed on `clock`, unless the returned function is called
 * first. On the live clock that is a `setTimeout`; on any other (`TestClock`), the clock's own
 * `sleep` in a fiber of its own.
 */
const alarm = (clock: Clock.Clock, duration: Duration.Duration, fire: () => void): (() => void) => {
  if (clock === liveClock) {
    const millis = Duration.toMillis(duration)
    // As effect's own clock: a delay too long for a timer never comes.
    if (millis > maxTimerMillis) return () => {}
    const timer = setTimeout(fire, millis)
    return () => clearTimeout(timer)
  }
  const sleeper = Effect.runFork(clock.sleep(duration))
  sleeper.addObserver((exit) => {
    if (Exit.isSuccess(exit)) fire()
  })
  return () => sleeper.unsafeInterruptAsFork(FiberId.none)
}

/**
 * An exchange with the client's own failures turned into `OttuTransportError`, under `timeout`.
 *
 * With the SDK's lean client and the one `request` the exchange sends, the exchange stays on the
 * caller's fiber: a sleep on effect's `Clock` (so `TestClock` drives it) aborts the request, body
 * reading included, and the exchange then fails with the `OttuTimeoutError`. With any other
 * client, or an exchange that sends more than one request, `Effect.timeoutFail` runs the exchange
 * on a fiber of its own and interrupts it, with the platform's tracer off (its spans would record
 * URLs and headers).
 *
 * **Details:** measured over loopback, running the exchange on a fiber of its own and joining it
 * costs 60–100 µs per call on Bun, Deno and Node, the largest single cost of a call; the sleep
 * alone costs a few.
 */
const guarded = <A, E, R>(
  client: HttpClient.HttpClient,
  where: { readonly method: string; readonly path: string; readonly sent: string },
  exchange: Effect.Effect<A, E, R>,
  timeout: Duration.Duration,
  request?: HttpClientRequest.HttpClientRequest,
): Effect.Effect<
  A,
  Exclude<E, HttpClientError.HttpClientError> | OttuTransportError | OttuTimeoutError,
  R
> => {
  const { method, path, sent } = where
  const timedOut = () => new OttuTimeoutError({ method, path, timeout })
  // Only the client's own failures are transport errors (not the body-size refusal).
  const failure = (error: E) =>
    HttpClientError.isHttpClientError(error)
      ? new OttuTransportError({
          method,
          path,
          reason: error.message.replaceAll(sent, path),
          // The runtime's own failure, never the client error: that one holds the request.
          ...(error.cause === undefined ? {} : { cause: error.cause }),
        })
      : (error as Exclude<E, HttpClientError.HttpClientError>)
  if (request !== undefined && isLean(client)) {
    return Effect.clockWith((clock) => {
      const deadline = new AbortController()
      withSignal(request, deadline.signal)
      const cancel = alarm(clock, timeout, () => deadline.abort())
      return exchange.pipe(
        Effect.mapError((error) => (deadline.signal.aborted ? timedOut() : failure(error))),
        Effect.ensuring(Effect.sync(cancel)),
      )
    })
  }
  return exchange.pipe(
    (exchange) =>
      isLean(client)
        ? exchange
        : Effect.locally(exchange, HttpClient.currentTracerDisabledWhen, constTrue),
    Effect.mapError(failure),
    Effect.timeoutFail({ duration: timeout, onTimeout: timedOut }),
  )
}

/**
 * One attempt of a call: sends it, reads the whole body under the size limit, all within
 * `timeout` (the request is aborted when it strikes), and decodes the answer.
 */
const attempt = <A, I>(
  config: OttuConfig["Type"],
  client: HttpClient.HttpClient,
  call: Call<A, I>,
  timeout: Duration.Duration,
  credentials: Readonly<Record<string, string>>,
): Effect.Effect<A, OttuCallError> => {
  const request = requestOf(config, call, credentials)
  if (Either.isLeft(request)) return Effect.fail(request.left)
  const method = call.endpoint.method
  const path = shownPath(call)
  const exchange = Effect.flatMap(client.execute(request.right), (response) =>
    Effect.map(boundedText(response, { method, path }), (text) => ({ response, text })),
  )
  return guarded(
    client,
    { method, path, sent: call.path },
    isIdempotent(call) ? exchange : withoutConnectionReuse(client, exchange),
    timeout,
    request.right,
  ).pipe(Effect.flatMap(({ response, text }) => answerOf(call, response, text)))
}

/**
 * One attempt under the layer's credentials. When Ottu answers 401 to renewable credentials (a
 * Keycloak token), the token is dropped so that the next call gets a new one, and the call is
 * sent once more with a new token only when its retry class allows (`isIdempotent`).
 *
 * **Details:** a 401 means Ottu's authentication refused the request before acting on it, so a
 * `never` call (a checkout create, a charge) would in principle be safe to re-send. It is not
 * re-sent all the same: the SDK cannot tell Ottu's authentication from a proxy or a later step
 * that answers 401 after something happened, and "a `never` call is sent at most once" is the
 * rule callers reason with. Such a call fails with `OttuUnauthorizedError`; the caller may send
 * it again, with a new token.
 */
const authenticated = <A>(
  config: OttuConfig["Type"],
  call: Sent,
  send: (credentials: Readonly<Record<string, string>>) => Effect.Effect<A, OttuCallError>,
): Effect.Effect<A, OttuCallError, HttpClient.HttpClient> => {
  const { authenticator } = config
  if (!authenticator.renewable) {
    return Effect.flatMap(authenticator.credentials, (credentials) =>
      send(Redacted.value(credentials.headers)),
    )
  }
  const once = Effect.flatMap(authenticator.credentials, (credentials) =>
    send(Redacted.value(credentials.headers)).pipe(
      Effect.tapErrorTag("OttuUnauthorizedError", () => credentials.refused ?? Effect.void),
    ),
  )
  return isIdempotent(call) ? Effect.catchTag(once, "OttuUnauthorizedError", () => once) : once
}

/** Hands a successful answer to the observer; whatever the observer does, the answer stands. */
const observed = <A, I>(
  call: Call<A, I>,
  observer: AnswerObserver["Type"],
  answer: A,
): Effect.Effect<void, never, OttuConfig | HttpClient.HttpClient> =>
  observer({
    endpoint: call.endpoint,
    sent: call.body?._tag === "Json" ? call.body.value : undefined,
    answer,
  }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.logError(`effect-ottu: the answer of ${call.endpoint.name} was not observed`, cause),
    ),
  )

/**
 * Sends one call to Ottu and returns its decoded answer, or a tagged error for every way it can
 * fail. Each attempt's timeout covers sending, the headers and reading the whole body; the retry
 * policy re-sends only what the endpoint table allows. A successful answer of an endpoint that
 * saves something is then handed to the context's `AnswerObserver`, outside the timeout.
 */
export const execute = <A, I>(
  call: Call<A, I>,
): Effect.Effect<A, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.contextWithEffect((context: Context.Context<OttuConfig | HttpClient.HttpClient>) => {
    const config = Context.get(context, OttuConfig)
    const client = Context.get(context, HttpClient.HttpClient)
    const answer = reliably(config, call, (call, timeout) =>
      authenticated(config, call, (credentials) =>
        attempt(config, client, call, timeout, credentials),
      ),
    )
    const observer = Context.getOption(context, AnswerObserver)
    return call.endpoint.saves === undefined || Option.isNone(observer)
      ? answer
      : Effect.tap(answer, (value) => observed(call, observer.value, value))
  }).pipe(spanned(call))

/** The span of a call, `Ottu.<name>`: method, route and the call's identifiers, nothing else. */
const spanned =
  (call: Sent) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withSpan(effect, `Ottu.${call.endpoint.name}`, {
      kind: "client",
      captureStackTrace: false,
      attributes: {
        "http.request.method": call.endpoint.method,
        "http.route": call.endpoint.route,
        ...call.attributes,
      },
    })

/** A successful answer whose body is read as it arrives, never held whole. */
export interface Streamed {
  readonly status: number
  readonly headers: Headers.Headers
  /** The body's bytes; a failure to read them is an `OttuTransportError`. */
  readonly body: Stream.Stream<Uint8Array, OttuTransportError>
}

/** The body of a successful answer as a stream of bytes. */
const streamedOf = (
  where: { readonly method: string; readonly path: string },
  response: HttpClientResponse.HttpClientResponse,
): Streamed => ({
  status: response.status,
  headers: response.headers,
  // Not the error's message, which names the request's URL (a token, a pre-signed link).
  body: Stream.mapError(
    response.stream,
    (error) =>
      new OttuTransportError({
        ...where,
        reason: `the body could not be read (${error.reason})`,
        ...(error.cause === undefined ? {} : { cause: error.cause }),
      }),
  ),
})

/** The answer of a request whose success streams: its body, or the tagged error of its status. */
const streamedOrRefused = (
  where: { readonly method: string; readonly path: string },
  response: HttpClientResponse.HttpClientResponse,
) =>
  response.status >= 200 && response.status < 300
    ? Effect.succeed(streamedOf(where, response))
    : Effect.flatMap(boundedText(response, where), (text) => refusalOf(where, response, text))

/** `text` as an absolute URL, `undefined` when it is not one. */
const absoluteUrl = (text: string): URL | undefined => {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * Follows a redirect of Ottu to the storage it names, with none of Ottu's headers: the
 * `Location` must be an absolute http(s) URL, fetched with a bare `GET`. Errors name the
 * storage path, never its query (a pre-signed URL's query is a credential).
 */
const fromStorage = (
  client: HttpClient.HttpClient,
  where: { readonly method: string; readonly path: string },
  redirect: HttpClientResponse.HttpClientResponse,
) => {
  const location = redirect.headers.location
  const target = location === undefined ? undefined : absoluteUrl(location)
  if (target === undefined || !/^https?:$/.test(target.protocol)) {
    return Effect.fail(
      new OttuDecodeError({
        ...where,
        status: redirect.status,
        body: "",
        reason:
          location === undefined
            ? "the redirect has no Location"
            : "the redirect's Location is not an absolute http(s) URL",
      }),
    )
  }
  const storage = { method: "GET", path: target.pathname }
  return Effect.flatMap(client.execute(HttpClientRequest.get(target)), (response) =>
    streamedOrRefused(storage, response),
  )
}

/** Asks the fetch client (when it is the one in use) to hand redirects over, not follow them. */
const withManualRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, {
      ...Option.getOrElse(init, () => ({})),
      redirect: "manual",
    }),
  )

/**
 * One attempt of a streamed call: sends it without following redirects, and answers a 2xx body
 * as a stream, or follows a 3xx to storage without credentials. The timeout covers the answers'
 * headers (and the bodies of redirects and errors), not the streamed body.
 */
const attemptStream = (
  config: OttuConfig["Type"],
  client: HttpClient.HttpClient,
  call: Sent,
  timeout: Duration.Duration,
  credentials: Readonly<Record<string, string>>,
): Effect.Effect<Streamed, OttuCallError> => {
  const request = requestOf(config, call, credentials)
  if (Either.isLeft(request)) return Effect.fail(request.left)
  const where = { method: call.endpoint.method, path: shownPath(call) }
  const exchange = Effect.flatMap(
    withManualRedirects(client.execute(request.right)),
    (response) => {
      if (response.status < 300 || response.status >= 400) {
        return streamedOrRefused(where, response)
      }
      // A redirect's body says nothing: read only when announced, which frees the connection.
      const drained =
        response.headers["content-length"] === undefined
          ? Effect.void
          : Effect.ignore(boundedText(response, where))
      return Effect.zipRight(drained, fromStorage(client, where, response))
    },
  )
  return guarded(client, { ...where, sent: call.path }, exchange, timeout)
}

/**
 * Sends one call whose successful body is a file: the answer's headers and its body as a byte
 * stream, read as it is consumed. A redirect (`302` to pre-signed storage) is followed once
 * without any of Ottu's headers. The retry policy applies to getting the answer, never to a body
 * already streaming.
 *
 * **Gotcha:** a client wrapped in `HttpClient.followRedirects` would follow the redirect itself,
 * credentials included; the fetch client is asked not to (`redirect: "manual"`).
 */
export const executeStream = (
  call: Sent,
): Effect.Effect<Streamed, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.contextWithEffect((context: Context.Context<OttuConfig | HttpClient.HttpClient>) => {
    const config = Context.get(context, OttuConfig)
    const client = Context.get(context, HttpClient.HttpClient)
    return reliably(config, call, (call, timeout) =>
      authenticated(config, call, (credentials) =>
        attemptStream(config, client, call, timeout, credentials),
      ),
    )
  }).pipe(spanned(call))
