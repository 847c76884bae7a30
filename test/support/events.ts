/**
 * Waiting for things to happen instead of for time to pass: a condition checked again after each
 * turn of the runtime's event loop, and the sleeps pending on the `TestClock`.
 *
 * @module
 */
import { Chunk, Effect, TestClock } from "effect"

/** One turn of the event loop on a real timer, whatever clock the fiber runs under. */
const turn = Effect.async<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 1)
  return Effect.sync(() => clearTimeout(timer))
})

/**
 * Completes once `condition` holds, however long that takes: it is checked now and again after
 * each turn of the event loop (so sockets, timers and other fibers make progress in between).
 * A condition that never holds hangs the test until its timeout: wait only for what must happen.
 */
export const until = <E, R>(condition: Effect.Effect<boolean, E, R>): Effect.Effect<void, E, R> =>
  Effect.flatMap(condition, (holds) =>
    holds ? Effect.void : Effect.zipRight(turn, until(condition)),
  )

/**
 * Completes once a fiber sleeps on the `TestClock` until `delay` from now: the point after which
 * `TestClock.adjust(delay)` is sure to wake it.
 */
export const sleeping = (delay: number): Effect.Effect<void> =>
  Effect.flatMap(TestClock.currentTimeMillis, (now) =>
    until(
      Effect.map(
        TestClock.sleeps(),
        Chunk.some((at) => at === now + delay),
      ),
    ),
  )
