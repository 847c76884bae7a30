/**
 * Run as a child process by the fault suite: makes one call the server (`FAULT_URL`) answers and
 * one it refuses, then fires 200 calls it never answers, interrupts them all when the line
 * `interrupt` arrives on stdin, says so, and ends. The suite sends that line once the server holds all 200 requests, checks that their
 * connections close while this process is still alive, then closes stdin: the process must then
 * exit on its own, as a call answered, refused or aborted leaves no socket or timer behind. The
 * SDK's timeout is an hour, so a timer left behind would keep the process alive long after the
 * suite gave up.
 * `TRANSPORT=OttuHttpClient` runs it over the SDK's lean client instead of `FetchHttpClient`.
 *
 * @module
 */
import process from "node:process"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Fiber, Layer, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig, OttuHttpClient } from "../../src/index.ts"

/** Completes when the line `interrupt` arrives on stdin; stdin is read to its end. */
const interruptRequested = Effect.async<void>((resume) => {
  let input = ""
  let requested = false
  process.stdin.setEncoding("utf8")
  process.stdin.on("data", (chunk: string) => {
    input += chunk
    if (!requested && input.split("\n").includes("interrupt")) {
      requested = true
      resume(Effect.void)
    }
  })
})

const sessionId = "bb7fc280827c2f177a9690299cfefa4128dbbd60"

const program = Effect.gen(function* () {
  yield* Checkout.retrieve(sessionId)
  const refused = yield* Effect.flip(Checkout.retrieve(sessionId))
  yield* Effect.sync(() => console.log(`answered, then ${refused._tag}`))
  const calls = yield* Effect.fork(
    Effect.forEach(
      Array.from({ length: 200 }, (_, i) => i),
      () => Checkout.retrieve(sessionId),
      { concurrency: "unbounded", discard: true },
    ),
  )
  yield* interruptRequested
  yield* Fiber.interrupt(calls)
  yield* Effect.sync(() => console.log("interrupted 200 calls"))
}).pipe(
  Effect.provide(
    Layer.merge(
      OttuConfig.layer({
        merchantId: "faults.ottu.test",
        auth: OttuAuth.apiKey(Redacted.make("burst-key")),
        baseUrl: process.env.FAULT_URL ?? "http://127.0.0.1:9",
        timeout: "1 hour",
        retry: false,
      }),
      process.env.TRANSPORT === "OttuHttpClient" ? OttuHttpClient.layer : FetchHttpClient.layer,
    ),
  ),
)

Effect.runPromise(program)
