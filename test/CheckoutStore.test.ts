/**
 * The checkout store, one suite against every store: memory, the runtime's SQLite (bun:sqlite on
 * Bun, node:sqlite on Node and Deno) and PostgreSQL (a fresh database on the
 * `DATABASE_URL` server; skipped only when it is unset, and `.ci/run` always sets it).
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, layer } from "@effect/vitest"
import {
  Array as Arr,
  Clock,
  DateTime,
  Effect,
  Exit,
  Layer,
  Option,
  Random,
  Ref,
  TestClock,
} from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import {
  AutoDebit,
  Checkout,
  Inquiry,
  Operation,
  OttuSandbox,
  Session,
  type Webhook,
  WebhookReceiver,
} from "../src/index.ts"
import { failureOf } from "./support/setup.ts"
import {
  answer,
  backends,
  defaultWebhookUrl,
  delivered,
  freshId,
  operationEvent,
  paymentEvent,
  paymentPayload,
  recordSubscription,
  signedBody,
  stored,
  trackedSandbox,
  webhookKey,
} from "./support/store.ts"

const kwd = (pg: string, fields: Partial<Checkout.CreateInput> = {}) =>
  Checkout.create({
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: [pg],
    ...fields,
  })

const agreement = { id: "A-2026-11", type: "recurring", frequency: "monthly" } as const

const tracked = trackedSandbox().pipe(Layer.orDie)

for (const backend of backends) {
  describe.skipIf(backend.skip)(`CheckoutStore on ${backend.name}`, () => {
    layer(backend.layer, { timeout: "60 seconds" })((it) => {
      it.effect("saves every checkout the SDK creates, reads, updates or replaces", () =>
        Effect.gen(function* () {
          const created = yield* kwd("knet", { order_no: "ORD-1" })
          expect(created.webhook_url).toBe(defaultWebhookUrl)
          const first = yield* stored(created.session_id)
          expect(first).toMatchObject({
            session_id: created.session_id,
            type: "e_commerce",
            amount: "20.230",
            currency_code: "KWD",
            state: "created",
            customer_id: "cust-7",
            order_no: "ORD-1",
            token: null,
            revision: 1,
          })
          expect(first.payload).toEqual(created)

          const own = yield* kwd("knet", { webhook_url: "https://merchant.example/own" })
          expect(own.webhook_url).toBe("https://merchant.example/own")

          yield* OttuSandbox.pay(created.session_id)
          expect((yield* stored(created.session_id)).state).toBe("created")
          yield* Checkout.retrieve(created.session_id)
          expect((yield* stored(created.session_id)).state).toBe("paid")

          yield* Checkout.update(own.session_id, { amount: "25.500" })
          expect(yield* stored(own.session_id)).toMatchObject({ amount: "25.500", revision: 2 })
          const replaced = yield* Checkout.replace(own.session_id, {
            type: "payment_request",
            amount: "30.000",
            currency_code: "KWD",
            pg_codes: ["knet"],
          })
          expect(replaced.webhook_url).toBe(defaultWebhookUrl)
          expect(yield* stored(own.session_id)).toMatchObject({
            type: "payment_request",
            amount: "30.000",
            revision: 3,
          })

          yield* Session.create({
            type: "e_commerce",
            amount: "1.000",
            currency_code: "KWD",
            pg_codes: ["knet"],
          })
          const current = Option.getOrThrow(yield* Session.current)
          expect((yield* stored(current.session_id)).amount).toBe("1.000")
        }).pipe(Effect.provide(tracked)),
      )

      it.effect("saves every checkout operated on: read again after the operation", () =>
        Effect.gen(function* () {
          const authorized = yield* kwd(OttuSandbox.pgCodes.mpgsAuthorize)
          yield* OttuSandbox.pay(authorized.session_id)
          yield* Operation.capture({ session_id: authorized.session_id })
          expect(yield* stored(authorized.session_id)).toMatchObject({
            state: "authorized",
            revision: 2,
          })
          yield* Operation.refund({ session_id: authorized.session_id })
          expect((yield* stored(authorized.session_id)).state).toBe("refunded")

          const byOrder = yield* kwd("knet", { order_no: `ORD-${freshId().slice(0, 8)}` })
          yield* Operation.cancel({ order_no: byOrder.order_no ?? "" })
          expect((yield* stored(byOrder.session_id)).state).toBe("canceled")

          const expiring = yield* kwd("knet")
          yield* Session.expire({ target: { session_id: expiring.session_id } })
          expect((yield* stored(expiring.session_id)).state).toBe("expired")

          const paid = yield* kwd("knet")
          yield* OttuSandbox.pay(paid.session_id)
          const status = yield* Inquiry.query({ session_id: paid.session_id })
          expect(status.state).toBe("paid")
          expect(yield* stored(paid.session_id)).toMatchObject({ state: "paid", revision: 2 })
        }).pipe(Effect.provide(tracked)),
      )

      it.effect(
        "auto-debit: the store's newest token charges the next payment, which is saved",
        () =>
          Effect.gen(function* () {
            const customer_id = `cust-${freshId().slice(0, 8)}`
            const first = yield* AutoDebit.checkout({
              type: "e_commerce",
              amount: "9.900",
              currency_code: "KWD",
              pg_codes: [OttuSandbox.pgCodes.creditCard],
              customer_id,
              agreement,
            })
            expect(yield* stored(first.session_id)).toMatchObject({
              payment_type: "auto_debit",
              agreement_id: agreement.id,
            })
            const paid = yield* OttuSandbox.pay(first.session_id)
            const recorded = yield* CheckoutStore.record(delivered(paid, "subscription"), {
              scheme: "subscription",
            })
            expect(recorded.outcome).toBe("applied")
            const token = paid.token?.token
            expect(token).toBeDefined()
            expect(
              yield* CheckoutStore.latestToken({ customer_id, agreement_id: agreement.id }),
            ).toEqual(
              Option.some(
                expect.objectContaining({ token, pg_code: OttuSandbox.pgCodes.creditCard }),
              ),
            )

            const { session, payment } = yield* AutoDebit.autoFlow({
              type: "e_commerce",
              amount: "9.900",
              currency_code: "KWD",
              customer_id,
              agreement,
            })
            expect(payment.result).toBe("success")
            expect(yield* stored(session.session_id)).toMatchObject({
              state: "paid",
              payment_type: "auto_debit",
              customer_id,
              agreement_id: agreement.id,
            })
          }).pipe(Effect.provide(tracked)),
      )

      it.effect("applies and records a webhook event, linked to its checkout", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id))
          const event = delivered(
            paymentPayload(id, { token: { token: "tok-1", pg_code: "credit-card" } }),
            "subscription",
          )
          const recorded = yield* CheckoutStore.record(event, { scheme: "subscription" })
          expect(recorded.outcome).toBe("applied")
          const checkout = yield* stored(id)
          expect(recorded.checkout).toEqual(Option.some(checkout))
          expect(checkout).toMatchObject({
            state: "paid",
            type: "e_commerce",
            revision: 2,
            token: { token: "tok-1", pg_code: "credit-card" },
          })
          const { _tag, ...payload } = event
          expect(checkout.payload).toEqual(payload)
          const events = yield* CheckoutStore.events(id)
          expect(events).toEqual([
            {
              key: recorded.key,
              session_id: id,
              checkout_session_id: id,
              kind: "payment",
              outcome: "applied",
              reason: null,
              payload,
              received_at: checkout.updated_at,
            },
          ])
          expect(recorded.key).toMatch(/^[0-9a-f]{64}$/)
        }),
      )

      it.effect("the webhook receiver records and applies verified events through the store", () =>
        Effect.gen(function* () {
          const runtime = yield* Effect.runtime<CheckoutStore.CheckoutStore>()
          const serve = (
            handler: (
              event: Webhook.Event,
            ) => Effect.Effect<void, unknown, CheckoutStore.CheckoutStore>,
          ) =>
            Effect.map(WebhookReceiver.make({ key: webhookKey, handler }), (app) => {
              const handle = HttpApp.toWebHandlerRuntime(runtime)(app)
              return (body: string) =>
                Effect.promise(async () => {
                  const response = await handle(
                    new Request("http://merchant.test/ottu/webhook", {
                      method: "POST",
                      headers: { "content-type": "application/json" },
                      body,
                    }),
                  )
                  return [response.status, await response.json()] as const
                })
            })
          const post = yield* serve(CheckoutStore.handler())
          const id = freshId()
          yield* CheckoutStore.save(answer(id))
          const body = signedBody(paymentPayload(id))
          expect(yield* post(body)).toEqual([200, { detail: "Success" }])
          expect(yield* post(body)).toEqual([200, { detail: "Success" }])
          expect(yield* stored(id)).toMatchObject({ state: "paid", revision: 2 })
          expect(yield* CheckoutStore.events(id)).toHaveLength(1)

          const forged = JSON.stringify({ ...JSON.parse(body), state: "refunded" })
          expect((yield* post(forged))[0]).toBe(401)
          const failing = yield* serve(CheckoutStore.handler(() => Effect.fail("downstream")))
          const refund = signedBody(paymentPayload(id, { state: "refunded" }))
          expect(yield* failing(refund)).toEqual([400, { detail: "Failed to process webhook" }])
          expect((yield* stored(id)).state).toBe("paid")
          expect(yield* CheckoutStore.events(id)).toHaveLength(1)
        }),
      )

      it.effect(
        "a standard-scheme event about an unknown session is refused; a subscription-scheme payment creates it",
        () =>
          Effect.gen(function* () {
            const id = freshId()
            const operation = yield* CheckoutStore.record(operationEvent(id))
            expect(operation).toMatchObject({ outcome: "refused", checkout: Option.none() })
            const standard = yield* CheckoutStore.record(paymentEvent(id))
            expect(standard).toMatchObject({
              outcome: "refused",
              reason: "no checkout with this session id is stored",
              checkout: Option.none(),
            })
            expect(yield* CheckoutStore.get(id)).toEqual(Option.none())

            const payment = yield* recordSubscription(id)
            expect(payment.outcome).toBe("applied")
            expect(yield* stored(id)).toMatchObject({ state: "paid", revision: 1, type: null })

            const refund = yield* CheckoutStore.record(
              operationEvent(id, { reference_number: "OP-2" }),
            )
            expect(refund.outcome).toBe("recorded")
            expect(yield* stored(id)).toMatchObject({ state: "paid", revision: 1 })
            const events = yield* CheckoutStore.events(id)
            expect(events.map((e) => [e.kind, e.outcome, e.checkout_session_id])).toEqual([
              ["operation", "refused", null],
              ["payment", "refused", null],
              ["payment", "applied", id],
              ["operation", "recorded", id],
            ])
          }),
      )

      it.effect("a duplicate delivery is recorded once and applied once", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id))
          const calls = yield* Ref.make(0)
          const within = () => Ref.update(calls, (n) => n + 1)
          const event = paymentEvent(id)
          const first = yield* CheckoutStore.record(event, within)
          const again = yield* CheckoutStore.record(paymentEvent(id), within)
          expect(first.outcome).toBe("applied")
          expect(again).toEqual({ outcome: "duplicate", key: first.key, checkout: first.checkout })
          expect(yield* Ref.get(calls)).toBe(1)
          expect(yield* CheckoutStore.events(id)).toHaveLength(1)
          expect((yield* stored(id)).revision).toBe(2)

          // A re-notification differs only in the unsigned `timestamp_utc`: the same event.
          const renotified = yield* CheckoutStore.record(
            paymentEvent(id, { timestamp_utc: "2026-11-27 09:30:00" }),
          )
          expect(renotified.outcome).toBe("duplicate")
          const attempt = yield* CheckoutStore.record(
            paymentEvent(id, { reference_number: "REF-2" }),
          )
          expect(attempt.outcome).toBe("applied")
          expect(attempt.key).not.toBe(first.key)
          expect(yield* CheckoutStore.events(id)).toHaveLength(2)
        }),
      )

      it.effect("an older state arriving after a final one never regresses the checkout", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id, { state: "pending" }))
          yield* CheckoutStore.record(paymentEvent(id, { state: "paid" }))
          const late = yield* CheckoutStore.record(
            paymentEvent(id, {
              state: "attempted",
              result: "failed",
              timestamp_utc: "2026-11-27 08:59:00",
            }),
          )
          expect(late.outcome).toBe("stale")
          expect(yield* stored(id)).toMatchObject({ state: "paid", revision: 2 })
          const refunded = yield* CheckoutStore.record(
            paymentEvent(id, { state: "refunded", timestamp_utc: "2026-11-27 11:00:00" }),
          )
          expect(refunded.outcome).toBe("applied")
          for (const state of ["paid", "authorized", "pending", "created", "failed"]) {
            const older = yield* CheckoutStore.record(
              paymentEvent(id, { state, reference_number: `REF-${state}` }),
            )
            expect(older.outcome).toBe("stale")
          }
          // A retrieve answered before the refund and read after it is stale too.
          const answered = yield* CheckoutStore.save(answer(id, { state: "paid", amount: "1.000" }))
          expect(answered).toMatchObject({ state: "refunded", amount: "20.230" })
          expect(yield* stored(id)).toMatchObject({ state: "refunded", revision: 3 })
        }),
      )

      it.effect("a stale event still brings the saved card the checkout lacked", () =>
        Effect.gen(function* () {
          const id = freshId()
          yield* CheckoutStore.save(answer(id, { state: "refunded" }))
          const late = yield* recordSubscription(id, {
            state: "paid",
            agreement: { id: "A-late" },
            token: { token: "tok-late", pg_code: "credit-card" },
          })
          expect(late.outcome).toBe("stale")
          expect(yield* stored(id)).toMatchObject({
            state: "refunded",
            agreement_id: "A-late",
            token: { token: "tok-late", pg_code: "credit-card" },
            revision: 2,
          })
        }),
      )

      it.effect(
        "100 concurrent deliveries for one session: all recorded, one consistent state",
        () =>
          Effect.gen(function* () {
            const id = freshId()
            yield* CheckoutStore.save(answer(id))
            const open = Array.from({ length: 97 }, (_, i) =>
              paymentEvent(id, {
                state: i % 2 === 0 ? "pending" : "attempted",
                result: i % 2 === 0 ? "pending" : "failed",
                reference_number: `ATT-${i}`,
              }),
            )
            const paid = delivered(
              paymentPayload(id, { token: { token: "tok-final", pg_code: "credit-card" } }),
              "subscription",
            )
            const failed = paymentEvent(id, { state: "failed", result: "failed" })
            const refunded = paymentEvent(id, {
              state: "refunded",
              timestamp_utc: "2026-11-28 00:00:00",
            })
            const all = Arr.fromIterable(yield* Random.shuffle([...open, paid, failed, refunded]))
            const results = yield* Effect.all(
              all.map((event) =>
                CheckoutStore.record(event, {
                  scheme: event === paid ? "subscription" : "standard",
                }),
              ),
              { concurrency: "unbounded" },
            )
            const keys = new Set(results.map((r) => r.key))
            expect(keys.size).toBe(100)
            expect(results.every((r) => r.outcome === "applied" || r.outcome === "stale")).toBe(
              true,
            )
            const events = yield* CheckoutStore.events(id)
            expect(events).toHaveLength(100)
            expect(new Set(events.map((e) => e.key))).toEqual(keys)

            const checkout = yield* stored(id)
            const { _tag, ...lastPayload } = refunded
            expect(checkout).toMatchObject({
              state: "refunded",
              token: { token: "tok-final" },
              payload: lastPayload,
            })
            const applied = results.filter((r) => r.outcome === "applied").length
            const paidWasStale = results[all.indexOf(paid)]?.outcome === "stale"
            expect(checkout.revision).toBe(1 + applied + (paidWasStale ? 1 : 0))
          }),
      )

      it.effect("a failure inside the transaction leaves nothing half-applied", () =>
        Effect.gen(function* () {
          const known = freshId()
          yield* CheckoutStore.save(answer(known))
          const before = yield* stored(known)
          const boom = () => Effect.fail("boom" as const)
          const event = paymentEvent(known)
          expect(yield* Effect.exit(CheckoutStore.record(event, boom))).toEqual(Exit.fail("boom"))
          expect(yield* stored(known)).toEqual(before)
          expect(yield* CheckoutStore.events(known)).toEqual([])

          const unknown = freshId()
          const handler = CheckoutStore.handler(boom)
          const creating = delivered(paymentPayload(unknown), "subscription")
          expect(yield* Effect.exit(handler(creating, { scheme: "subscription" }))).toEqual(
            Exit.fail("boom"),
          )
          expect(yield* CheckoutStore.get(unknown)).toEqual(Option.none())
          expect(yield* CheckoutStore.events(unknown)).toEqual([])

          const redelivered = yield* CheckoutStore.record(event)
          expect(redelivered.outcome).toBe("applied")
          expect(yield* stored(known)).toMatchObject({ state: "paid", revision: 2 })
        }),
      )

      it.effect("the latest token is the most recently saved, not the first row", () =>
        Effect.gen(function* () {
          const customer_id = `cust-${freshId().slice(0, 8)}`
          const withToken = (id: string, token: string, agreementId = "A-1") =>
            recordSubscription(id, {
              customer_id,
              agreement: { id: agreementId },
              token: { token, pg_code: "credit-card", customer_id },
              reference_number: `REF-${token}`,
            })
          const older = `0000${freshId().slice(4)}`
          const newer = `ffff${freshId().slice(4)}`
          expect(yield* CheckoutStore.latestToken({ customer_id, agreement_id: "A-1" })).toEqual(
            Option.none(),
          )
          yield* withToken(older, "tok-old")
          yield* TestClock.adjust("1 minute")
          yield* withToken(newer, "tok-new")
          yield* TestClock.adjust("1 minute")
          yield* withToken(freshId(), "tok-other-agreement", "A-2")
          const latest = yield* CheckoutStore.latestToken({ customer_id, agreement_id: "A-1" })
          expect(Option.map(latest, (t) => t.token)).toEqual(Option.some("tok-new"))
          expect(Option.map(latest, (t) => DateTime.toEpochMillis(t.saved_at))).toEqual(
            Option.some(60_000),
          )

          yield* TestClock.adjust("1 minute")
          yield* withToken(older, "tok-renewed")
          const renewed = yield* CheckoutStore.latestToken({ customer_id, agreement_id: "A-1" })
          expect(Option.map(renewed, (t) => t.token)).toEqual(Option.some("tok-renewed"))
        }),
      )

      it.effect("finds a checkout by order number, the most recently updated one", () =>
        Effect.gen(function* () {
          const orderNo = `ORD-${freshId().slice(0, 10)}`
          const a = freshId()
          const b = freshId()
          yield* CheckoutStore.save(answer(a, { order_no: orderNo }))
          yield* TestClock.adjust("1 second")
          yield* CheckoutStore.save(answer(b, { order_no: orderNo }))
          const found = yield* CheckoutStore.findByOrderNo(orderNo)
          expect(Option.map(found, (c) => c.session_id)).toEqual(Option.some(b))
          expect(yield* CheckoutStore.findByOrderNo("no-such-order")).toEqual(Option.none())
        }),
      )

      it.effect("lists the newest checkouts and events of every session first", () =>
        Effect.gen(function* () {
          // Ten years on: newer than whatever the suite's other tests stored in this store.
          yield* TestClock.adjust("3650 days")
          const start = yield* Clock.currentTimeMillis
          const [a, b, c] = [freshId(), freshId(), freshId()]
          yield* CheckoutStore.save(answer(a))
          yield* TestClock.adjust("1 second")
          yield* CheckoutStore.save(answer(b))
          yield* TestClock.adjust("1 second")
          yield* CheckoutStore.save(answer(c))
          // In one instant: `a` is paid after `c` was created, and two events arrive.
          expect((yield* CheckoutStore.record(paymentEvent(a))).outcome).toBe("applied")
          expect((yield* CheckoutStore.record(operationEvent(c))).outcome).toBe("recorded")

          const ids = (list: ReadonlyArray<{ readonly session_id: string }>) =>
            list.map((item) => item.session_id)
          // `a` and `c` were updated in the same instant: the one created later comes first.
          expect(ids(yield* CheckoutStore.recent({ limit: 3 }))).toEqual([c, a, b])
          expect(ids(yield* CheckoutStore.recent({ limit: 1 }))).toEqual([c])
          expect(yield* CheckoutStore.recent({ limit: 0 })).toEqual([])
          expect(yield* CheckoutStore.recent({ limit: -5 })).toEqual([])
          const newest = yield* CheckoutStore.recent({ limit: 1.9 })
          expect(newest[0]).toMatchObject({ session_id: c, state: "created", amount: "20.230" })

          // Two events received in the same instant: the one recorded last comes first.
          const events = yield* CheckoutStore.recentEvents({ limit: 2 })
          expect(events.map((e) => [e.session_id, e.kind, e.outcome])).toEqual([
            [c, "operation", "recorded"],
            [a, "payment", "applied"],
          ])
          expect(DateTime.toEpochMillis(events[0]?.received_at ?? DateTime.unsafeMake(0))).toBe(
            start + 2_000,
          )
          expect(ids(yield* CheckoutStore.recentEvents({ limit: 1 }))).toEqual([c])
          expect(yield* CheckoutStore.recentEvents({ limit: 0 })).toEqual([])
        }),
      )
    })

    if (backend.sql !== undefined) {
      layer(backend.sql, { timeout: "60 seconds" })("SQL", (it) => {
        it.effect("the migrations run twice without harm", () =>
          Effect.gen(function* () {
            const id = freshId()
            yield* CheckoutStore.save(answer(id))
            expect(yield* CheckoutStore.migrate).toEqual([])
            expect(yield* CheckoutStore.migrate).toEqual([])
            const again = yield* Layer.build(CheckoutStore.layerSql).pipe(Effect.scoped)
            expect(again).toBeDefined()
            expect((yield* stored(id)).state).toBe("created")
            const sql = yield* SqlClient.SqlClient
            const ran = yield* sql<{
              migration_id: number
            }>`SELECT migration_id FROM effect_ottu_migrations`
            expect(ran.map((row) => Number(row.migration_id))).toEqual([1, 2, 3])
          }),
        )

        it.effect("`within` writes in the store's transaction and rolls back with it", () =>
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            yield* sql`CREATE TABLE IF NOT EXISTS merchant_orders (session_id TEXT PRIMARY KEY, status TEXT NOT NULL)`
            const mark = (status: string) => (recorded: CheckoutStore.Recorded) =>
              Effect.asVoid(
                sql`INSERT INTO merchant_orders (session_id, status)
                  VALUES (${Option.getOrThrow(recorded.checkout).session_id}, ${status})`,
              )
            const failing = freshId()
            const exit = yield* Effect.exit(
              CheckoutStore.record(delivered(paymentPayload(failing), "subscription"), {
                scheme: "subscription",
                within: (recorded) =>
                  Effect.zipRight(
                    mark("shipped")(recorded),
                    Effect.fail("after the write" as const),
                  ),
              }),
            )
            expect(failureOf(exit)).toBe("after the write")
            const kept = freshId()
            yield* CheckoutStore.record(delivered(paymentPayload(kept), "subscription"), {
              scheme: "subscription",
              within: mark("shipped"),
            })
            const rows = yield* sql<{ session_id: string }>`SELECT session_id FROM merchant_orders
              WHERE session_id IN ${sql.in([failing, kept])}`
            expect(rows.map((row) => row.session_id)).toEqual([kept])
            expect(yield* CheckoutStore.get(failing)).toEqual(Option.none())
          }),
        )
      })
    }
  })
}
