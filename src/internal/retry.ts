/**
 * The retry policy of the HTTP boundary: which failures are transient, which calls may be sent
 * again, how long to wait between attempts, and the per-call request options (timeout, retry
 * settings, `Tracking-Key`). Every wait goes through effect's `Clock` and `Random`, so
 * `TestClock` drives it in tests.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import type { OttuConfig } from "../OttuConfig.ts"
import type { OttuInvalidInputError } from "../OttuError.ts"
import {
  CurrentRequestOptions,
  type Options,
  type RetryPolicy,
  retryPolicy,
} from "../RequestOptions.ts"
import type { Call } from "./http.ts"
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

/** The operations endpoint: the only one where Ottu runs a request once per `Tracking-Key`. */
export const operationRoute = "/b/pbl/v2/operation/"

/** POST endpoints that only read: payment methods, the saved-card list, the status query. */
const readOnlyPosts: ReadonlySet<string> = new Set([
  "/b/pbl/v2/payment-methods/",
  "/b/pbl/v2/card/",
  "/b/pbl/v2/inquiry/",
])

/**
 * True when sending the call twice has the effect of sending it once: GET, the read-only POSTs,
 * and any call carrying a `Tracking-Key`. A checkout create, a charge, an upload, a PATCH, PUT or
 * DELETE, and an operation without a key are not: Ottu could act on each attempt.
 */
export const isIdempotent = (
  call: Pick<Call<unknown, unknown>, "method" | "route" | "headers">,
): boolean =>
  call.method === "GET" ||
  (call.method === "POST" && readOnlyPosts.has(call.route)) ||
  call.headers?.["tracking-key"] !== undefined

/**
 * The delay before retry number `retry` (0 for the first): exponential from `base`, doubling,
 * capped at `cap`, then jittered to a uniform draw between half of it and all of it.
 */
export const backoff = (policy: RetryPolicy, retry: number): Effect.Effect<Duration.Duration> => {
  const ceiling = Math.min(
    Duration.toMillis(policy.cap),
    Duration.toMillis(policy.base) * 2 ** retry,
  )
  return Effect.map(Random.nextRange(0.5, 1), (factor) => Duration.millis(ceiling * factor))
}

/** The wait a 429 asked for, when it carries one. */
const retryAfterOf = (error: unknown): Duration.Duration | undefined =>
  Predicate.isTagged(error, "OttuRateLimitedError") &&
  Predicate.hasProperty(error, "retryAfter") &&
  Duration.isDuration(error.retryAfter)
    ? error.retryAfter
    : undefined

/**
 * How long to wait before retry number `retry` after `error`, or none when the call must fail
 * now: the error is not transient, the retries are used up, or Ottu's `Retry-After` is longer
 * than the policy's `retryAfterCap`. A `Retry-After` within the cap replaces the backoff.
 */
export const delayFor = (
  policy: RetryPolicy,
  error: unknown,
  retry: number,
): Effect.Effect<Option.Option<Duration.Duration>> => {
  if (retry >= policy.times || !isTransient(error)) return Effect.succeedNone
  const retryAfter = retryAfterOf(error)
  if (retryAfter === undefined) return Effect.asSome(backoff(policy, retry))
  return Effect.succeed(
    Duration.greaterThan(retryAfter, policy.retryAfterCap)
      ? Option.none()
      : Option.some(retryAfter),
  )
}

/**
 * Runs `attempt`, and again after each transient failure while `policy` allows, waiting as
 * {@link delayFor} says. The current span gets `http.request.resend_count`. Fails with the last
 * attempt's error.
 */
export const withRetry =
  (policy: RetryPolicy) =>
  <A, E, R>(attempt: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    if (policy.times === 0) return attempt
    const from = (retry: number): Effect.Effect<A, E, R> =>
      Effect.catchAll(attempt, (error) =>
        Effect.flatMap(delayFor(policy, error, retry), (delay) =>
          Option.isNone(delay)
            ? Effect.fail(error)
            : Effect.sleep(delay.value).pipe(
                Effect.zipRight(Effect.annotateCurrentSpan("http.request.resend_count", retry + 1)),
                Effect.zipRight(from(retry + 1)),
              ),
        ),
      )
    return from(0)
  }

const KeyOption = Schema.Struct({ trackingKey: TrackingKey })

/**
 * The `Tracking-Key` the request options give an operation without its own: the given key, a
 * fresh one for `"auto"`, none otherwise. A key that is not printable ASCII fails before sending.
 */
const trackingKeyFor = (
  call: Pick<Call<unknown, unknown>, "method" | "route" | "headers">,
  option: Options["trackingKey"],
): Effect.Effect<string | undefined, OttuInvalidInputError> => {
  if (
    option === undefined ||
    call.route !== operationRoute ||
    call.headers?.["tracking-key"] !== undefined
  ) {
    return Effect.succeed(undefined)
  }
  if (option === "auto") return Effect.sync(() => crypto.randomUUID())
  return Effect.as(
    validate(KeyOption, { trackingKey: option }, { method: call.method, path: call.route }),
    option,
  )
}

/**
 * Sends `call` under the request options in force (`withRequestOptions`) and the layer's
 * settings: resolves the timeout and the retry policy (call over layer over defaults), adds the
 * `Tracking-Key` of an operation (one key per call, the same on every attempt), and retries
 * `attempt` only when the call is idempotent. A timeout that is not positive keeps the layer's.
 */
export const reliably = <A, I, E, R>(
  config: OttuConfig["Type"],
  call: Call<A, I>,
  attempt: (call: Call<A, I>, timeout: Duration.Duration) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E | OttuInvalidInputError, R> =>
  Effect.flatMap(CurrentRequestOptions, (options) =>
    Effect.flatMap(trackingKeyFor(call, options.trackingKey), (key) => {
      const sent =
        key === undefined ? call : { ...call, headers: { ...call.headers, "tracking-key": key } }
      const given = options.timeout === undefined ? undefined : Duration.decode(options.timeout)
      const timeout =
        given !== undefined && Duration.greaterThan(given, Duration.zero) ? given : config.timeout
      const policy = retryPolicy(config.retry, options.retry)
      return withRetry(isIdempotent(sent) ? policy : { ...policy, times: 0 })(
        attempt(sent, timeout),
      )
    }),
  )
