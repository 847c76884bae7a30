/**
 * A lean `HttpClient` for the SDK, built directly on `fetch`: what every Ottu call needs (abort
 * on interruption, bounded and streamed body reads, manual redirects on request) and none of the
 * per-request costs of @effect/platform's `FetchHttpClient` (a `URL` rebuilt per request, a
 * `FinalizationRegistry` entry, a cached body run on a second fiber, headers re-read on every
 * access, the platform's own spans).
 *
 * On Deno it also keeps connections pooled for every call while making sure the runtime never
 * sends a request twice on its own (see {@link make}).
 *
 * @since 0.1.0
 */

import * as Cookies from "@effect/platform/Cookies"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { webBody } from "./internal/body.ts"
import { leanClient, signalOf } from "./internal/marks.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The `fetch` to send with; the runtime's own by default. */
  readonly fetch?: typeof globalThis.fetch
  /** Options passed to every `fetch` call (a Deno `client`, say); the request's own win. */
  readonly requestInit?: globalThis.RequestInit
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions {
  /**
   * On Deno, how long an idle connection stays in the pool. Keep it below the keep-alive
   * timeout of whatever sits in front of Ottu, so the pool drops a connection before the server
   * does. Default: 4 seconds (Node's servers close idle connections after 5).
   */
  readonly idleTimeout?: Duration.DurationInput
}

const methodsWithoutBody: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"])

/** A request body as `fetch` takes it, and the content type it implies when it has one. */
const bodyOf = (
  body: HttpClientRequest.HttpClientRequest["body"],
): Effect.Effect<globalThis.BodyInit | undefined> => {
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(undefined)
    case "Raw":
      return Effect.succeed(body.body as globalThis.BodyInit)
    case "Uint8Array":
      return Effect.succeed(body.body as Uint8Array<ArrayBuffer>)
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Stream.toReadableStreamEffect(body.stream)
  }
}

/** A stream of `bytes` built here, so that `fetch` cannot know its content in advance. */
const readOnce = (bytes: Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start: (controller) => {
      if (bytes.byteLength > 0) controller.enqueue(bytes)
      controller.close()
    },
  })

/** Serialises a body the platform hands over as such (form data, a blob) with its content type. */
const serialised = (
  body: globalThis.BodyInit,
  headers: Headers.Headers,
): Effect.Effect<{
  readonly body: ReadableStream<Uint8Array>
  readonly headers: Headers.Headers
}> =>
  Effect.promise(async () => {
    const wrapped = new Response(body)
    const bytes = new Uint8Array(await wrapped.arrayBuffer())
    const type = wrapped.headers.get("content-type")
    return {
      body: readOnce(bytes),
      headers:
        type === null || "content-type" in headers ? headers : { ...headers, "content-type": type },
    }
  })

/**
 * `body` as a stream that can be read once, with the headers that go with it: what `fetch`
 * cannot replay, it cannot re-send. The stream must be one the runtime cannot see through: Deno
 * turns the body stream of a `Response` or a `Request` back into bytes it can replay.
 */
const unreplayable = (
  body: HttpClientRequest.HttpClientRequest["body"],
  headers: Headers.Headers,
): Effect.Effect<{
  readonly body: ReadableStream<Uint8Array>
  readonly headers: Headers.Headers
}> => {
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ body: readOnce(new Uint8Array(0)), headers })
    case "Uint8Array":
      return Effect.succeed({ body: readOnce(body.body), headers })
    case "Raw":
      return typeof body.body === "string"
        ? Effect.succeed({ body: readOnce(new TextEncoder().encode(body.body)), headers })
        : serialised(body.body as globalThis.BodyInit, headers)
    case "FormData":
      return serialised(body.formData, headers)
    case "Stream":
      return Effect.map(Stream.toReadableStreamEffect(body.stream), (stream) => ({
        body: stream,
        headers,
      }))
  }
}

/** An answer read straight from the web `Response`, its headers converted once. */
class LeanResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly status: number
  readonly headers: Headers.Headers

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: globalThis.Response,
    private readonly controller: AbortController,
  ) {
    super()
    this.status = source.status
    this.headers = Headers.fromInput(source.headers)
  }

  get [webBody](): ReadableStream<Uint8Array> | null {
    return this.source.body
  }

  get cookies(): Cookies.Cookies {
    return Cookies.fromSetCookie(this.source.headers.getSetCookie())
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  /** `read` of the body, aborting the request when the fiber is interrupted. */
  private read<A>(read: (source: globalThis.Response) => Promise<A>) {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      read(this.source).then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause))),
      )
      return Effect.sync(() => this.controller.abort())
    })
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause,
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.read((source) => source.text())
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : (JSON.parse(text) as unknown)),
        catch: (cause) => this.decodeError(cause),
      }),
    )
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.read((source) => source.arrayBuffer())
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read((source) => source.formData())
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const body = this.source.body
    if (body === null) {
      return Stream.fail(
        new HttpClientError.ResponseError({
          request: this.request,
          response: this,
          reason: "EmptyBody",
          description: "can not create stream from empty body",
        }),
      )
    }
    return Stream.ensuring(
      Stream.fromReadableStream(
        () => body,
        (cause) => this.decodeError(cause),
      ),
      // Frees the connection when the stream stops early (an error, an interruption).
      Effect.sync(() => this.controller.abort()),
    )
  }

  toJSON(): unknown {
    return { _id: "effect-ottu/OttuHttpClient/Response", status: this.status }
  }
}

/** Sends `request` with `fetch`, aborting it when the fiber is interrupted. */
const send = (
  fetch: typeof globalThis.fetch,
  init: globalThis.RequestInit | undefined,
  request: HttpClientRequest.HttpClientRequest,
  prepared: { readonly body: globalThis.BodyInit | undefined; readonly headers: Headers.Headers },
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async((resume) => {
    let url: string = request.url
    if (request.urlParams.length > 0 || Option.isSome(request.hash)) {
      const built = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
      if (built._tag === "Left") {
        return resume(
          Effect.fail(
            new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: built.left }),
          ),
        )
      }
      url = built.right.toString()
    }
    const controller = new AbortController()
    const deadline = signalOf(request)
    if (deadline?.aborted) controller.abort()
    deadline?.addEventListener("abort", () => controller.abort(), { once: true })
    fetch(url, {
      ...init,
      method: request.method,
      headers: prepared.headers,
      body: prepared.body ?? null,
      signal: controller.signal,
      ...(prepared.body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as globalThis.RequestInit).then(
      (response) => resume(Effect.succeed(new LeanResponse(request, response, controller))),
      (cause) =>
        resume(
          Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })),
        ),
    )
    return Effect.sync(() => controller.abort())
  })

const isDeno = (): boolean => (globalThis as { readonly Deno?: unknown }).Deno !== undefined

/**
 * A lean `HttpClient` on `fetch`. A `FetchHttpClient.RequestInit` in the context is honoured as
 * by the platform's client (the SDK asks for `redirect: "manual"` that way when it downloads a
 * report).
 *
 * **Details:** on Deno, the body of every request but a `GET`, `HEAD` or `OPTIONS` is sent as a
 * stream (an empty one when there is no body). Deno's `fetch` re-sends a request whose body it
 * can replay when a reused keep-alive connection closes after the request went out and before an
 * answer came (it takes the request for unsent); a stream is read once, so such a request fails
 * instead (`OttuTransportError`), and money-moving calls can share pooled connections. The price
 * is `Transfer-Encoding: chunked` on those requests instead of a `Content-Length`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): HttpClient.HttpClient => {
  const fetch = options.fetch ?? globalThis.fetch
  const streamBodies = isDeno()
  const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<
          HttpClientResponse.HttpClientResponse,
          HttpClientError.RequestError
        >((fiber) => {
          const given = Context.getOption(fiber.currentContext, FetchHttpClient.RequestInit)
          const init = Option.isNone(given)
            ? options.requestInit
            : { ...options.requestInit, ...given.value }
          const headers =
            "content-length" in request.headers
              ? Headers.remove(request.headers, "content-length")
              : request.headers
          const prepared =
            streamBodies && !methodsWithoutBody.has(request.method)
              ? unreplayable(request.body, headers)
              : Effect.map(bodyOf(request.body), (body) => ({ body, headers }))
          return Effect.flatMap(prepared, (prepared) => send(fetch, init, request, prepared))
        }),
      ),
    Effect.succeed,
  )
  return Object.assign(client, { [leanClient]: true })
}

interface DenoHttpClient {
  close(): void
}

interface DenoLike {
  readonly createHttpClient?: (options: { readonly poolIdleTimeout: number }) => DenoHttpClient
}

/**
 * The lean client as the `HttpClient` of a layer. On Deno it sends over a dedicated client
 * (`Deno.createHttpClient`) whose idle connections expire after `idleTimeout`, closed with the
 * layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: LayerOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.suspend(() => {
      const create = (globalThis as { readonly Deno?: DenoLike }).Deno?.createHttpClient
      if (create === undefined) return Effect.succeed(make())
      const idle = Duration.toMillis(options.idleTimeout ?? Duration.seconds(4))
      return Effect.map(
        Effect.acquireRelease(
          Effect.sync(() => create({ poolIdleTimeout: idle })),
          (denoClient) => Effect.sync(() => denoClient.close()),
        ),
        (denoClient) => make({ requestInit: { client: denoClient } as globalThis.RequestInit }),
      )
    }),
  )

/**
 * The lean client with its defaults: the `HttpClient` to give the SDK.
 *
 * @example
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { OttuAuth, OttuConfig, OttuHttpClient } from "effect-ottu"
 *
 * const OttuLive = Layer.merge(
 *   OttuConfig.layer({
 *     merchantId: "merchant.id.ottu.dev",
 *     auth: OttuAuth.apiKey(Redacted.make("my-private-key")),
 *   }),
 *   OttuHttpClient.layer,
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith()
