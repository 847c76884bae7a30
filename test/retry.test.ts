/**
 * The retry policy on its own: which failures and which calls are retried, the waits between
 * attempts (TestClock), Retry-After and its cap, jittered backoff, tracking keys and the
 * precedence of per-call, per-layer and default settings.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Random, Ref, Schema, TestClock } from "effect"
import { OttuAuth, OttuConfig, OttuError, RequestOptions } from "../src/index.ts"
import { endpoints } from "../src/internal/endpoints.ts"
import { parseRetryAfter } from "../src/internal/http.ts"
import { isIdempotent, isTransient, reliably, type Sendable } from "../src/internal/retry.ts"

const where = { method: "GET", path: "/p/" } as const

const statusError = (status: number) => {
  const fields = { ...where, status, body: { detail: "x" } }
  switch (status) {
    case 400:
      return new OttuError.OttuBadRequestError({ ...fields, errors: {} })
    case 401:
      return new OttuError.OttuUnauthorizedError(fields)
    case 403:
      return new OttuError.OttuForbiddenError(fields)
    case 404:
      return new OttuError.OttuNotFoundError(fields)
    case 409:
      return new OttuError.OttuConflictError(fields)
    case 415:
      return new OttuError.OttuUnsupportedMediaTypeError(fields)
    case 429:
      return new OttuError.OttuRateLimitedError(fields)
    default:
      return status >= 500
        ? new OttuError.OttuServerError(fields)
        : new OttuError.OttuUnexpectedStatusError(fields)
  }
}

/** Every failure, with whether another attempt may cure it. */
const failures: ReadonlyArray<readonly [string, unknown, boolean]> = [
  ["transport", new OttuError.OttuTransportError({ ...where, reason: "reset" }), true],
  ["timeout", new OttuError.OttuTimeoutError({ ...where, timeout: Duration.seconds(1) }), true],
  ...[408, 429, 500, 502, 503, 504].map((s) => [`${s}`, statusError(s), true] as const),
  ...[400, 401, 403, 404, 409, 415, 501, 505, 302].map(
    (s) => [`${s}`, statusError(s), false] as const,
  ),
  [
    "decode",
    new OttuError.OttuDecodeError({ ...where, status: 503, body: "", reason: "not JSON" }),
    false,
  ],
  ["invalid input", new OttuError.OttuInvalidInputError({ ...where, issues: [] }), false],
]

type Shape = Sendable

/** Every endpoint the SDK calls, with whether sending it twice is harmless. */
const calls: ReadonlyArray<readonly [string, Shape, boolean]> = [
  ["checkout retrieve (GET)", { endpoint: endpoints.checkoutRetrieve }, true],
  ["payment methods", { endpoint: endpoints.paymentMethods }, true],
  ["saved-card list", { endpoint: endpoints.cardsList }, true],
  ["wallet entries (a POST that reads)", { endpoint: endpoints.walletEntries }, true],
  ["report download", { endpoint: endpoints.reportsDownload }, true],
  ["report list", { endpoint: endpoints.reportsList }, true],
  ["wallet accounts (a POST that reads)", { endpoint: endpoints.walletAccounts }, true],
  ["wallet operations (a POST that reads)", { endpoint: endpoints.walletOperations }, true],
  ["wallet finalization status", { endpoint: endpoints.walletFinalizationStatus }, true],
  ["pre-payment check (a POST that asks)", { endpoint: endpoints.prePaymentCheck }, true],
  [
    "operation with a key",
    { endpoint: endpoints.refund, headers: { "tracking-key": "k-1" } },
    true,
  ],
  // Throttled by Ottu (3 per transaction) and may notify a webhook: never re-sent.
  ["status query", { endpoint: endpoints.inquiry }, false],
  ["checkout create", { endpoint: endpoints.checkoutCreate }, false],
  ["operation without a key", { endpoint: endpoints.capture }, false],
  ["auto-debit charge", { endpoint: endpoints.autoDebit }, false],
  ["auto-debit charge (payment/)", { endpoint: endpoints.paymentAutoDebit }, false],
  ["attachment upload", { endpoint: endpoints.uploadAttachment }, false],
  ["checkout update (PATCH)", { endpoint: endpoints.checkoutUpdate }, false],
  ["checkout replace (PUT)", { endpoint: endpoints.checkoutReplace }, false],
  ["card removal (DELETE)", { endpoint: endpoints.cardsRemove }, false],
  ["invoice create", { endpoint: endpoints.invoiceCreate }, false],
  // A repeat after a lost answer would notify the customer twice.
  ["notification resend", { endpoint: endpoints.notificationsResend }, false],
  ["notification send", { endpoint: endpoints.notificationsSend }, false],
  ["notification send on a channel", { endpoint: endpoints.notificationsSendOn }, false],
  ["cash acknowledgement", { endpoint: endpoints.cashAcknowledge }, false],
  ["cash acknowledgement (cash-payment/)", { endpoint: endpoints.cashAcknowledgeLegacy }, false],
  ["Apple Pay payment", { endpoint: endpoints.applePay }, false],
  ["Google Pay payment", { endpoint: endpoints.googlePay }, false],
  ["wallet payment", { endpoint: endpoints.walletPayment }, false],
]

const retrieve: Shape = { endpoint: endpoints.checkoutRetrieve }

const config = (options?: Partial<OttuConfig.Options>) =>
  Effect.runSync(
    OttuConfig.make({
      merchantId: "m.ottu.test",
      auth: OttuAuth.apiKey(Schema.decodeSync(Schema.Redacted(Schema.String))("k")),
      ...options,
    }),
  )

const callOf = (shape: Shape) => ({ ...shape, path: shape.endpoint.route })

/** What `reliably` handed to each attempt. */
interface Attempt {
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly timeout: Duration.Duration
  readonly at: number
}

/**
 * Runs `reliably` with an attempt that fails with `errors` in order, then succeeds; advances the
 * TestClock far enough for every wait, and returns the exit with the attempts.
 */
const run = (
  shape: Shape,
  errors: ReadonlyArray<unknown>,
  service = config(),
  wrap: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = (self) => self,
) =>
  Effect.gen(function* () {
    const attempts = yield* Ref.make<ReadonlyArray<Attempt>>([])
    const fiber = yield* reliably(service, callOf(shape), (call, timeout) =>
      Effect.gen(function* () {
        const at = yield* TestClock.currentTimeMillis
        const done = yield* Ref.modify(attempts, (list) => [
          list.length,
          [...list, { headers: call.headers, timeout, at }],
        ])
        const error = errors[done]
        return error === undefined ? "ok" : yield* Effect.fail(error)
      }),
    ).pipe(wrap, Effect.exit, Effect.fork)
    yield* TestClock.adjust("10 minutes")
    return { exit: yield* Fiber.join(fiber), attempts: yield* Ref.get(attempts) }
  })

/** When each attempt started, relative to the first. */
const offsets = (attempts: ReadonlyArray<Attempt>) =>
  attempts.map((a) => a.at - (attempts[0]?.at ?? 0))

describe("the retry policy", () => {
  it("the table above names every endpoint the SDK calls", () => {
    const named = new Set(calls.map(([, shape]) => shape.endpoint))
    const missing = Object.entries(endpoints).filter(([, endpoint]) => !named.has(endpoint))
    // The six operations share one rule, tested through capture and refund.
    const operations = ["cancel", "expire", "delete", "capture", "refund", "void"]
    expect(missing.map(([key]) => key).filter((key) => !operations.includes(key))).toEqual([])
  })

  for (const [name, error, transient] of failures) {
    it(`${name} is ${transient ? "" : "not "}transient`, () => {
      expect(isTransient(error)).toBe(transient)
    })
  }

  for (const [name, shape, idempotent] of calls) {
    it(`${name} is ${idempotent ? "" : "not "}idempotent`, () => {
      expect(isIdempotent(shape)).toBe(idempotent)
    })
  }

  describe("attempts per failure and call (default: 2 retries)", () => {
    for (const [callName, shape, idempotent] of calls) {
      for (const [errorName, error, transient] of failures) {
        const expected = idempotent && transient ? 3 : 1
        it.effect(`${callName} after ${errorName}: ${expected} attempt(s)`, () =>
          Effect.gen(function* () {
            const { exit, attempts } = yield* run(shape, [error, error, error])
            expect(attempts).toHaveLength(expected)
            expect(exit).toStrictEqual(Exit.fail(error))
          }),
        )
      }
    }
  })

  it.effect("a retried call succeeds when a later attempt does", () =>
    Effect.gen(function* () {
      const error = statusError(503)
      const { exit, attempts } = yield* run(retrieve, [error, error])
      expect(exit).toStrictEqual(Exit.succeed("ok"))
      expect(attempts).toHaveLength(3)
    }),
  )
})

describe("waits between attempts", () => {
  /** The waits between the attempts of a retrieve failing `n + 1` times with a 502. */
  const gaps = (n: number) =>
    Effect.map(
      run(
        retrieve,
        Array.from({ length: n + 1 }, () => statusError(502)),
        config({ retry: { times: n } }),
      ),
      ({ attempts }) =>
        offsets(attempts)
          .slice(1)
          .map((at, i, all) => at - (all[i - 1] ?? 0)),
    )

  it.effect("backoff doubles from 500 ms, is capped at 5 s, and is jittered within [d/2, d]", () =>
    Effect.gen(function* () {
      const ceilings = [500, 1000, 2000, 4000, 5000, 5000, 5000]
      const draws: Array<ReadonlyArray<number>> = []
      for (let seed = 0; seed < 40; seed++) {
        draws.push(yield* gaps(ceilings.length).pipe(Effect.withRandom(Random.make(seed))))
      }
      ceilings.forEach((ceiling, retry) => {
        const waits = draws.map((gaps) => gaps[retry] ?? Number.NaN)
        expect(Math.min(...waits)).toBeGreaterThanOrEqual(ceiling / 2)
        expect(Math.max(...waits)).toBeLessThanOrEqual(ceiling)
        // Jitter really spreads the delays over the range.
        expect(Math.min(...waits)).toBeLessThan(ceiling * 0.7)
        expect(Math.max(...waits)).toBeGreaterThan(ceiling * 0.8)
      })
    }),
  )

  it.effect("the second attempt waits for the clock: not before 250 ms, by 500 ms", () =>
    Effect.gen(function* () {
      const count = yield* Ref.make(0)
      const fiber = yield* reliably(config(), callOf(retrieve), () =>
        Effect.zipRight(
          Ref.update(count, (n) => n + 1),
          Effect.fail(statusError(502)),
        ),
      ).pipe(Effect.exit, Effect.fork)
      yield* TestClock.adjust("249 millis")
      expect(yield* Ref.get(count)).toBe(1)
      yield* TestClock.adjust("251 millis")
      expect(yield* Ref.get(count)).toBe(2)
      yield* TestClock.adjust("1 second")
      expect(yield* Ref.get(count)).toBe(3)
      expect(Exit.isFailure(yield* Fiber.join(fiber))).toBe(true)
    }),
  )

  const rateLimited = (retryAfter: Duration.Duration | undefined) =>
    new OttuError.OttuRateLimitedError({
      ...where,
      status: 429,
      body: {},
      ...(retryAfter === undefined ? {} : { retryAfter }),
    })

  it.effect("Retry-After in seconds replaces the backoff", () =>
    Effect.gen(function* () {
      const retryAfter = parseRetryAfter("7", 0)
      const { attempts } = yield* run(retrieve, [rateLimited(retryAfter), rateLimited(retryAfter)])
      expect(offsets(attempts)).toStrictEqual([0, 7000, 14_000])
    }),
  )

  it.effect("Retry-After as an HTTP date waits until that date", () =>
    Effect.gen(function* () {
      const now = Date.parse("2026-11-27T10:00:00Z")
      const retryAfter = parseRetryAfter("Fri, 27 Nov 2026 10:00:12 GMT", now)
      expect(retryAfter).toStrictEqual(Duration.seconds(12))
      const { attempts } = yield* run(retrieve, [statusError(502), rateLimited(retryAfter)])
      const [, second = 0, third = 0] = offsets(attempts)
      expect(third - second).toBe(12_000)
    }),
  )

  it.effect("a Retry-After above the cap (30 s) fails at once; a larger cap waits for it", () =>
    Effect.gen(function* () {
      const long = rateLimited(Duration.seconds(31))
      const atCap = yield* run(retrieve, [rateLimited(Duration.seconds(30))])
      expect(offsets(atCap.attempts)).toStrictEqual([0, 30_000])
      const { attempts, exit } = yield* run(retrieve, [long])
      expect(attempts).toHaveLength(1)
      expect(exit).toStrictEqual(Exit.fail(long))
      const patient = yield* run(retrieve, [long], config({ retry: { retryAfterCap: "1 minute" } }))
      expect(offsets(patient.attempts)).toStrictEqual([0, 31_000])
    }),
  )

  it.effect("Retry-After on a 503 replaces the backoff too, under the same cap", () =>
    Effect.gen(function* () {
      const unavailable = (seconds: number) =>
        new OttuError.OttuServerError({
          ...where,
          status: 503,
          body: {},
          retryAfter: Duration.seconds(seconds),
        })
      const { attempts } = yield* run(retrieve, [unavailable(9)])
      expect(offsets(attempts)).toStrictEqual([0, 9000])
      const refused = yield* run(retrieve, [unavailable(31)])
      expect(refused.attempts).toHaveLength(1)
      expect(refused.exit).toStrictEqual(Exit.fail(unavailable(31)))
    }),
  )

  it.effect("a 429 without Retry-After backs off", () =>
    Effect.gen(function* () {
      const { attempts } = yield* run(retrieve, [rateLimited(undefined)])
      const millis = offsets(attempts)[1]
      expect(millis).toBeGreaterThanOrEqual(250)
      expect(millis).toBeLessThanOrEqual(500)
    }),
  )
})

describe("tracking keys", () => {
  const operation: Shape = { endpoint: endpoints.refund }
  const auto = RequestOptions.withRequestOptions({ trackingKey: "auto" })
  const reset = new OttuError.OttuTransportError({ ...where, reason: "reset" })
  const keysOf = (attempts: ReadonlyArray<Attempt>) =>
    attempts.map((a) => a.headers?.["tracking-key"])

  it.effect('"auto" sends one key on every attempt of a call, and makes it retryable', () =>
    Effect.gen(function* () {
      const { exit, attempts } = yield* run(operation, [reset, reset], config(), auto)
      expect(exit).toStrictEqual(Exit.succeed("ok"))
      const keys = keysOf(attempts)
      expect(keys).toHaveLength(3)
      expect(new Set(keys).size).toBe(1)
      expect(keys[0]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
    }),
  )

  it.effect('"auto" gives each call its own key', () =>
    Effect.gen(function* () {
      const keys = new Set<string | undefined>()
      for (let i = 0; i < 20; i++) {
        const { attempts } = yield* run(operation, [], config(), auto)
        keys.add(keysOf(attempts)[0])
      }
      expect(keys.size).toBe(20)
      expect(keys.has(undefined)).toBe(false)
    }),
  )

  it.effect("a key is only added to operations, and an operation's own key wins", () =>
    Effect.gen(function* () {
      const create: Shape = { endpoint: endpoints.checkoutCreate }
      const { attempts } = yield* run(create, [reset], config(), auto)
      expect(keysOf(attempts)).toStrictEqual([undefined])
      const own = { ...operation, headers: { "tracking-key": "refund-42" } }
      const mine = yield* run(
        own,
        [],
        config(),
        RequestOptions.withRequestOptions({ trackingKey: "other" }),
      )
      expect(keysOf(mine.attempts)).toStrictEqual(["refund-42"])
      const fixed = yield* run(
        operation,
        [reset],
        config(),
        RequestOptions.withRequestOptions({ trackingKey: "refund-43" }),
      )
      expect(keysOf(fixed.attempts)).toStrictEqual(["refund-43", "refund-43"])
    }),
  )

  it.effect("a key that is not printable ASCII fails before sending", () =>
    Effect.gen(function* () {
      const { exit, attempts } = yield* run(
        operation,
        [],
        config(),
        RequestOptions.withRequestOptions({ trackingKey: "has space" }),
      )
      expect(attempts).toHaveLength(0)
      const error =
        Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(error).toBeInstanceOf(OttuError.OttuInvalidInputError)
      expect((error as OttuError.OttuInvalidInputError).issues[0]?.field).toBe("trackingKey")
    }),
  )
})

describe("precedence: call over layer over default", () => {
  const error = statusError(500)
  const errors = Array.from({ length: 10 }, () => error)
  const count = (
    service: OttuConfig.Service,
    options?: RequestOptions.Options,
  ): Effect.Effect<number> =>
    Effect.map(
      run(retrieve, errors, service, (self) =>
        options === undefined ? self : RequestOptions.withRequestOptions(self, options),
      ),
      ({ attempts }) => attempts.length,
    )

  it.effect("retry counts", () =>
    Effect.gen(function* () {
      expect(yield* count(config())).toBe(3)
      expect(yield* count(config({ retry: { times: 4 } }))).toBe(5)
      expect(yield* count(config({ retry: false }))).toBe(1)
      expect(yield* count(config({ retry: { times: 4 } }), { retry: { times: 1 } })).toBe(2)
      expect(yield* count(config({ retry: { times: 4 } }), { retry: false })).toBe(1)
      expect(yield* count(config({ retry: false }), { retry: { times: 3 } })).toBe(4)
      // `false` is `{ times: 0 }`: tuning another field does not turn retries back on.
      expect(yield* count(config({ retry: false }), { retry: { cap: "1 second" } })).toBe(1)
    }),
  )

  it.effect("retry settings merge field by field, the layer's base with the call's times", () =>
    Effect.gen(function* () {
      const { attempts } = yield* run(
        retrieve,
        [error, error, error],
        config({ retry: { base: "4 seconds", cap: "4 seconds" } }),
        RequestOptions.withRequestOptions({ retry: { times: 3 } }),
      )
      const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i]?.at ?? 0))
      expect(gaps).toHaveLength(3)
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(2000)
        expect(gap).toBeLessThanOrEqual(4000)
      }
    }),
  )

  it.effect("timeouts: 30 s by default, the layer's, then the call's", () =>
    Effect.gen(function* () {
      const timeoutOf = (service: OttuConfig.Service, options?: RequestOptions.Options) =>
        Effect.map(
          run(retrieve, [], service, (self) =>
            options === undefined ? self : RequestOptions.withRequestOptions(self, options),
          ),
          ({ attempts }) =>
            attempts[0] === undefined ? 0 : Duration.toMillis(attempts[0].timeout),
        )
      expect(yield* timeoutOf(config())).toBe(30_000)
      expect(yield* timeoutOf(config({ timeout: "10 seconds" }))).toBe(10_000)
      expect(yield* timeoutOf(config({ timeout: "10 seconds" }), { timeout: "2 seconds" })).toBe(
        2000,
      )
      expect(yield* timeoutOf(config({ timeout: "10 seconds" }), { timeout: 0 })).toBe(10_000)
    }),
  )

  it.effect("nested options merge, the innermost winning", () =>
    Effect.gen(function* () {
      const seen = yield* RequestOptions.CurrentRequestOptions.pipe(
        RequestOptions.withRequestOptions({ retry: { times: 5 }, trackingKey: "inner" }),
        RequestOptions.withRequestOptions({
          timeout: "3 seconds",
          retry: { cap: "1 second" },
          trackingKey: "auto",
        }),
      )
      expect(seen).toStrictEqual({
        timeout: "3 seconds",
        retry: { times: 5, cap: "1 second" },
        trackingKey: "inner",
      })
      expect(yield* RequestOptions.CurrentRequestOptions).toStrictEqual({})
    }),
  )
})
