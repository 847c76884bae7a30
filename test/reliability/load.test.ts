/**
 * 1,000 checkout creates with bounded concurrency against the sandbox served over loopback by
 * the running runtime: all succeed, and no fiber or socket outlives the run.
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, Supervisor } from "effect"
import { Checkout, OttuAuth, OttuConfig } from "../../src/index.ts"
import { serveSandboxForTests } from "../support/serve.ts"

const key = Redacted.make("load-key")
const served = serveSandboxForTests({ apiKey: key, host: "load.ottu.test" })

const total = 1000
const concurrency = 32

/** Open TCP handles of this process, where the runtime can tell (Node). */
const openSockets = (): number | undefined => {
  const info = (process as { getActiveResourcesInfo?: () => ReadonlyArray<string> })
    .getActiveResourcesInfo
  return info?.call(process).filter((name) => name === "TCPSocketWrap").length
}

describe("load", () => {
  // Heavy work, not a wait: 1,000 exchanges over real sockets take about 8 s on an idle 2-core
  // machine and several times that under load, so the test gets more than the default.
  it.live(
    `${total} concurrent checkout creates (at most ${concurrency} in flight) all succeed`,
    () =>
      Effect.gen(function* () {
        const before = openSockets()
        const supervisor = yield* Supervisor.track
        const sessions = yield* Effect.forEach(
          Array.from({ length: total }, (_, i) => i),
          (i) =>
            Checkout.create({
              type: "e_commerce",
              amount: `${1 + (i % 50)}.500`,
              currency_code: "KWD",
              pg_codes: ["knet"],
              order_no: `load-${i}`,
            }),
          { concurrency },
        ).pipe(
          Effect.supervised(supervisor),
          Effect.provide(
            Layer.merge(
              OttuConfig.layer({
                merchantId: "load.ottu.test",
                auth: OttuAuth.apiKey(key),
                baseUrl: served().url,
              }),
              FetchHttpClient.layer,
            ),
          ),
        )
        expect(sessions).toHaveLength(total)
        expect(new Set(sessions.map((s) => s.session_id)).size).toBe(total)
        expect(sessions.every((s) => s.state === "created")).toBe(true)

        // No fiber of the run is still alive.
        const alive = yield* supervisor.value
        const running = yield* Effect.forEach(alive, (fiber) => Fiber.poll(fiber))
        expect(running.filter((exit) => exit._tag === "None")).toStrictEqual([])

        // Sockets are reused, not piled up: at most one per call in flight (client and server end).
        const after = openSockets()
        if (before !== undefined && after !== undefined) {
          expect(after - before).toBeLessThanOrEqual(2 * concurrency)
        }
      }),
    180_000,
  )
})
