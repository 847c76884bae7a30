/**
 * The retry policy of the HTTP boundary: which failures are transient, which calls may be sent
 * again (the endpoint table's retry class), the effect `Schedule` of the waits between attempts,
 * and the per-call request options (timeout, retry settings, `Tracking-Key`). Every wait goes
 * through effect's `Clock` and `Random`, so `TestClock` drives it in tests.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { OttuConfig } from "../OttuConfig.ts"
import type { OttuInvalidInputError } from "../OttuError.ts"
import {
  CurrentRequestOptions,
  type Options,
  type RetryPolicy,
  retryPolicy,
} from "../RequestOptions.ts"
import type { Endpoint } from "./endpoints.ts"
import { validate } from "./input.ts"
import { TrackingKey } from "./primitives.ts"

/** The statuses that say "try again later": the request was not (or not fully) handled. */
const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/**
 * True for a failure another attempt may cure: no answer (transport), no answer in time
 * (timeout), and the statuses 408, 429, 500, 502, 503 and 504.
 */
export const isTransient = (error: unknown): boolean => {
  if (!Predicate.hasProperty(error, "_tag")) return false
  if (error._tag === "OttuTransportError" || error._tag === "OttuTimeoutError") return true
  return (
    error._tag !== "OttuDecodeError" &&
    Predicate.hasProperty(error, "status") &&
    typeof error.status === "number" &&
    transientStatuses.has(error.status)
  )
}

/** The wait Ottu asked for with `Retry-After` (on a 429 or a 503), when it did. */
const retryAfterOf = (error: unknown): Duration.Duration | undefined =>
  Predicate.hasProperty(error, "retryAfter") && Duration.isDuration(error.retryAfter)
    ? error.retryAfter
    : undefined

/** What the retry rules look at in a call. */
export interface Sendable {
  readonly endpoint: Endpoint
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * True when sending the call twice has the effect of sending it once: a `safe` endpoint (a
 * read), or a `keyed` one that carries a `Tracking-Key`. A `never` endpoint (a checkout create,
 * a charge, an upload, a PATCH, PUT or DELETE, the throttled status query) and an operation
 * without a key are not.
 */
export const isIdempotent = (call: Sendable): boolean =>
  call.endpoint.retry === "safe" ||
  (call.endpoint.retry === "keyed" && call.headers?.["tracking-key"] !== undefined)

/**
 * The retry schedule of `policy`, fed with each failure: exponential from `base`, capped at
 * `cap`, jittered to a uniform draw between half the delay and all of it, at most `times`
 * retries, and only while the failure is transient. A `Retry-After` replaces the delay, and
 * stops the retries when it is longer than `retryAfterCap`. Each retry annotates the current
 * span with `http.request.resend_count`.
 */
export const schedule = (policy: RetryPolicy): Schedule.Schedule<unknown, unknown> =>
  Schedule.exponential(policy.base).pipe(
    Schedule.union(Schedule.spaced(policy.cap)),
    Schedule.jitteredWith({ min: 0.5, max: 1 }),
    Schedule.intersect(Schedule.recurs(policy.times)),
    Schedule.intersect(Schedule.identity<unknown>()),
    Schedule.whileInput((error: unknown) => {
      const retryAfter = retryAfterOf(error)
      return (
        isTransient(error) &&
        (retryAfter === undefined || Duration.lessThanOrEqualTo(retryAfter, policy.retryAfterCap))
      )
    }),
    Schedule.modifyDelayEffect(([[, retry], error], delay) =>
      Effect.as(
        Effect.annotateCurrentSpan("http.request.resend_count", retry + 1),
        retryAfterOf(error) ?? delay,
      ),
    ),
  )

const KeyOption = Schema.Struct({ trackingKey: TrackingKey })

/**
 * The `Tracking-Key` the request options give a keyed call without its own: the given key, a
 * fresh one for `"auto"`, none otherwise. A key that is not printable ASCII fails before sending.
 */
const trackingKeyFor = (
  call: Sendable & { readonly path: string },
  option: Options["trackingKey"],
): Effect.Effect<string | undefined, OttuInvalidInputError> => {
  if (
    option === undefined ||
    call.endpoint.retry !== "keyed" ||
    call.headers?.["tracking-key"] !== undefined
  ) {
    return Effect.succeed(undefined)
  }
  if (option === "auto") return Effect.sync(() => crypto.randomUUID())
  return Effect.as(
    validate(KeyOption, { trackingKey: option }, { method: call.endpoint.method, path: call.path }),
    option,
  )
}

/**
 * Sends `call` under the request options in force (`withRequestOptions`) and the layer's
 * settings: resolves the timeout and the retry policy (call over layer over defaults), adds the
 * `Tracking-Key` of a keyed call (one key per call, the same on every attempt), and retries
 * `attempt` on the policy's schedule only when the call is idempotent. A timeout that is not
 * positive keeps the layer's.
 */
export const reliably = <C extends Sendable & { readonly path: string }, A, E, R>(
  config: OttuConfig["Type"],
  call: C,
  attempt: (call: C, timeout: Duration.Duration) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E | OttuInvalidInputError, R> =>
  Effect.flatMap(CurrentRequestOptions, (options) =>
    Effect.flatMap(trackingKeyFor(call, options.trackingKey), (key) => {
      const sent: C =
        key === undefined ? call : { ...call, headers: { ...call.headers, "tracking-key": key } }
      const given = options.timeout === undefined ? undefined : Duration.decode(options.timeout)
      const timeout =
        given !== undefined && Duration.greaterThan(given, Duration.zero) ? given : config.timeout
      const policy = retryPolicy(config.retry, options.retry)
      const once = attempt(sent, timeout)
      return policy.times === 0 || !isIdempotent(sent) ? once : Effect.retry(once, schedule(policy))
    }),
  )
