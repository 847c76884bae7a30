/**
 * `CheckoutStore.tracking` beyond the store suite: the default `webhook_url` (JSON and multipart
 * creates, unset, invalid), which calls are saved, and that a failing store or re-read never
 * turns a successful Ottu call into a failure.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Ref } from "effect"
import {
  AutoDebit,
  Cards,
  Checkout,
  CheckoutStore,
  Operation,
  OttuSandbox,
  PaymentMethods,
} from "../src/index.ts"
import { failureOf } from "./support/setup.ts"
import { defaultWebhookUrl, trackedSandbox } from "./support/store.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const order = {
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["knet"],
} as const

const onMemory = <A, E, R>(effect: Effect.Effect<A, E, R>, env?: Record<string, string>) =>
  effect.pipe(
    Effect.provide(trackedSandbox(env).pipe(Layer.provideMerge(CheckoutStore.layerMemory))),
  )

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
    latestToken: () =>
      Effect.fail(new CheckoutStore.OttuStoreError({ operation: "latestToken", reason: "down" })),
  })

describe("CheckoutStore.tracking", () => {
  it.effect("adds the default webhook_url to a multipart create", () =>
    onMemory(
      Effect.gen(function* () {
        const created = yield* Checkout.create({
          ...order,
          attachment: { name: "invoice.pdf", data: new TextEncoder().encode("%PDF") },
        })
        expect(created.webhook_url).toBe(defaultWebhookUrl)
        expect(created.attachment).toMatch(/invoice\.pdf$/)
        const saved = yield* CheckoutStore.get(created.session_id)
        expect(Option.map(saved, (c) => c.payload.webhook_url)).toEqual(
          Option.some(defaultWebhookUrl),
        )
      }),
    ),
  )

  it.effect("adds no webhook_url when OTTU_WEBHOOK_URL is unset or empty", () =>
    Effect.gen(function* () {
      for (const env of [{}, { OTTU_WEBHOOK_URL: "" }]) {
        const created = yield* onMemory(Checkout.create(order), env)
        expect(created.webhook_url ?? null).toBeNull()
      }
    }),
  )

  it.effect("refuses an OTTU_WEBHOOK_URL that is not an absolute http(s) URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(
          trackedSandbox({ OTTU_WEBHOOK_URL: "ftp://merchant.example/hook" }).pipe(
            Layer.provide(CheckoutStore.layerMemory),
          ),
        ).pipe(Effect.scoped),
      )
      expect(error._tag).toBe("ConfigError")
      expect(String(error)).toContain("OTTU_WEBHOOK_URL")
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
        expect(errors[0]).toContain("an Ottu answer was not saved")
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
