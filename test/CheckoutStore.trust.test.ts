/**
 * What the checkout store trusts in a webhook event, on every store (memory, the runtime's
 * SQLite, PostgreSQL when `DATABASE_URL` is set): only what the event's signature covers. A
 * captured genuine body replayed under another session id, or with its unsigned fields changed,
 * must neither move another checkout nor plant a saved card; confirm mode applies Ottu's own
 * answer; replays that change only unsigned fields are one event.
 */
import { FetchHttpClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Either, Exit, Layer, Logger, Option, Redacted, Ref } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import {
  Checkout,
  OttuAuth,
  OttuConfig,
  OttuSandbox,
  RequestOptions,
  Webhook,
  WebhookReceiver,
} from "../src/index.ts"
import { contractSandbox, sandboxConfig } from "./support/sandbox.ts"
import { serve } from "./support/serve.ts"
import {
  answer,
  backends,
  freshId,
  operationEvent,
  paymentEvent,
  paymentPayload,
  recordSubscription,
  signedBody,
  stored,
  verified,
  webhookKey,
} from "./support/store.ts"

/** The log lines written while `effect` runs. */
const logged = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const lines = yield* Ref.make<ReadonlyArray<string>>([])
    const capture = Logger.make(({ message, annotations }) => {
      const text = [
        ...(Array.isArray(message) ? message : [message]),
        ...Array.from(annotations, ([k, v]) => `${k}=${String(v)}`),
      ]
        .map((part) => (typeof part === "string" ? part : JSON.stringify(part)))
        .join(" ")
      Effect.runSync(Ref.update(lines, (all) => [...all, text]))
    })
    const exit = yield* Effect.exit(
      effect.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture))),
    )
    return { exit, lines: yield* Ref.get(lines) }
  })

/** The SDK on a sandbox without tracking: the store knows only what webhooks tell it. */
const untracked = sandboxConfig().pipe(
  Layer.provideMerge(contractSandbox({ inquiryThrottling: false })),
  Layer.orDie,
)

for (const backend of backends) {
  describe.skipIf(backend.skip)(`CheckoutStore trust on ${backend.name}`, () => {
    layer(backend.layer, { timeout: "120 seconds" })((it) => {
      it.effect(
        "a genuine body replayed under another session id is refused, kept, and changes nothing",
        () =>
          Effect.gen(function* () {
            const victim = freshId()
            const attacker = freshId()
            yield* CheckoutStore.save(answer(victim, { order_no: "ORD-victim" }))
            yield* CheckoutStore.save(answer(attacker, { order_no: "ORD-attacker" }))
            // The attacker's own genuine "paid" body, with the unsigned session id swapped.
            const genuine = JSON.parse(
              signedBody(paymentPayload(attacker, { order_no: "ORD-attacker" })),
            )
            const replay = Either.getOrThrow(
              Webhook.verifyScheme(JSON.stringify({ ...genuine, session_id: victim }), webhookKey),
            )
            const { exit, lines } = yield* logged(
              CheckoutStore.handler()(replay.event, { scheme: replay.scheme }),
            )
            expect(exit).toEqual(
              Exit.fail(
                expect.objectContaining({
                  _tag: "OttuWebhookRefusedError",
                  session_id: victim,
                  reason: "order_no differs from the checkout's",
                }),
              ),
            )
            expect(lines.some((line) => line.includes("order_no differs"))).toBe(true)
            expect(lines.join("\n")).not.toContain(genuine.signature)
            expect(yield* stored(victim)).toMatchObject({ state: "created", revision: 1 })
            const events = yield* CheckoutStore.events(victim)
            expect(events).toEqual([
              expect.objectContaining({
                outcome: "refused",
                reason: "order_no differs from the checkout's",
                payload: expect.objectContaining({ order_no: "ORD-attacker" }),
              }),
            ])
          }),
      )

      it.effect(
        "order number, currency and amount must be the checkout's (amounts as decimals)",
        () =>
          Effect.gen(function* () {
            const outcome = (stored: Record<string, unknown>, sent: Record<string, unknown>) =>
              Effect.gen(function* () {
                const id = freshId()
                yield* CheckoutStore.save(answer(id, stored))
                const recorded = yield* CheckoutStore.record(paymentEvent(id, sent))
                return [recorded.outcome, recorded.reason]
              })
            const ok = ["applied", undefined]
            expect(yield* outcome({ amount: "10.000" }, { amount: "10" })).toEqual(ok)
            expect(yield* outcome({ amount: "10" }, { amount: "10.0" })).toEqual(ok)
            expect(yield* outcome({ amount: "10.000" }, { amount: 10.5 - 0.5 })).toEqual(ok)
            expect(yield* outcome({ amount: "10.000" }, { amount: "10.001" })).toEqual([
              "refused",
              "amount differs from the checkout's",
            ])
            expect(yield* outcome({}, { currency_code: "USD" })).toEqual([
              "refused",
              "currency_code differs from the checkout's",
            ])
            expect(yield* outcome({ order_no: "ORD-1" }, { order_no: null })).toEqual([
              "refused",
              "order_no differs from the checkout's",
            ])
            expect(yield* outcome({}, { order_no: "ORD-2" })).toEqual([
              "refused",
              "order_no differs from the checkout's",
            ])
            expect(yield* outcome({}, { amount: null })).toEqual([
              "refused",
              "amount differs from the checkout's",
            ])
          }),
      )

      it.effect("operation events are cross-checked against their parent", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id, { order_no: "ORD-op", state: "paid" }))
          const op = (fields: Record<string, unknown>) =>
            Effect.map(
              CheckoutStore.record(operationEvent(id, { order_no: "ORD-op", ...fields })),
              (recorded) => [recorded.outcome, recorded.reason],
            )
          expect(yield* op({ amount: "5.000" })).toEqual(["recorded", undefined])
          expect(yield* op({ amount: "20.23", reference_number: "OP-2" })).toEqual([
            "recorded",
            undefined,
          ])
          const tooMuch = "amount is not a positive amount within the parent checkout's"
          expect(yield* op({ amount: "20.231", reference_number: "OP-3" })).toEqual([
            "refused",
            tooMuch,
          ])
          expect(yield* op({ amount: "0", reference_number: "OP-4" })).toEqual(["refused", tooMuch])
          expect(yield* op({ order_no: "ORD-other", reference_number: "OP-5" })).toEqual([
            "refused",
            "order_no differs from the checkout's",
          ])
          expect(yield* op({ currency_code: "USD", reference_number: "OP-6" })).toEqual([
            "refused",
            "currency_code differs from the parent checkout's",
          ])
          expect((yield* stored(id)).revision).toBe(1)
        }),
      )

      it.effect(
        "a card in a standard-scheme event is never saved; a subscription-scheme one is",
        () =>
          Effect.gen(function* () {
            const customer_id = `cust-${freshId().slice(0, 8)}`
            const planted = freshId()
            yield* CheckoutStore.save(answer(planted, { customer_id }))
            const event = paymentEvent(planted, {
              customer_id,
              payment_type: "auto_debit",
              agreement: { id: "A-1" },
              token: { token: "tok-planted", pg_code: "credit-card", customer_id },
            })
            expect((yield* CheckoutStore.record(event)).outcome).toBe("applied")
            expect(yield* stored(planted)).toMatchObject({
              state: "paid",
              token: null,
              payment_type: "one_off",
              agreement_id: null,
            })
            expect(yield* CheckoutStore.latestToken({ customer_id, agreement_id: "A-1" })).toEqual(
              Option.none(),
            )

            const signed = freshId()
            yield* CheckoutStore.save(answer(signed, { customer_id }))
            yield* recordSubscription(signed, {
              payment_type: "auto_debit",
              agreement: { id: "A-1" },
              token: { token: "tok-signed", pg_code: "credit-card", customer_id },
            })
            const latest = yield* CheckoutStore.latestToken({ customer_id, agreement_id: "A-1" })
            expect(Option.map(latest, (t) => t.token)).toEqual(Option.some("tok-signed"))
          }),
      )

      it.effect("500 replays of one body with junk unsigned fields are one stored event", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id))
          const genuine = JSON.parse(signedBody(paymentPayload(id)))
          const outcomes = new Map<string, number>()
          for (let i = 0; i < 500; i++) {
            const replay = Either.getOrThrow(
              Webhook.verifyScheme(
                JSON.stringify({
                  ...genuine,
                  timestamp_utc: `2026-11-27 09:${String(i % 60).padStart(2, "0")}:00`,
                  [`junk_${i}`]: "x".repeat(64),
                }),
                webhookKey,
              ),
            )
            const { outcome } = yield* CheckoutStore.record(replay.event)
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
          }
          expect(Object.fromEntries(outcomes)).toEqual({ applied: 1, duplicate: 499 })
          expect(yield* CheckoutStore.events(id)).toHaveLength(1)
          expect((yield* stored(id)).revision).toBe(2)
        }),
      )

      it.effect("two operations on one parent with different references are two events", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id, { state: "paid" }))
          yield* CheckoutStore.record(operationEvent(id, { reference_number: "OP-a" }))
          yield* CheckoutStore.record(operationEvent(id, { reference_number: "OP-b" }))
          expect(yield* CheckoutStore.events(id)).toHaveLength(2)
        }),
      )

      it.effect("a refused event delivered again is decided again, in its place", () =>
        Effect.gen(function* () {
          const id = freshId()
          const event = paymentEvent(id)
          // Ottu's event arrives before the checkout was stored: refused, kept.
          expect((yield* CheckoutStore.record(event)).outcome).toBe("refused")
          // Delivered again while still unknown: refused again, not taken for a duplicate.
          expect((yield* CheckoutStore.record(event)).outcome).toBe("refused")
          yield* CheckoutStore.save(answer(id, { order_no: null }))
          // Re-sent from the dashboard once the checkout is known: applied, once.
          expect((yield* CheckoutStore.record(event)).outcome).toBe("applied")
          expect((yield* CheckoutStore.record(event)).outcome).toBe("duplicate")
          expect(yield* stored(id)).toMatchObject({ state: "paid" })
          expect(yield* CheckoutStore.events(id)).toEqual([
            expect.objectContaining({ outcome: "applied", reason: null }),
          ])
        }),
      )

      it.effect("confirm mode keeps an event it could not confirm, and applies it later", () =>
        Effect.gen(function* () {
          const session = yield* Checkout.create({
            type: "e_commerce",
            amount: "20.230",
            currency_code: "KWD",
            pg_codes: [OttuSandbox.pgCodes.creditCard],
          })
          const genuine = verified(yield* OttuSandbox.pay(session.session_id))
          const confirm = CheckoutStore.handler({ confirm: true })
          // Ottu answers 503 to the confirming read: the event is refused and kept, not lost.
          const down = HttpClient.make((request) =>
            Effect.succeed(
              HttpClientResponse.fromWeb(
                request,
                new Response('{"detail":"unavailable"}', { status: 503 }),
              ),
            ),
          )
          const refused = yield* Effect.exit(
            confirm(genuine.event, { scheme: genuine.scheme }).pipe(
              Effect.provideService(HttpClient.HttpClient, down),
              RequestOptions.withRequestOptions({ retry: false }),
            ),
          )
          expect(refused).toEqual(
            Exit.fail(
              expect.objectContaining({
                _tag: "OttuWebhookRefusedError",
                reason: "Ottu could not be asked about this session (OttuServerError)",
              }),
            ),
          )
          expect(yield* CheckoutStore.events(session.session_id)).toEqual([
            expect.objectContaining({ outcome: "refused" }),
          ])
          // Delivered again with Ottu reachable: confirmed and applied.
          yield* confirm(genuine.event, { scheme: genuine.scheme })
          expect(yield* stored(session.session_id)).toMatchObject({ state: "paid" })
          expect(yield* CheckoutStore.events(session.session_id)).toEqual([
            expect.objectContaining({ outcome: "applied" }),
          ])
        }).pipe(Effect.provide(untracked)),
      )

      it.effect("confirm mode applies Ottu's answer, not the body", () =>
        Effect.gen(function* () {
          const confirm = CheckoutStore.handler({ confirm: true })
          const create = Checkout.create({
            type: "e_commerce",
            amount: "20.230",
            currency_code: "KWD",
            pg_codes: [OttuSandbox.pgCodes.creditCard],
            customer_id: "cust-7",
          })
          // A checkout the store never saw (no tracking), paid: its genuine event creates it.
          const paid = yield* create
          const body = yield* OttuSandbox.pay(paid.session_id)
          const genuine = verified(body)
          yield* confirm(genuine.event, { scheme: genuine.scheme })
          expect(yield* stored(paid.session_id)).toMatchObject({
            state: "paid",
            type: "e_commerce",
            customer_id: "cust-7",
          })

          // The same genuine body replayed under an unpaid session with the same signed fields:
          // Ottu says the checkout is not paid, so it is not.
          const unpaid = yield* create
          const replay = verified({ ...body, session_id: unpaid.session_id })
          yield* confirm(replay.event, { scheme: replay.scheme })
          expect(yield* stored(unpaid.session_id)).toMatchObject({ state: "created" })

          // A session Ottu does not know is refused.
          const unknown = verified({ ...body, session_id: freshId() })
          const refused = yield* Effect.exit(confirm(unknown.event, { scheme: unknown.scheme }))
          expect(refused).toEqual(
            Exit.fail(
              expect.objectContaining({
                _tag: "OttuWebhookRefusedError",
                reason: "Ottu does not know this session",
              }),
            ),
          )
          expect(yield* CheckoutStore.get(unknown.event.session_id)).toEqual(Option.none())
          expect(yield* CheckoutStore.events(unknown.event.session_id)).toEqual([
            expect.objectContaining({ outcome: "refused" }),
          ])
        }).pipe(Effect.provide(untracked)),
      )

      it.effect("confirm mode saves a card only when Ottu lists it for the customer", () =>
        Effect.gen(function* () {
          const confirm = CheckoutStore.handler({ confirm: true })
          const customer_id = `cust-${freshId().slice(0, 8)}`
          const checkout = () =>
            Checkout.create({
              type: "e_commerce",
              amount: "20.230",
              currency_code: "KWD",
              pg_codes: [OttuSandbox.pgCodes.creditCard],
              customer_id,
            })
          const saved = yield* checkout()
          const body = yield* OttuSandbox.pay(saved.session_id, { save_card: true })
          const token = body.token?.token
          expect(token).toBeDefined()
          // Delivered as a standard-scheme body, its card is taken once Ottu confirms it.
          const genuine = verified(body)
          expect(genuine.scheme).toBe("standard")
          yield* confirm(genuine.event, { scheme: "standard" })
          expect((yield* stored(saved.session_id)).token).toMatchObject({ token })

          // A token Ottu does not list for the customer is not taken.
          const other = yield* checkout()
          const plain = yield* OttuSandbox.pay(other.session_id)
          const planted = verified({
            ...plain,
            token: { token: "tok-not-at-ottu", pg_code: "credit-card", customer_id },
          })
          yield* confirm(planted.event, { scheme: planted.scheme })
          expect(yield* stored(other.session_id)).toMatchObject({ state: "paid", token: null })
        }).pipe(Effect.provide(untracked)),
      )
    })
  })
}

describe("the sandbox signs tokenizing payments with the subscription scheme", () => {
  const sandboxWebhookKey = Redacted.make("store-trust-webhook-key")
  const apiKey = Redacted.make("store-trust-api-key")
  const Live = Layer.mergeAll(
    OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth: OttuAuth.apiKey(apiKey) }),
  ).pipe(
    Layer.provideMerge(CheckoutStore.tracking),
    Layer.provideMerge(
      Layer.merge(
        CheckoutStore.layerMemory,
        OttuSandbox.layerWithControl({ apiKey, webhookKey: sandboxWebhookKey }).pipe(
          Layer.provide(FetchHttpClient.layer),
        ),
      ),
    ),
  )

  layer(Live, { timeout: "120 seconds", excludeTestServices: true })((it) => {
    it.effect("a saved card delivered by webhook reaches the store's latest token", () =>
      Effect.gen(function* () {
        const store = yield* CheckoutStore.CheckoutStore
        const schemes = yield* Ref.make<ReadonlyArray<string>>([])
        const served = yield* Effect.acquireRelease(
          Effect.promise(async () => {
            const app = WebhookReceiver.webHandler({
              key: sandboxWebhookKey,
              handler: (event, delivery) =>
                Ref.update(schemes, (all) => [...all, delivery.scheme]).pipe(
                  Effect.zipRight(CheckoutStore.handler()(event, delivery)),
                  Effect.provideService(CheckoutStore.CheckoutStore, store),
                ),
            })
            return { app, server: await serve(app.handler) }
          }),
          ({ app, server }) => Effect.promise(() => server.close().then(app.dispose)),
        )
        const customer_id = `cust-${freshId().slice(0, 8)}`
        const agreement = { id: "A-sandbox", type: "recurring", frequency: "monthly" } as const
        const session = yield* Checkout.create({
          type: "e_commerce",
          amount: "9.900",
          currency_code: "KWD",
          pg_codes: [OttuSandbox.pgCodes.creditCard],
          customer_id,
          payment_type: "auto_debit",
          agreement,
          webhook_url: `${served.server.url}/ottu/webhook`,
        })
        const paid = yield* OttuSandbox.pay(session.session_id)
        yield* OttuSandbox.awaitDeliveries
        expect((yield* OttuSandbox.deliveries).map((d) => d.status)).toEqual([200])
        expect(yield* Ref.get(schemes)).toEqual(["subscription"])
        const latest = yield* CheckoutStore.latestToken({ customer_id, agreement_id: agreement.id })
        expect(Option.map(latest, (t) => t.token)).toEqual(Option.some(paid.token?.token))
      }).pipe(Effect.scoped),
    )
  })
})
