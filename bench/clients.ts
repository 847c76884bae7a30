/**
 * The clients the latency benchmark compares, one entry each, built once and then called per
 * request, as a server would:
 *
 * - `fetch`: the runtime's own `fetch` with the SDK's headers and body, then `response.json()`:
 *   the floor.
 * - `fresh`: the same on a new connection per call (over HTTPS, a TLS handshake per call), as the
 *   SDK does on Deno for calls that must never be re-sent: the floor of that rule.
 * - `platform`: @effect/platform's `FetchHttpClient` alone (request, `execute`, body text,
 *   `JSON.parse`), run by a `ManagedRuntime`: the cost of Effect and of the transport seam the
 *   SDK is built on, without the SDK.
 * - `sdk`: `Checkout.create` on `FetchHttpClient`, run by a `ManagedRuntime`.
 * - `lean`: `Checkout.create` on the SDK's own transport, `OttuHttpClient.layer`.
 * - `stripe`: a peer, stripe-node's `checkout.sessions.create` (its own transport: `node:http`
 *   on Node, `fetch` on Bun and Deno, a fake key, no retries), pointed at the stand-in.
 *
 * @module
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import Stripe from "stripe"
import * as Checkout from "../src/Checkout.ts"
import * as OttuAuth from "../src/OttuAuth.ts"
import * as OttuConfig from "../src/OttuConfig.ts"
import * as OttuHttpClient from "../src/OttuHttpClient.ts"
import {
  apiKey,
  checkoutPath,
  headers,
  params,
  session,
  stripeParams,
  stripeSession,
} from "./fixture.ts"

/** Creates one checkout and resolves to its session id. */
export type Send = () => Promise<string>

/** One client of the benchmark. */
export interface Client {
  /** Its name in the report. */
  readonly label: string
  /** The session id every call resolves to (checked before measuring). */
  readonly sessionId: string
  /** Builds the client for the stand-in at `baseUrl`. */
  readonly make: (baseUrl: string) => Send
}

const sessionIdOf = (body: unknown): string => (body as { session_id: string }).session_id

/** How a `fetch` client reaches the stand-in: extra request options, and their clean-up. */
interface Connection {
  readonly open: () => RequestInit
  readonly close: (init: RequestInit) => void
}

/** The runtime's `fetch` with the SDK's headers and body, over `connection`. */
const fetchClient =
  (connection: Connection) =>
  (baseUrl: string): Send => {
    const url = baseUrl + checkoutPath
    return async () => {
      const init = connection.open()
      try {
        const response = await fetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify(params),
          ...init,
        })
        const body = await response.json()
        if (response.status !== 201) throw new Error(`unexpected status ${response.status}`)
        return sessionIdOf(body)
      } finally {
        connection.close(init)
      }
    }
  }

/** The runtime's connection pool. */
const pooled: Connection = { open: () => ({}), close: () => {} }

interface DenoHttpClient {
  close(): void
}
interface DenoLike {
  readonly createHttpClient: (options: { readonly poolMaxIdlePerHost: number }) => DenoHttpClient
}
const deno = (globalThis as { readonly Deno?: DenoLike }).Deno

/**
 * A new connection per call. On Deno, the SDK's own way (`src/internal/connection.ts`): a client
 * with no pool, closed afterwards (`Connection: close` over TLS costs Deno ~40 ms per call
 * here). Elsewhere `Connection: close`, so that the server ends every connection.
 */
const fresh: Connection =
  deno === undefined
    ? { open: () => ({ headers: { ...headers, connection: "close" } }), close: () => {} }
    : {
        open: () => ({ client: deno.createHttpClient({ poolMaxIdlePerHost: 0 }) }) as RequestInit,
        close: (init) => (init as { readonly client: DenoHttpClient }).client.close(),
      }

const platformClient = (baseUrl: string): Send => {
  const runtime = ManagedRuntime.make(FetchHttpClient.layer)
  const url = baseUrl + checkoutPath
  const create = Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.suspend(() =>
      client.execute(
        HttpClientRequest.post(url, {
          headers,
          body: HttpBody.text(JSON.stringify(params), "application/json"),
        }),
      ),
    ).pipe(
      Effect.flatMap((response) => response.text),
      Effect.map((text) => sessionIdOf(JSON.parse(text))),
    ),
  )
  return () => runtime.runPromise(create)
}

/** `Checkout.create`, on the `HttpClient` that `transport` provides. */
const sdkClient =
  (transport: Layer.Layer<HttpClient.HttpClient>) =>
  (baseUrl: string): Send => {
    const runtime = ManagedRuntime.make(
      Layer.merge(
        OttuConfig.layer({
          merchantId: "bench.ottu.test",
          auth: OttuAuth.apiKey(Redacted.make(apiKey)),
          baseUrl,
        }),
        transport,
      ),
    )
    return () => runtime.runPromise(Checkout.create(params)).then((created) => created.session_id)
  }

const stripeClient = (baseUrl: string): Send => {
  const url = new URL(baseUrl)
  const stripe = new Stripe("sk_test_bench_Zm9vYmFyYmF6", {
    host: url.hostname,
    port: url.port,
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 0,
    telemetry: false,
  })
  return () => stripe.checkout.sessions.create(stripeParams).then((created) => created.id)
}

const ottu = { sessionId: session.session_id }

/** Every client, by name. */
export const clients = {
  fetch: { ...ottu, label: "fetch", make: fetchClient(pooled) },
  fresh: { ...ottu, label: "fetch (new connection)", make: fetchClient(fresh) },
  platform: { ...ottu, label: "platform", make: platformClient },
  sdk: { ...ottu, label: "SDK", make: sdkClient(FetchHttpClient.layer) },
  lean: { ...ottu, label: "SDK (lean)", make: sdkClient(OttuHttpClient.layer) },
  stripe: { sessionId: stripeSession.id, label: "stripe-node", make: stripeClient },
} satisfies Record<string, Client>

/** One of {@link clients}. */
export type ClientName = keyof typeof clients
