/**
 * The sandbox delivers its webhooks through an `HttpClient`: signed payment and operation events
 * POSTed to the session's `webhook_url`, verified by a real receiver served on loopback, with
 * Ottu's retry rule (only timeouts are retried, driven by the `TestClock`).
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Queue, Redacted, TestClock } from "effect"
import {
  Checkout,
  Operation,
  OttuAuth,
  OttuConfig,
  OttuSandbox,
  type Webhook,
  WebhookReceiver,
} from "../src/index.ts"
import { faultServer, type Received } from "./support/faults.ts"
import { serve } from "./support/serve.ts"

const webhookKey = Redacted.make("whk_sandbox_delivery")
const apiKey = Redacted.make("sandbox-delivery-key")

const config = OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth: OttuAuth.apiKey(apiKey) })

/** The SDK on a sandbox that delivers its webhooks over fetch. */
const onSandbox = (options: Partial<OttuSandbox.WebhookOptions> = {}) =>
  Layer.merge(
    config,
    OttuSandbox.layerWithControl({ apiKey, webhookKey, ...options }).pipe(
      Layer.provide(FetchHttpClient.layer),
    ),
  )

/** A receiver served on loopback; `received` yields the events it verified, as they arrive. */
const receiver = Effect.gen(function* () {
  const received = yield* Queue.unbounded<Webhook.Event>()
  const served = yield* Effect.acquireRelease(
    Effect.promise(async () => {
      const app = WebhookReceiver.webHandler({
        key: webhookKey,
        handler: (event) => Queue.offer(received, event),
      })
      return { app, server: await serve(app.handler) }
    }),
    ({ app, server }) =>
      Effect.promise(async () => {
        await server.close()
        await app.dispose()
      }),
  )
  return { received, url: `${served.server.url}/webhooks/ottu` }
})

const order = (webhook_url: string) =>
  ({
    type: "e_commerce",
    amount: "10.000",
    currency_code: "KWD",
    pg_codes: [OttuSandbox.pgCodes.knet],
    webhook_url,
  }) as const

/** Waits, on the real event loop, until some fiber sleeps on the `TestClock`. */
const untilSleeping = Effect.gen(function* () {
  while (Chunk.isEmpty(yield* TestClock.sleeps())) {
    yield* Effect.promise(() => new Promise((resume) => setTimeout(resume, 1)))
  }
})

describe("sandbox webhook delivery", () => {
  it.live("a payment and a refund arrive signed and verified at the receiver", () =>
    Effect.gen(function* () {
      const hook = yield* receiver
      const session = yield* Checkout.create(order(hook.url))
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      yield* Operation.refund({ session_id: session.session_id }, { amount: "4.000" })
      yield* OttuSandbox.awaitDeliveries
      const received = yield* Queue.takeAll(hook.received)
      expect(Chunk.toArray(Chunk.map(received, (e) => e._tag))).toEqual([
        "PaymentEvent",
        "OperationEvent",
      ])
      expect(Chunk.unsafeGet(received, 0)).toMatchObject({
        session_id: session.session_id,
        result: "success",
        state: "paid",
      })
      expect(Chunk.unsafeGet(received, 1)).toMatchObject({
        session_id: session.session_id,
        amount: "4.000",
      })
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
      expect(yield* Queue.size(hook.received)).toBe(0)
      expect((yield* OttuSandbox.deliveries).map((d) => [d.status, d.attempts])).toEqual([[401, 1]])
    }).pipe(Effect.provide(onSandbox({ webhookKey: Redacted.make("another-key") })), Effect.scoped),
  )

  it.live("an unreachable receiver is an error, not retried", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(order("http://127.0.0.1:1/hook"))
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      yield* OttuSandbox.awaitDeliveries
      const [delivery] = yield* OttuSandbox.deliveries
      expect(delivery).toMatchObject({ kind: "payment", attempts: 1 })
      expect(delivery?.status).toBeUndefined()
      expect(delivery?.error).toEqual(expect.any(String))
    }).pipe(Effect.provide(onSandbox()), Effect.scoped),
  )

  it.live("without a webhook key nothing is delivered; events are only logged", () =>
    Effect.gen(function* () {
      const hook = yield* receiver
      const session = yield* Checkout.create(order(hook.url))
      yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
      yield* OttuSandbox.awaitDeliveries
      expect(yield* Queue.size(hook.received)).toBe(0)
      expect(yield* OttuSandbox.deliveries).toEqual([])
      expect((yield* OttuSandbox.events).map((e) => e.kind)).toEqual(["payment"])
    }).pipe(
      Effect.provide(Layer.merge(config, OttuSandbox.layerWithControl({ apiKey }))),
      Effect.scoped,
    ),
  )

  it.effect(
    "a receiver that never answers is retried 3 times, 5 s apart, after 15 s timeouts",
    () =>
      Effect.gen(function* () {
        const arrivals = yield* Queue.unbounded<Received>()
        const stalled = yield* faultServer((request) => {
          Queue.unsafeOffer(arrivals, request)
          return { _tag: "StallHeaders" }
        })
        const session = yield* Checkout.create(order(`${stalled.url}/hook`))
        yield* OttuSandbox.pay(session.session_id, { outcome: "success" })
        const waiting = yield* Effect.fork(OttuSandbox.awaitDeliveries)
        for (let attempt = 1; attempt <= 4; attempt++) {
          yield* Queue.take(arrivals)
          yield* untilSleeping
          yield* TestClock.adjust("15 seconds")
          if (attempt < 4) {
            yield* untilSleeping
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
