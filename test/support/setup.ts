/**
 * Shared fixtures: a configuration with recognisable secrets, and a helper that runs an SDK call
 * against a recording client and hands back its exit and the requests it sent.
 *
 * @module
 */
import { HttpClient } from "@effect/platform"
import { expect } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Redacted, TestClock } from "effect"
import { OttuAuth, OttuConfig } from "../../src/index.ts"
import { makeRecorder, type Recorded, type Reply } from "./recording.ts"

/** The API key of the test configuration: no log, span or error may contain it. */
export const apiKey = "sk_test_Zm9vYmFyYmF6cXV4"
/** The merchant host of the test configuration. */
export const merchantId = "merchant.ottu.test"

/**
 * A configuration with an API key and a default customer. Retries are off, so a test sees the
 * error of its one canned reply; the retry tests turn them on. Options the layer refuses are a
 * defect: a test of a bad configuration uses `OttuConfig.layer` itself.
 */
export const configLayer = (
  options?: Partial<OttuConfig.Options>,
): Layer.Layer<OttuConfig.OttuConfig> =>
  Layer.orDie(
    OttuConfig.layer({
      merchantId,
      auth: OttuAuth.apiKey(Redacted.make(apiKey)),
      customerId: "cust-1",
      retry: false,
      ...options,
    }),
  )

/**
 * The `Authorization` header a configuration with fixed credentials sends (read from its
 * authenticator; no request is made).
 */
export const authorizationOf = (config: OttuConfig.Service): string | undefined =>
  Effect.runSync(
    config.authenticator.credentials.pipe(
      Effect.map((credentials) => Redacted.value(credentials.headers).authorization),
      Effect.provideService(
        HttpClient.HttpClient,
        HttpClient.make(() => Effect.die("fixed credentials make no request")),
      ),
      Effect.orDie,
    ),
  )

/** The smallest valid checkout create: the four required fields. */
export const minimalCheckout = {
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["knet"],
} as const

/** A checkout object as Ottu answers it. */
export const sessionBody = (fields: Record<string, unknown> = {}) => ({
  session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["knet"],
  state: "created",
  operation: "purchase",
  checkout_url: `https://${merchantId}/b/checkout/redirect/start/?session_id=bb7fc280827c2f177a9690299cfefa4128dbbd60`,
  payment_methods: [{ code: "knet", name: "KNET", amount: "20.230", currency_code: "KWD" }],
  ...fields,
})

/**
 * Runs `effect` with the test configuration and a recorder answering `reply`; returns the exit
 * and the recorded requests.
 */
export const runRecorded = <A, E>(
  effect: Effect.Effect<A, E, OttuConfig.OttuConfig | HttpClient.HttpClient>,
  reply: Reply | ((req: Recorded) => Reply | Effect.Effect<Reply>),
  config: Layer.Layer<OttuConfig.OttuConfig> = configLayer(),
): Effect.Effect<{ readonly exit: Exit.Exit<A, E>; readonly requests: ReadonlyArray<Recorded> }> =>
  Effect.gen(function* () {
    const recorder = yield* makeRecorder(typeof reply === "function" ? reply : () => reply)
    const exit = yield* Effect.exit(
      effect.pipe(Effect.provide(Layer.merge(config, recorder.layer))),
    )
    return { exit, requests: yield* recorder.requests }
  })

/**
 * {@link runRecorded} for a call that is retried: the recorder answers `replies` in turn (the last
 * one from then on) while the `TestClock` is moved a minute on, past the backoff, with `config`
 * (which turns retries on).
 */
export const runRetried = <A, E>(
  effect: Effect.Effect<A, E, OttuConfig.OttuConfig | HttpClient.HttpClient>,
  replies: readonly [Reply, ...ReadonlyArray<Reply>],
  config: Layer.Layer<OttuConfig.OttuConfig>,
): Effect.Effect<{ readonly exit: Exit.Exit<A, E>; readonly requests: ReadonlyArray<Recorded> }> =>
  Effect.gen(function* () {
    let answered = 0
    const reply = () => replies[Math.min(answered++, replies.length - 1)] ?? replies[0]
    const fiber = yield* Effect.fork(runRecorded(effect, reply, config))
    yield* TestClock.adjust("1 minute")
    return yield* Fiber.join(fiber)
  })

/**
 * {@link runRecorded} for a call that must fail: its typed failure (a success or a defect fails
 * the test, as with {@link failureOf}) and the recorded requests.
 */
export const runFailed = <A, E>(
  effect: Effect.Effect<A, E, OttuConfig.OttuConfig | HttpClient.HttpClient>,
  reply: Reply | ((req: Recorded) => Reply | Effect.Effect<Reply>),
  config?: Layer.Layer<OttuConfig.OttuConfig>,
): Effect.Effect<{ readonly error: E; readonly requests: ReadonlyArray<Recorded> }> =>
  Effect.map(runRecorded(effect, reply, config), ({ exit, requests }) => ({
    error: failureOf(exit),
    requests,
  }))

/**
 * Checks that `requests` is one `method` request to `path` on the test merchant, with the test
 * API key and asking for JSON; returns it.
 */
export const onlyRequest = (
  requests: ReadonlyArray<Recorded>,
  method: string,
  path: string,
): Recorded => {
  expect(requests).toHaveLength(1)
  const req = requests[0]
  expect(req?.method).toBe(method)
  expect(req?.url.href).toBe(`https://${merchantId}${path}`)
  expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
  expect(req?.headers.accept).toBe("application/json")
  if (req === undefined) throw new Error("no request was sent")
  return req
}

/** The typed failure of an exit; throws (failing the test) on a success or a defect. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") {
    throw new Error(`expected a typed failure, got ${String(exit)}`)
  }
  return exit.cause.error
}

/** The value of a successful exit; throws (failing the test) otherwise. */
export const successOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected a success, got ${String(exit.cause)}`)
  return exit.value
}

/** A saved card as Ottu lists it, every documented field present. */
export const cardBody = (fields: Record<string, unknown> = {}) => ({
  brand: "MASTERCARD",
  customer_id: "cust-1",
  cvv_required: false,
  expiry_month: "01",
  expiry_year: "39",
  is_expired: false,
  is_preferred: true,
  name_on_card: "Ali",
  number: "**** 0008",
  pg_code: "credit-card",
  pg_name: "mpgs",
  token: "9923965822244314",
  agreements: ["A123456789"],
  ...fields,
})
