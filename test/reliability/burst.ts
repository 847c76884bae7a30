/**
 * Run as a child process by the fault suite: fires 200 calls at a server that never answers
 * (`FAULT_URL`), interrupts them all, says so, and ends. The process must then exit on its own:
 * an aborted request leaves no socket or timer behind.
 *
 * @module
 */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig } from "../../src/index.ts"

const url = (globalThis as { readonly process?: { readonly env: Record<string, string> } }).process
  ?.env.FAULT_URL

const program = Effect.forEach(
  Array.from({ length: 200 }, (_, i) => i),
  () => Checkout.retrieve("bb7fc280827c2f177a9690299cfefa4128dbbd60"),
  { concurrency: "unbounded", discard: true },
).pipe(
  Effect.timeout("300 millis"),
  Effect.ignore,
  Effect.zipRight(Effect.sync(() => console.log("interrupted 200 calls"))),
  Effect.provide(
    Layer.merge(
      OttuConfig.layer({
        merchantId: "faults.ottu.test",
        auth: OttuAuth.apiKey(Redacted.make("burst-key")),
        baseUrl: url ?? "http://127.0.0.1:9",
        timeout: "1 minute",
      }),
      FetchHttpClient.layer,
    ),
  ),
)

Effect.runPromise(program)
