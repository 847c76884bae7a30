/**
 * The three ways the latency benchmark creates a checkout on the stand-in, each built once and
 * then called per request, as a server would:
 *
 * - `fetch`: the runtime's own `fetch` with the SDK's headers and body, then `response.json()`:
 *   the floor.
 * - `platform`: @effect/platform's `FetchHttpClient` alone (request, `execute`, body text,
 *   `JSON.parse`), run by a `ManagedRuntime`: the cost of Effect and of the transport seam the
 *   SDK is built on, without the SDK.
 * - `sdk`: `Checkout.create` on `FetchHttpClient`, run by a `ManagedRuntime`.
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
import * as Checkout from "../src/Checkout.ts"
import { version } from "../src/internal/version.ts"
import * as OttuAuth from "../src/OttuAuth.ts"
import * as OttuConfig from "../src/OttuConfig.ts"
import { checkoutPath, params } from "./fixture.ts"

/** The clients the benchmark compares. */
export const clientNames = ["fetch", "platform", "sdk"] as const

/** One of {@link clientNames}. */
export type ClientName = (typeof clientNames)[number]

/** Creates one checkout and resolves to its session id. */
export type Send = () => Promise<string>

const apiKey = "sk_bench_Zm9vYmFyYmF6"

/** The headers the SDK sends with a JSON body. */
const headers = {
  accept: "application/json",
  authorization: `Api-Key ${apiKey}`,
  "content-type": "application/json",
  "user-agent": `effect-ottu/${version}`,
}

const sessionIdOf = (body: unknown): string => (body as { session_id: string }).session_id

const fetchClient = (baseUrl: string): Send => {
  const url = baseUrl + checkoutPath
  return async () => {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(params) })
    const body = await response.json()
    if (response.status !== 201) throw new Error(`unexpected status ${response.status}`)
    return sessionIdOf(body)
  }
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

const sdkClient = (baseUrl: string): Send => {
  const runtime = ManagedRuntime.make(
    Layer.merge(
      OttuConfig.layer({
        merchantId: "bench.ottu.test",
        auth: OttuAuth.apiKey(Redacted.make(apiKey)),
        baseUrl,
      }),
      FetchHttpClient.layer,
    ),
  )
  return () => runtime.runPromise(Checkout.create(params)).then((created) => created.session_id)
}

/** The client called `name`, talking to the stand-in at `baseUrl`. */
export const makeClient = (name: ClientName, baseUrl: string): Send => {
  switch (name) {
    case "fetch":
      return fetchClient(baseUrl)
    case "platform":
      return platformClient(baseUrl)
    case "sdk":
      return sdkClient(baseUrl)
  }
}
