/**
 * `CheckoutStore.tracking` beyond the store suite: which calls are saved, and that a slow or
 * failing store, or a failing re-read, never turns a successful Ottu call into a failure.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Option, Ref, TestClock } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import {
  AutoDebit,
  Cards,
  Checkout,
  Operation,
  OttuSandbox,
  PaymentMethods,
  RequestOptions,
} from "../src/index.ts"
import { failureOf } from "./support/setup.ts"
import { trackedSandbox } from "./support/store.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const order = {
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["knet"],
} as const

const onMemory = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(trackedSandbox().pipe(Layer.provideMerge(CheckoutStore.layerMemory))))

/** A store whose every operation fails, counting the saves it was asked for. */
const failingStore = (saves: Ref.Ref<number>) =>
  Layer.succeed(CheckoutStore.CheckoutStore, {
    save: () =>
      Effect.zipRight(
        Ref.update(saves, (n) => n + 1),
        Effect.fail(new CheckoutStore.OttuStoreError({ operation: "save", reason: "disk full" })),
      ),
    get: () => Effect.fail(new CheckoutStore.OttuStoreError({ operation: "get", reason: "down" })),
    findByOrderNo: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "findByOrderNo", reason: "down" })),
    record: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "record", reason: "down" })),
    events: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "events", reason: "down" })),
    recent: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "recent", reason: "down" })),
    recentEvents: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "recentEvents", reason: "down" })),
    latestToken: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "latestToken", reason: "down" })),
  })

describe("CheckoutStore.tracking", () => {
  it.effect("a slow store never turns a successful call into a timeout", () =>
    Effect.gen(function* () {
      const saved = yield* Deferred.make<void>()
      const slow = Layer.effect(
        CheckoutStore.CheckoutStore,
        Effect.map(CheckoutStore.CheckoutStore, (store) => ({
          ...store,
          save: (answer: CheckoutStore.Answer) =>
            Effect.zipRight(
              Effect.sleep("1 minute"),
              Effect.zipLeft(store.save(answer), Deferred.succeed(saved, undefined)),
            ),
        })),
      ).pipe(Layer.provideMerge(CheckoutStore.layerMemory))
      const fiber = yield* Checkout.create(order).pipe(
        RequestOptions.withRequestOptions({ timeout: "1 second" }),
        Effect.provide(trackedSandbox().pipe(Layer.provideMerge(slow))),
        Effect.exit,
        Effect.fork,
      )
      // Far past the call's timeout: the store's minute runs outside it.
      yield* TestClock.adjust("2 minutes")
      const exit = yield* Fiber.join(fiber)
      expect(exit._tag).toBe("Success")
      expect(yield* Deferred.isDone(saved)).toBe(true)
    }),
  )

  it.effect(
    "a store that fails never fails the call: the failure is logged, the answer returned",
    () =>
      Effect.gen(function* () {
        const saves = yield* Ref.make(0)
        const { exit, lines } = yield* captureTelemetry(
          Effect.gen(function* () {
            const created = yield* Checkout.create(order)
            yield* Checkout.retrieve(created.session_id)
            yield* PaymentMethods.list({ plugin: "e_commerce", currencies: ["KWD"] })
            yield* Cards.list({ customer_id: "cust-7" })
            return created
          }).pipe(Effect.provide(trackedSandbox().pipe(Layer.provide(failingStore(saves))))),
        )
        expect(exit._tag).toBe("Success")
        expect(yield* Ref.get(saves)).toBe(2)
        const errors = lines.filter((line) => line.includes("level=ERROR"))
        expect(errors).toHaveLength(2)
        expect(errors[0]).toContain("the answer of Checkout.create was not observed")
        expect(errors[0]).toContain("disk full")
      }),
  )

  it.effect(
    "a hard delete cannot be read again: the operation succeeds, the store keeps the checkout",
    () =>
      onMemory(
        Effect.gen(function* () {
          const created = yield* Checkout.create(order)
          yield* Operation.delete({ session_id: created.session_id })
          expect(yield* OttuSandbox.session(created.session_id)).toEqual(Option.none())
          const kept = yield* CheckoutStore.get(created.session_id)
          expect(Option.map(kept, (c) => [c.state, c.revision])).toEqual(
            Option.some(["created", 1]),
          )
        }),
      ),
  )

  it.effect(
    "the store's TokenSource: no token, or a failing store, stop the autoflow at its token step",
    () =>
      Effect.gen(function* () {
        const input = {
          type: "e_commerce",
          amount: "9.900",
          currency_code: "KWD",
          customer_id: "cust-none",
          agreement: { id: "A-none" },
        } as const
        const none = failureOf(yield* onMemory(Effect.exit(AutoDebit.autoFlow(input))))
        expect(none).toMatchObject({
          _tag: "OttuFlowError",
          step: "token",
          cause: { _tag: "OttuNoSavedTokenError", reason: "the TokenSource has no token for them" },
        })
        const saves = yield* Ref.make(0)
        const down = failureOf(
          yield* Effect.exit(AutoDebit.autoFlow(input)).pipe(
            Effect.provide(trackedSandbox().pipe(Layer.provide(failingStore(saves)))),
          ),
        )
        expect(down).toMatchObject({
          _tag: "OttuFlowError",
          step: "token",
          cause: {
            _tag: "OttuNoSavedTokenError",
            customer_id: "cust-none",
            agreement_id: "A-none",
            reason: "the checkout store failed: down",
          },
        })
      }),
  )
})
