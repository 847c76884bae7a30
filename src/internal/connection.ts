/**
 * Connections for requests that must never reach Ottu twice.
 *
 * Deno's `fetch` re-sends a POST by itself when a reused keep-alive connection is reset after the
 * request arrived, so a checkout create or an unkeyed refund could be received twice. On Deno,
 * such a request goes over a client of its own with no connection pool (closed afterwards); on
 * Node and Bun, and with any `HttpClient` other than the fetch one, nothing changes. A client
 * marked lean (`OttuHttpClient`, see `marks.ts`) sends such requests so that the runtime cannot
 * re-send them, and keeps its pool.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { isLean } from "./marks.ts"

interface DenoHttpClient {
  close(): void
}

interface DenoLike {
  readonly createHttpClient?: (options: { readonly poolMaxIdlePerHost: number }) => DenoHttpClient
}

/**
 * `effect` (a request of `client` and the reading of its body) on a fresh connection when on
 * Deno, unless `client` is the SDK's lean one.
 */
export const withoutConnectionReuse = <A, E, R>(
  client: HttpClient.HttpClient,
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> => {
  const create = (globalThis as { readonly Deno?: DenoLike }).Deno?.createHttpClient
  if (create === undefined || isLean(client)) return effect
  return Effect.acquireUseRelease(
    Effect.sync(() => create({ poolMaxIdlePerHost: 0 })),
    (client) =>
      Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
        Effect.provideService(effect, FetchHttpClient.RequestInit, {
          ...Option.getOrElse(init, () => ({})),
          client,
        } as globalThis.RequestInit),
      ),
    (client) => Effect.sync(() => client.close()),
  )
}
