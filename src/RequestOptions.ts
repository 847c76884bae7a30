/**
 * Per-call overrides of the timeout, the retry policy and the `Tracking-Key`, carried through the
 * context rather than as extra parameters: wrap any SDK call (or a whole program) in
 * {@link withRequestOptions}.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"

/**
 * How transient failures of idempotent calls are retried. Fields left out keep the value of the
 * layer (`OttuConfig.layer({ retry })`), then the defaults: 2 retries, backoff from 500 ms
 * doubling up to 5 seconds, `Retry-After` honoured up to 30 seconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /** Retries after the first attempt; `0` turns retries off. */
  readonly times?: number | undefined
  /** The first backoff delay; each further retry doubles it (with jitter). */
  readonly base?: Duration.DurationInput | undefined
  /** The longest backoff delay. */
  readonly cap?: Duration.DurationInput | undefined
  /**
   * The longest `Retry-After` the SDK waits for. When Ottu asks for longer, the call fails with
   * `OttuRateLimitedError` at once and its `retryAfter` tells when to come back.
   */
  readonly retryAfterCap?: Duration.DurationInput | undefined
}

/**
 * The overrides {@link withRequestOptions} sets.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The time each attempt may take, the body included; replaces `OttuConfig`'s `timeout`. */
  readonly timeout?: Duration.DurationInput | undefined
  /** `false` turns retries off; an object overrides some of the retry settings. */
  readonly retry?: false | RetryOptions | undefined
  /**
   * The `Tracking-Key` of an operation (capture, refund, void, cancel, expire, delete): Ottu runs
   * an operation once per key, so a keyed operation is safe to retry. `"auto"` generates a fresh
   * key for each call, sent unchanged on every attempt of that call. A key given in the
   * operation's own options wins.
   */
  readonly trackingKey?: string | "auto" | undefined
}

const CurrentRequestOptionsBase: Context.ReferenceClass<
  CurrentRequestOptions,
  "effect-ottu/RequestOptions/CurrentRequestOptions",
  Options
> = Context.Reference<CurrentRequestOptions>()("effect-ottu/RequestOptions/CurrentRequestOptions", {
  defaultValue: (): Options => ({}),
})

/**
 * The request options in force. Empty unless set with {@link withRequestOptions}.
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentRequestOptions extends CurrentRequestOptionsBase {}

/**
 * Runs `self` with the given request options. Every Ottu call inside uses them; nested calls
 * merge, the innermost value of each option winning. Options given here take precedence over
 * the layer's (`OttuConfig`), which take precedence over the defaults.
 *
 * **Gotchas**
 * - A fixed `trackingKey` is the key of one operation: wrap a single call with it. Use `"auto"`
 *   around several.
 * - Only idempotent calls are retried, whatever `retry` says (see the README's "Reliability").
 *
 * @example
 * ```ts
 * import { Operation, RequestOptions } from "effect-ottu"
 *
 * const session_id = "3f0c…" // the session to refund
 * const refund = Operation.refund({ session_id }, { amount: "5.000" }).pipe(
 *   RequestOptions.withRequestOptions({ trackingKey: "auto", retry: { times: 4 }, timeout: "10 seconds" }),
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRequestOptions: {
  (options: Options): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: Options): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, options: Options): Effect.Effect<A, E, R> =>
    Effect.flatMap(CurrentRequestOptions, (outer) =>
      Effect.provideService(self, CurrentRequestOptions, mergeOptions(outer, options)),
    ),
)

/** `inner` over `outer`, option by option; retry settings merge field by field. */
const mergeOptions = (outer: Options, inner: Options): Options => {
  const merged = { ...outer, ...definedOnly(inner) }
  return inner.retry === undefined || outer.retry === undefined
    ? merged
    : { ...merged, retry: { ...asRetryOptions(outer.retry), ...asRetryOptions(inner.retry) } }
}

/** `false` stands for `{ times: 0 }`: a later `{ times: 3 }` turns retries back on, `{ cap }` does not. */
const asRetryOptions = (retry: false | RetryOptions): RetryOptions =>
  retry === false ? { times: 0 } : definedOnly(retry)

/**
 * Resolved retry settings, as `OttuConfig` holds them.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  readonly times: number
  readonly base: Duration.Duration
  readonly cap: Duration.Duration
  readonly retryAfterCap: Duration.Duration
}

/**
 * The default retry settings: 2 retries, backoff from 500 ms capped at 5 seconds, `Retry-After`
 * honoured up to 30 seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRetryPolicy: RetryPolicy = {
  times: 2,
  base: Duration.millis(500),
  cap: Duration.seconds(5),
  retryAfterCap: Duration.seconds(30),
}

/**
 * `policy` with the given overrides applied: `false` turns retries off, fields of an object
 * replace those of `policy`. A `times` that is not a finite number keeps the policy's; a negative
 * one counts as `0`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const retryPolicy = (
  policy: RetryPolicy,
  overrides: false | RetryOptions | undefined,
): RetryPolicy => {
  if (overrides === undefined) return policy
  const { times, base, cap, retryAfterCap } = asRetryOptions(overrides)
  return {
    times:
      times === undefined || !Number.isFinite(times)
        ? policy.times
        : Math.max(0, Math.trunc(times)),
    base: base === undefined ? policy.base : Duration.decode(base),
    cap: cap === undefined ? policy.cap : Duration.decode(cap),
    retryAfterCap:
      retryAfterCap === undefined ? policy.retryAfterCap : Duration.decode(retryAfterCap),
  }
}

/** The fields of `options` that are set: `undefined` means "not given", not "unset". */
const definedOnly = <O extends object>(options: O): Partial<O> =>
  Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<O>
