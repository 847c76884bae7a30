import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import { timeoutFail } from "../src/internal/timeout.ts"

const options = (millis: number) => ({
  duration: Duration.millis(millis),
  onTimeout: () => "timed out" as const,
})

describe("timeoutFail", () => {
  it.live("succeeds with the value when it is in time", () =>
    Effect.gen(function* () {
      const value = yield* timeoutFail(Effect.as(Effect.sleep("5 millis"), 42), options(1000))
      expect(value).toBe(42)
    }),
  )

  it.live("keeps the effect's own failure", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(timeoutFail(Effect.fail("boom" as const), options(1000)))
      expect(exit).toStrictEqual(Exit.fail("boom"))
    }),
  )

  it.live("fails with onTimeout after the effect has been interrupted", () =>
    Effect.gen(function* () {
      const interrupted = yield* Ref.make(false)
      const slow = Effect.never.pipe(Effect.onInterrupt(() => Ref.set(interrupted, true)))
      const exit = yield* Effect.exit(timeoutFail(slow, options(20)))
      expect(exit).toStrictEqual(Exit.fail("timed out"))
      expect(yield* Ref.get(interrupted)).toBe(true)
    }),
  )

  it.live("interrupting the caller interrupts the effect", () =>
    Effect.gen(function* () {
      const interrupted = yield* Ref.make(false)
      const slow = Effect.never.pipe(Effect.onInterrupt(() => Ref.set(interrupted, true)))
      const fiber = yield* Effect.fork(timeoutFail(slow, options(60_000)))
      yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(fiber)
      expect(yield* Ref.get(interrupted)).toBe(true)
    }),
  )

  it.effect("follows the TestClock", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(timeoutFail(Effect.never, options(30_000)))
      yield* TestClock.adjust("31 seconds")
      expect(yield* Fiber.await(fiber)).toStrictEqual(Exit.fail("timed out"))
    }),
  )
})
