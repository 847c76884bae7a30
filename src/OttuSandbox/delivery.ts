/**
 * Webhook delivery: the events the sandbox logs are signed with its webhook key and POSTed to
 * their `webhook_url`, as Ottu does (API reference §13.1): a 15 second timeout, and retries only
 * on a timeout, 3 of them, 5 seconds apart. Deliveries run in the background of the instance;
 * their outcomes are kept for tests and examples.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { signatureOf } from "../Webhook.ts"
import type { SandboxEvent, SandboxState } from "./state.ts"

/**
 * What became of one delivery: the answer's status, or the reason there was none.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly kind: SandboxEvent["kind"]
  readonly session_id: string
  readonly url: string
  /** Requests sent: 1, plus one per retry after a timeout. */
  readonly attempts: number
  readonly status?: number
  readonly error?: string
}

/** The instance's delivery machinery. */
export interface Courier {
  readonly key: Redacted.Redacted<string> | undefined
  /** How many logged events were already handed to delivery. */
  readonly dispatched: Ref.Ref<number>
  readonly deliveries: Ref.Ref<ReadonlyArray<Delivery>>
  readonly running: FiberSet.FiberSet<void, never>
}

/** Ottu's delivery timing (§13.1). */
const timeout = Duration.seconds(15)
const retries = Schedule.intersect(Schedule.spaced("5 seconds"), Schedule.recurs(3))

/** A courier for one instance; its deliveries stop when `scope` closes. */
export const makeCourier = (
  key: Redacted.Redacted<string> | undefined,
): Effect.Effect<Courier, never, Scope.Scope> =>
  Effect.all({
    key: Effect.succeed(key),
    dispatched: Ref.make(0),
    deliveries: Ref.make<ReadonlyArray<Delivery>>([]),
    running: FiberSet.make<void, never>(),
  })

class DeliveryTimeout {
  readonly _tag = "DeliveryTimeout"
}

/** One POST of the signed event; fails with `DeliveryTimeout` after 15 seconds. */
const post = (url: string, body: string) =>
  Effect.tryPromise({
    try: (signal) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "ottu-sandbox" },
        body,
        signal,
      }).then(async (response) => {
        await response.body?.cancel()
        return response.status
      }),
    catch: (cause) => (cause instanceof Error ? cause.message : String(cause)),
  }).pipe(Effect.timeoutFail({ duration: timeout, onTimeout: () => new DeliveryTimeout() }))

/** Signs and delivers one event, retrying on timeouts only, and records the outcome. */
const deliver = (courier: Courier, key: Redacted.Redacted<string>, event: SandboxEvent) => {
  const url = event.webhook_url ?? ""
  const body = JSON.stringify({ ...event.payload, signature: signatureOf(event.payload, key) })
  return Effect.gen(function* () {
    const attempts = yield* Ref.make(0)
    const outcome = yield* Ref.update(attempts, (n) => n + 1).pipe(
      Effect.zipRight(post(url, body)),
      Effect.retry({ schedule: retries, while: (e) => e instanceof DeliveryTimeout }),
      Effect.map((status) => ({ status })),
      Effect.catchAll((e) =>
        Effect.succeed({ error: e instanceof DeliveryTimeout ? "timed out" : e }),
      ),
    )
    const delivery: Delivery = {
      kind: event.kind,
      session_id: event.session_id,
      url,
      attempts: yield* Ref.get(attempts),
      ...outcome,
    }
    yield* Ref.update(courier.deliveries, (all) => [...all, delivery])
  })
}

/**
 * Hands every event logged since the last call to delivery (those with a `webhook_url`, when the
 * instance has a webhook key) and returns at once.
 */
export const dispatch = (courier: Courier, state: Ref.Ref<SandboxState>): Effect.Effect<void> =>
  Effect.gen(function* () {
    const { events } = yield* Ref.get(state)
    const fresh = yield* Ref.modify(courier.dispatched, (n) => [
      events.slice(n),
      Math.max(n, events.length),
    ])
    const key = courier.key
    if (key === undefined) return
    for (const event of fresh) {
      if (event.webhook_url !== null) {
        yield* FiberSet.run(courier.running, deliver(courier, key, event))
      }
    }
  })
