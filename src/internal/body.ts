/**
 * Reading an answer's body with a size limit, so a huge (or endless) body cannot exhaust memory.
 *
 * @internal
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { OttuDecodeError } from "../OttuError.ts"

/** The largest body the SDK reads: 10 MiB, far above any answer of Ottu. */
export const defaultMaxBodyBytes = 10 * 1024 * 1024

/**
 * The key under which a response hands over its web body (`OttuHttpClient`'s responses do), so
 * that a body without a length is read by a plain reader loop rather than through `Stream`.
 */
export const webBody: unique symbol = Symbol.for("effect-ottu/webBody")

/** A response whose web body can be read directly. */
export interface WithWebBody {
  readonly [webBody]: ReadableStream<Uint8Array> | null
}

const hasWebBody = (
  response: HttpClientResponse.HttpClientResponse,
): response is HttpClientResponse.HttpClientResponse & WithWebBody => webBody in response

/** The bytes of `chunks` (holding `size` bytes in all) as UTF-8 text. */
const decoded = (chunks: ReadonlyArray<Uint8Array>, size: number): string => {
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0])
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

/**
 * Reads a web body chunk by chunk with a promise loop, failing with `tooLarge` once `refuse`
 * says so; the body is cancelled (which aborts the request) when reading stops early or the
 * fiber is interrupted.
 *
 * **Details:** `Stream.fromReadableStream` costs about half a millisecond per body on every
 * runtime (a scope, a channel executor and a cancellation of the finished reader), more than
 * the whole exchange on loopback; this loop costs what `Response.text()` does.
 */
const readWebBody = (
  response: HttpClientResponse.HttpClientResponse,
  body: ReadableStream<Uint8Array> | null,
  refuse: (size: number) => boolean,
  tooLarge: () => OttuDecodeError,
): Effect.Effect<string, HttpClientError.ResponseError | OttuDecodeError> => {
  if (body === null) return Effect.succeed("")
  return Effect.async((resume) => {
    const reader = body.getReader()
    const chunks: Array<Uint8Array> = []
    let size = 0
    const cancel = () => {
      reader.cancel().catch(() => {})
    }
    const failed = (cause: unknown) =>
      resume(
        Effect.fail(
          new HttpClientError.ResponseError({
            request: response.request,
            response,
            reason: "Decode",
            cause,
          }),
        ),
      )
    const pump = (): void => {
      reader.read().then((result) => {
        if (result.done) return resume(Effect.succeed(decoded(chunks, size)))
        size += result.value.byteLength
        if (refuse(size)) {
          cancel()
          return resume(Effect.fail(tooLarge()))
        }
        chunks.push(result.value)
        return pump()
      }, failed)
    }
    pump()
    return Effect.sync(cancel)
  })
}

/** The statuses whose answers never have a body (Fetch's "null body status", 1xx aside). */
const nullBodyStatuses: ReadonlySet<number> = new Set([204, 205, 304])

/**
 * The body of `response` as UTF-8 text, failing with an `OttuDecodeError` as soon as it exceeds
 * `maxBytes`. A body whose `Content-Length` is within the limit is read in one go; one without a
 * length is counted chunk by chunk (by a plain reader loop when the response hands over its web
 * body, see {@link webBody}); one announced larger is refused after its first chunk. Either
 * way the request is aborted when reading stops early, which frees the connection. No body at all
 * reads as `""`; an answer whose status has no body (204, 205, 304) is not read at all, which
 * also keeps the platform from logging its "empty body" failure, URL included (a card token
 * travels in a path).
 */
export const boundedText = (
  response: HttpClientResponse.HttpClientResponse,
  where: { readonly method: string; readonly path: string },
  maxBytes: number = defaultMaxBodyBytes,
): Effect.Effect<string, HttpClientError.ResponseError | OttuDecodeError> => {
  if (nullBodyStatuses.has(response.status)) return Effect.succeed("")
  const header = response.headers["content-length"]
  const declared = header === undefined ? Number.NaN : Number(header)
  if (declared <= maxBytes) return response.text
  const tooLarge = () =>
    new OttuDecodeError({
      ...where,
      status: response.status,
      body: "",
      reason: `the body exceeds ${maxBytes} bytes${Number.isNaN(declared) ? "" : ` (Content-Length: ${declared})`}`,
    })
  const refuse = (size: number) => size > maxBytes || declared > maxBytes
  if (hasWebBody(response)) return readWebBody(response, response[webBody], refuse, tooLarge)
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return response.stream.pipe(
      Stream.runForEach((chunk) => {
        size += chunk.byteLength
        if (refuse(size)) return Effect.fail(tooLarge())
        chunks.push(chunk)
        return Effect.void
      }),
      Effect.map(() => decoded(chunks, size)),
      Effect.catchIf(
        (error) => error._tag === "ResponseError" && error.reason === "EmptyBody",
        () => Effect.succeed(""),
      ),
    )
  })
}
