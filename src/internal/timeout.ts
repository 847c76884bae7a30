/**
 * A timeout for one HTTP exchange that costs one fiber instead of `Effect.timeoutFail`'s two.
 *
 * `Effect.timeoutFail` races the effect against a sleeping fiber: two forks, a scheduler hop and
 * the loser's interruption on every call, tens of microseconds when a loopback round trip takes
 * sixty. Here the exchange runs in one child fiber and the timer is a plain timer.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

/** The clock of the default services: real time, on the runtime's own timers. */
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** Timers longer than this cannot be set; the clock treats them as never firing, and so do we. */
const maxTimerMillis = 2 ** 31 - 1

/** Runs `self` in a child fiber and interrupts it when a real-time timer fires first. */
const raceTimer = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  millis: number,
  onTimeout: () => E2,
): Effect.Effect<A, E | E2, R> =>
  Effect.flatMap(Effect.fork(self), (fiber) =>
    Effect.async<A, E | E2>((resume) => {
      let settled = false
      const timer =
        millis > maxTimerMillis
          ? undefined
          : setTimeout(() => {
              if (settled) return
              settled = true
              resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.failSync(onTimeout)))
            }, millis)
      fiber.addObserver((exit) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(exit)
      })
      return Effect.suspend(() => {
        settled = true
        clearTimeout(timer)
        return Fiber.interrupt(fiber)
      })
    }),
  )

/**
 * Fails with `onTimeout()` once `self` has been interrupted, when it has not completed within
 * `duration`: the contract of `Effect.timeoutFail`. On the live clock the timer is a plain
 * runtime timer; under any other clock (`TestClock` in tests) this is `Effect.timeoutFail`
 * itself, so time stays under that clock's control.
 *
 * **Gotchas**: on the live clock, `FiberRef` changes made by `self` stay in its fiber (the HTTP
 * exchange makes none that outlive it).
 */
export const timeoutFail = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  options: { readonly duration: Duration.Duration; readonly onTimeout: () => E2 },
): Effect.Effect<A, E | E2, R> =>
  Effect.clockWith((clock) =>
    clock === liveClock
      ? raceTimer(self, Duration.toMillis(options.duration), options.onTimeout)
      : Effect.timeoutFail(self, options),
  )
