/**
 * Reading an answer's body with a size limit, so a huge (or endless) body cannot exhaust memory.
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { OttuDecodeError } from "../OttuError.ts"

/** The largest body the SDK reads: 10 MiB, far above any answer of Ottu. */
export const defaultMaxBodyBytes = 10 * 1024 * 1024

/** The statuses whose answers never have a body (Fetch's "null body status", 1xx aside). */
const nullBodyStatuses: ReadonlySet<number> = new Set([204, 205, 304])

/**
 * The body of `response` as UTF-8 text, failing with an `OttuDecodeError` as soon as it exceeds
 * `maxBytes`. A body whose `Content-Length` is within the limit is read in one go; one without a
 * length is counted chunk by chunk; one announced larger is refused after its first chunk. Either
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
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return response.stream.pipe(
      Stream.runForEach((chunk) => {
        size += chunk.byteLength
        if (size > maxBytes || declared > maxBytes) return Effect.fail(tooLarge())
        chunks.push(chunk)
        return Effect.void
      }),
      Effect.map(() => {
        const bytes = new Uint8Array(size)
        let offset = 0
        for (const chunk of chunks) {
          bytes.set(chunk, offset)
          offset += chunk.byteLength
        }
        return new TextDecoder().decode(bytes)
      }),
      Effect.catchIf(
        (error) => error._tag === "ResponseError" && error.reason === "EmptyBody",
        () => Effect.succeed(""),
      ),
    )
  })
}
