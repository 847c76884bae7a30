/**
 * The sandbox delivers its webhooks: signed payment and operation events POSTed to the session's
 * `webhook_url`, verified by a real receiver served on loopback, with Ottu's retry rule (only
 * timeouts are retried).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import {
  Checkout,
  Operation,
  OttuAuth,
  OttuConfig,
  OttuSandbox,
  type Webhook,
  WebhookReceiver,
} from "../src/index.ts"
import { sleeping } from "./support/events.ts"
import { faultServer } from "./support/faults.ts"
import { serve } from "./support/serve.ts"

const webhookKey = Redacted.make("whk_sandbox_delivery")
const apiKey = Redacted.make("sandbox-delivery-key")

const onSandbox = (options: Partial<OttuSandbox.SandboxOptions> = {}) =>
  Layer.merge(
    OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth: OttuAuth.apiKey(apiKey) }),
    OttuSandbox.layerWithControl({ apiKey, webhookKey, ...options }),
  )

/** A receiver served on loopback that keeps the events it verified. */
const receiver = Effect.acquireRelease(
  Effect.promise(async () => {
    const received: Array<Webhook.Event> = []
    const app = WebhookReceiver.webHandler({
      key: webhookKey,
      handler: (event) => Effect.sync(() => received.push(event)),
    })
    const served = await serve(app.handler)
    return { received, url: `${served.url}/webhooks/ottu`, close: served.close, app }
  }),
  (r) =>
    Effect.promise(async () => {
      await r.close()
      await r.app.dispose()
    }),
)

const order = (webhook_url: string) =>
  ({
    type: "e_commerce",
    amount: "10.000",
    currency_code: "KWD",
    pg_codes: [OttuSandbox.pgCodes.knet],
    webhook_url,
  }) as const

describe("sandbox webhook delivery", () => {
  it.live("a payment and a refund arrive signed and verified at the receiver", () =>
    Effect.gen(function* () {
      const hook = yield* receiver
      const session = yield* Checkout.create(order(hook.url))
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      yield* Operation.refund({ session_id: session.session_id }, { amount: "4.000" })
      yield* OttuSandbox.awaitDeliveries
      expect(hook.received.map((e) => e._tag)).toEqual(["PaymentEvent", "OperationEvent"])
      expect(hook.received[0]).toMatchObject({
        session_id: session.session_id,
        result: "success",
        state: "paid",
      })
      expect(hook.received[1]).toMatchObject({ session_id: session.session_id, amount: "4.000" })
      const deliveries = yield* OttuSandbox.deliveries
      expect(deliveries.map((d) => [d.kind, d.status, d.attempts])).toEqual([
        ["payment", 200, 1],
        ["operation", 200, 1],
      ])
    }).pipe(Effect.provide(onSandbox()), Effect.scoped),
  )

  it.live("a receiver with another key refuses the event (401) and nothing is retried", () =>
    Effect.gen(function* () {
      const hook = yield* receiver
      const session = yield* Checkout.create(order(hook.url))
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      yield* OttuSandbox.awaitDeliveries
      expect(hook.received).toHaveLength(0)
      expect((yield* OttuSandbox.deliveries).map((d) => [d.status, d.attempts])).toEqual([[401, 1]])
    }).pipe(Effect.provide(onSandbox({ webhookKey: Redacted.make("another-key") })), Effect.scoped),
  )

  it.live("without a webhook key nothing is delivered; events are only logged", () =>
    Effect.gen(function* () {
      const hook = yield* receiver
      const session = yield* Checkout.create(order(hook.url))
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      yield* OttuSandbox.awaitDeliveries
      expect(hook.received).toHaveLength(0)
      expect(yield* OttuSandbox.deliveries).toEqual([])
      expect((yield* OttuSandbox.events).map((e) => e.kind)).toEqual(["payment"])
    }).pipe(
      Effect.provide(
        Layer.merge(
          OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth: OttuAuth.apiKey(apiKey) }),
          OttuSandbox.layerWithControl({ apiKey }),
        ),
      ),
      Effect.scoped,
    ),
  )

  it.effect(
    "a receiver that never answers is retried 3 times, 5 s apart, after 15 s timeouts",
    () =>
      Effect.gen(function* () {
        const stalled = yield* faultServer(() => ({ _tag: "StallHeaders" }))
        const session = yield* Checkout.create(order(`${stalled.url}/hook`))
        yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
        const waiting = yield* Effect.fork(OttuSandbox.awaitDeliveries)
        for (let attempt = 1; attempt <= 4; attempt++) {
          // The receiver holds the attempt and its 15 s timeout is set: let it strike.
          yield* stalled.awaitReceived(attempt)
          yield* sleeping(15_000)
          yield* TestClock.adjust("15 seconds")
          if (attempt < 4) {
            // The retry waits its 5 s: let them pass.
            yield* sleeping(5_000)
            yield* TestClock.adjust("5 seconds")
          }
        }
        yield* Fiber.join(waiting)
        expect(stalled.received()).toHaveLength(4)
        expect(yield* OttuSandbox.deliveries).toEqual([
          expect.objectContaining({ kind: "payment", attempts: 4, error: "timed out" }),
        ])
      }).pipe(Effect.provide(onSandbox()), Effect.scoped),
  )
})
