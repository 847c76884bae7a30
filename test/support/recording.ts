/**
 * `HttpClient` test doubles that hold every request to the official Ottu spec.
 *
 * - {@link makeRecorder}: a fake client that records requests and answers with canned replies.
 * - {@link withContract} / {@link contractLayer}: put the same contract check in front of any
 *   other client (for example an in-process sandbox).
 * - {@link refusedLayer}: a client whose every connection is refused (it sends nothing to check).
 *
 * A request that violates the spec makes the client *die* with a {@link ContractViolation}, so
 * contract drift fails the test even when the test expects a typed failure.
 *
 * @module
 */
import type { HttpBody, HttpClientRequest } from "@effect/platform"
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Data, Effect, Layer, Ref } from "effect"
import { type ContractRequest, validateRequest } from "./contract.ts"

/** A request as received by the recorder. */
export interface Recorded {
  readonly method: string
  /** The full URL, query string included. */
  readonly url: URL
  readonly path: string
  /** Header names are lower-case. */
  readonly headers: Record<string, string>
  readonly contentType: string | undefined
  /** Parsed body of a JSON request; `undefined` otherwise. */
  readonly json: unknown
  /** The body of a `FormData` request; `undefined` otherwise. */
  readonly form: FormData | undefined
  /** The body decoded as UTF-8 text (JSON, url-encoded, plain text); `undefined` otherwise. */
  readonly text: string | undefined
}

/** A canned response. `json` wins over `text`; with neither the response has no body. */
export interface Reply {
  readonly status: number
  readonly json?: unknown
  readonly text?: string
  readonly headers?: Record<string, string>
}

/** Defect raised when a request does not conform to the official Ottu spec. */
export class ContractViolation extends Data.TaggedError("ContractViolation")<{
  readonly method: string
  readonly path: string
  readonly violations: ReadonlyArray<string>
}> {
  override get message(): string {
    const list = this.violations.map((violation) => `\n  - ${violation}`).join("")
    return `${this.method} ${this.path} violates the Ottu API contract:${list}`
  }
}

/** What can be read from a request body without consuming it. */
interface Payload {
  readonly contentType: string | undefined
  readonly text: string | undefined
  readonly form: FormData | undefined
  /** `true` for bodies that cannot be read without consuming them (streams). */
  readonly opaque: boolean
}

const decoder = new TextDecoder()

const payloadOf = (request: HttpClientRequest.HttpClientRequest): Payload => {
  const body: HttpBody.HttpBody = request.body
  const contentType = body.contentType ?? request.headers["content-type"]
  const payload = { contentType, text: undefined, form: undefined, opaque: false }
  switch (body._tag) {
    case "Empty":
      return payload
    case "Uint8Array":
      return { ...payload, text: decoder.decode(body.body) }
    case "FormData":
      return { ...payload, contentType: contentType ?? "multipart/form-data", form: body.formData }
    case "Raw":
      if (typeof body.body === "string") return { ...payload, text: body.body }
      if (body.body instanceof Uint8Array) return { ...payload, text: decoder.decode(body.body) }
      if (body.body instanceof FormData) {
        return { ...payload, contentType: contentType ?? "multipart/form-data", form: body.body }
      }
      return { ...payload, opaque: true }
    case "Stream":
      return { ...payload, opaque: true }
  }
}

const mediaTypeOf = (contentType: string | undefined) =>
  contentType?.split(";")[0]?.trim().toLowerCase() ?? ""

const isJsonType = (contentType: string | undefined) => {
  const mediaType = mediaTypeOf(contentType)
  return mediaType === "application/json" || mediaType.endsWith("+json")
}

const parseJson = (
  text: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const headersOf = (request: HttpClientRequest.HttpClientRequest): Record<string, string> =>
  Object.fromEntries(Object.entries(request.headers))

const urlOf = (request: HttpClientRequest.HttpClientRequest): URL => {
  const url = new URL(request.url, "http://relative.invalid")
  for (const [name, value] of request.urlParams) url.searchParams.append(name, value)
  return url
}

/**
 * How the body takes part in the contract check: `Check` validates `body` (`undefined` = no
 * body sent); `Skip` leaves body checks out, reporting `violation` instead when there is one.
 */
type BodyCheck =
  | { readonly _tag: "Check"; readonly body: ContractRequest["body"] }
  | { readonly _tag: "Skip"; readonly violation: string | undefined }

const bodyCheckOf = (payload: Payload): BodyCheck => {
  const contentType = payload.contentType ?? ""
  if (payload.opaque) return { _tag: "Skip", violation: undefined }
  if (payload.form !== undefined) {
    const form = [...payload.form].map(([name, value]) =>
      typeof value === "string"
        ? ([name, value] as const)
        : ([name, { file: true, name: value.name }] as const),
    )
    return { _tag: "Check", body: { contentType, form } }
  }
  if (payload.text === undefined || payload.text === "") return { _tag: "Check", body: undefined }
  if (mediaTypeOf(contentType) === "application/x-www-form-urlencoded") {
    return { _tag: "Check", body: { contentType, form: [...new URLSearchParams(payload.text)] } }
  }
  if (isJsonType(contentType)) {
    const parsed = parseJson(payload.text)
    return parsed.ok
      ? { _tag: "Check", body: { contentType, json: parsed.value } }
      : { _tag: "Skip", violation: "body: not valid JSON" }
  }
  return { _tag: "Check", body: { contentType } }
}

/** Validates a request against the spec and dies with {@link ContractViolation} on drift. */
const enforceContract = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  payload: Payload,
): Effect.Effect<void> =>
  Effect.gen(function* () {
    const check = bodyCheckOf(payload)
    const body = check._tag === "Check" ? check.body : undefined
    const contract: ContractRequest = {
      method: request.method,
      url: url.href,
      headers: headersOf(request),
      ...(body === undefined ? {} : { body }),
    }
    const found = yield* Effect.promise(() => validateRequest(contract))
    const violations =
      check._tag === "Check"
        ? found
        : [
            ...(check.violation === undefined ? [] : [check.violation]),
            ...found.filter((violation) => !violation.startsWith("body:")),
          ]
    if (violations.length > 0) {
      return yield* Effect.die(
        new ContractViolation({ method: request.method, path: url.pathname, violations }),
      )
    }
  })

const responseOf = (request: HttpClientRequest.HttpClientRequest, reply: Reply) => {
  const headers = new Headers(reply.headers)
  let body: string | null = null
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json)
    if (!headers.has("content-type")) headers.set("content-type", "application/json")
  } else if (reply.text !== undefined) {
    body = reply.text
  }
  return HttpClientResponse.fromWeb(request, new Response(body, { status: reply.status, headers }))
}

/**
 * Creates a recording `HttpClient` double. Every request is checked against the official spec
 * (dying with {@link ContractViolation} on drift), appended to `requests` and answered with
 * `respond`'s reply.
 */
export const makeRecorder = (
  respond: (req: Recorded) => Reply | Effect.Effect<Reply>,
): Effect.Effect<{
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  readonly client: HttpClient.HttpClient
  readonly requests: Effect.Effect<ReadonlyArray<Recorded>>
}> =>
  Effect.gen(function* () {
    const log = yield* Ref.make<ReadonlyArray<Recorded>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function* () {
        const payload = payloadOf(request)
        const parsed =
          payload.text !== undefined && isJsonType(payload.contentType)
            ? parseJson(payload.text)
            : undefined
        const recorded: Recorded = {
          method: request.method,
          url,
          path: url.pathname,
          headers: headersOf(request),
          contentType: payload.contentType,
          json: parsed?.ok === true ? parsed.value : undefined,
          form: payload.form,
          text: payload.text,
        }
        yield* Ref.update(log, (requests) => [...requests, recorded])
        yield* enforceContract(request, url, payload)
        const answer = respond(recorded)
        const reply = Effect.isEffect(answer) ? yield* answer : answer
        return responseOf(request, reply)
      }),
    )
    return { client, layer: Layer.succeed(HttpClient.HttpClient, client), requests: Ref.get(log) }
  })

/** A client whose every request fails as a refused connection (a transport error). */
export const refusedLayer: Layer.Layer<HttpClient.HttpClient> = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.fail(
      new HttpClientError.RequestError({
        request,
        reason: "Transport",
        cause: new Error("connect ECONNREFUSED"),
      }),
    ),
  ),
)

/**
 * Puts the contract check in front of `client`: each request, as finally prepared, is validated
 * before it is forwarded. Bodies are read without being consumed; stream bodies are not checked.
 */
export const withContract = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (response, request) =>
    Effect.zipRight(enforceContract(request, urlOf(request), payloadOf(request)), response),
  )

/** Applies {@link withContract} to the `HttpClient` provided by `layer`. */
export const contractLayer = <E, R>(
  layer: Layer.Layer<HttpClient.HttpClient, E, R>,
): Layer.Layer<HttpClient.HttpClient, E, R> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, withContract)).pipe(
    Layer.provide(layer),
  )
