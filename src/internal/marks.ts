/**
 * What the SDK's own `HttpClient` (`OttuHttpClient`) promises the HTTP boundary, and how the
 * boundary hands it a deadline.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"

/**
 * The mark of the SDK's own client. Such a client promises that its runtime never re-sends a
 * request on its own (see `connection.ts`), that it makes no spans (so the platform's tracer
 * need not be turned off around it), and that it aborts a request, body reading included, when
 * the signal {@link withSignal} gave it aborts.
 */
export const leanClient: unique symbol = Symbol.for("effect-ottu/leanClient")

/** True for a client carrying the {@link leanClient} mark. */
export const isLean = (client: HttpClient.HttpClient): boolean => leanClient in client

const signals = new WeakMap<HttpClientRequest.HttpClientRequest, AbortSignal>()

/** `request`, which a lean client will abort when `signal` aborts. */
export const withSignal = (
  request: HttpClientRequest.HttpClientRequest,
  signal: AbortSignal,
): HttpClientRequest.HttpClientRequest => {
  signals.set(request, signal)
  return request
}

/** The signal {@link withSignal} gave `request`, if any. */
export const signalOf = (request: HttpClientRequest.HttpClientRequest): AbortSignal | undefined =>
  signals.get(request)
