/**
 * The size limit on answers: a body within the limit is read whole, a larger one fails with an
 * `OttuDecodeError` and stops being read. The same for the platform's responses (read through
 * `Stream`) and `OttuHttpClient`'s (read by a reader loop).
 */
import {
  HttpClientRequest,
  HttpClientResponse,
  type HttpClientResponse as Response_,
} from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { OttuError, OttuHttpClient } from "../src/index.ts"
import { boundedText } from "../src/internal/body.ts"

const where = { method: "GET", path: "/b/checkout/v1/pymt-txn/abc/" } as const
const request = HttpClientRequest.get("http://127.0.0.1/")

/** The two kinds of responses `boundedText` reads: the platform's and the lean client's. */
const kinds: ReadonlyArray<
  readonly [string, (source: globalThis.Response) => Effect.Effect<Response_.HttpClientResponse>]
> = [
  ["FetchHttpClient", (source) => Effect.succeed(HttpClientResponse.fromWeb(request, source))],
  [
    "OttuHttpClient",
    (source) =>
      Effect.orDie(OttuHttpClient.make({ fetch: () => Promise.resolve(source) }).execute(request)),
  ],
]

describe.each(kinds)("boundedText over %s responses", (_, respond) => {
  /** A body streamed in `chunks` chunks of `size` bytes, without a length; counts what was pulled. */
  const streamed = (chunks: number, size: number) => {
    const state = { pulled: 0, cancelled: false }
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state.pulled === chunks) return controller.close()
        state.pulled++
        controller.enqueue(new Uint8Array(size).fill(0x61))
      },
      cancel() {
        state.cancelled = true
      },
    })
    return { state, response: respond(new Response(body)) }
  }

  it.effect("reads a body within the limit, with or without a Content-Length", () =>
    Effect.gen(function* () {
      const sized = yield* respond(
        new Response('{"a":"é"}', { headers: { "content-length": "10" } }),
      )
      expect(yield* boundedText(sized, where, 64)).toBe('{"a":"é"}')
      const { response } = streamed(4, 16)
      expect(yield* boundedText(yield* response, where, 64)).toBe("a".repeat(64))
      const empty = yield* respond(new Response(null, { status: 204 }))
      expect(yield* boundedText(empty, where, 64)).toBe("")
    }),
  )

  it.effect("stops reading a streamed body once it passes the limit", () =>
    Effect.gen(function* () {
      const { state, response } = streamed(1000, 16)
      const exit = yield* Effect.exit(boundedText(yield* response, where, 64))
      expect(exit).toStrictEqual(
        Exit.fail(
          new OttuError.OttuDecodeError({
            ...where,
            status: 200,
            body: "",
            reason: "the body exceeds 64 bytes",
          }),
        ),
      )
      expect(state.pulled).toBeLessThan(10)
      expect(state.cancelled).toBe(true)
    }),
  )

  it.effect("refuses a body announced larger than the limit after its first chunk", () =>
    Effect.gen(function* () {
      const state = { pulled: 0, cancelled: false }
      const announced = yield* respond(
        new Response(
          new ReadableStream({
            pull: (controller) => {
              state.pulled++
              controller.enqueue(new Uint8Array(16))
            },
            cancel: () => {
              state.cancelled = true
            },
          }),
          { status: 500, headers: { "content-length": "1000000" } },
        ),
      )
      const exit = yield* Effect.exit(boundedText(announced, where, 64))
      const error =
        Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(error).toMatchObject({
        _tag: "OttuDecodeError",
        status: 500,
        reason: "the body exceeds 64 bytes (Content-Length: 1000000)",
      })
      expect(state.pulled).toBeLessThan(10)
      expect(state.cancelled).toBe(true)
    }),
  )
})
