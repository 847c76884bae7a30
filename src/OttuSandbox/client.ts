/**
 * The in-process `HttpClient`: it turns each client request into a web `Request`, hands it to a
 * sandbox's web handler and reads the web `Response` back, with no network in between.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** The body of a client request as a web `BodyInit`. */
const webBody = (
  request: HttpClientRequest.HttpClientRequest,
): Effect.Effect<BodyInit | undefined, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(undefined)
    case "Raw":
      // A raw body is whatever the caller gave `HttpBody.raw`, meant for `fetch` as it is.
      return Effect.succeed(body.body as BodyInit)
    case "Uint8Array":
      // TypeScript's DOM types want an ArrayBuffer-backed view; the bytes are the same.
      return Effect.succeed(body.body as Uint8Array<ArrayBuffer>)
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Effect.tryPromise({
        try: () => new Response(Stream.toReadableStream(body.stream)).arrayBuffer(),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause }),
      })
  }
}

/** An `HttpClient` whose requests `handler` answers in process. */
export const clientOf = (handler: (request: Request) => Promise<Response>): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    webBody(request).pipe(
      Effect.map(
        (body) =>
          new Request(url, {
            method: request.method,
            headers: Headers.remove(request.headers, "content-length"),
            signal,
            ...(body === undefined ? {} : { body }),
          }),
      ),
      Effect.flatMap((webRequest) =>
        Effect.tryPromise({
          try: () => handler(webRequest),
          catch: (cause) =>
            new HttpClientError.RequestError({ request, reason: "Transport", cause }),
        }),
      ),
      Effect.map((response) => HttpClientResponse.fromWeb(request, response)),
    ),
  )
