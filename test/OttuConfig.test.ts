import { readFileSync } from "node:fs"
import type { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig, PaymentMethods } from "../src/index.ts"
import { version } from "../src/internal/version.ts"
import { makeRecorder } from "./support/recording.ts"
import { apiKey, failureOf, sessionBody, successOf } from "./support/setup.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"

const withEnv =
  (env: Record<string, string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(Object.entries(env))))

/** The service `layerConfig()` builds from `env`. */
const resolve = (env: Record<string, string>) =>
  Effect.exit(OttuConfig.OttuConfig.pipe(Effect.provide(OttuConfig.layerConfig()), withEnv(env)))

/** Runs `effect` on `layerConfig()` read from `env` and a recorder answering `reply`. */
const recordedWithEnv = <A, E>(
  env: Record<string, string>,
  effect: Effect.Effect<A, E, OttuConfig.OttuConfig | HttpClient.HttpClient>,
  reply: { readonly status: number; readonly json: unknown },
) =>
  Effect.gen(function* () {
    const recorder = yield* makeRecorder(() => reply)
    const exit = yield* Effect.exit(
      effect.pipe(
        Effect.provide(Layer.merge(OttuConfig.layerConfig(), recorder.layer)),
        withEnv(env),
      ),
    )
    return { exit, requests: yield* recorder.requests }
  })

describe("OttuConfig.make and layer", () => {
  const auth = OttuAuth.apiKey(Redacted.make(apiKey))

  it("derives the base URL from the merchant id and applies the defaults", () => {
    const config = OttuConfig.make({ merchantId: "merchant.id.ottu.dev", auth })
    expect(config.merchantId).toBe("merchant.id.ottu.dev")
    expect(config.baseUrl).toBe("https://merchant.id.ottu.dev")
    expect(config.environment).toBe("sandbox")
    expect(Duration.toMillis(config.timeout)).toBe(30_000)
    expect(config.customerId).toBeUndefined()
    expect(Redacted.value(config.authorization)).toBe(`Api-Key ${apiKey}`)
    expect(String(config.authorization)).not.toContain(apiKey)
  })

  it("removes the trailing slashes of an overriding base URL and keeps the given values", () => {
    const config = OttuConfig.make({
      merchantId: "merchant.id.ottu.dev",
      auth,
      baseUrl: "http://127.0.0.1:4010/",
      customerId: "cust-2",
      environment: "production",
      timeout: "5 seconds",
    })
    expect(config.baseUrl).toBe("http://127.0.0.1:4010")
    expect(
      OttuConfig.make({ merchantId: "m", auth, baseUrl: "https://proxy.test/ottu//" }).baseUrl,
    ).toBe("https://proxy.test/ottu")
    expect(config.customerId).toBe("cust-2")
    expect(config.environment).toBe("production")
    expect(Duration.toMillis(config.timeout)).toBe(5_000)
  })

  it("treats an empty base URL or customer as not given and a zero timeout as the default", () => {
    const config = OttuConfig.make({
      merchantId: "merchant.id.ottu.dev",
      auth,
      baseUrl: "",
      customerId: "",
      timeout: 0,
    })
    expect(config.baseUrl).toBe("https://merchant.id.ottu.dev")
    expect(config.customerId).toBeUndefined()
    expect(Duration.toMillis(config.timeout)).toBe(30_000)
  })

  it.effect("layer provides the resolved service", () =>
    Effect.gen(function* () {
      const config = yield* OttuConfig.OttuConfig
      expect(config.baseUrl).toBe("https://merchant.id.ottu.dev")
      expect(config.environment).toBe("sandbox")
      expect(Duration.toMillis(config.timeout)).toBe(30_000)
      expect(Duration.toMillis(OttuConfig.defaultTimeout)).toBe(30_000)
    }).pipe(Effect.provide(OttuConfig.layer({ merchantId: "merchant.id.ottu.dev", auth }))),
  )
})

describe("OttuConfig.layerConfig", () => {
  it.effect("reads an API key and sends it as Api-Key", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* recordedWithEnv(
        { OTTU_MERCHANT_ID: "env.ottu.test", OTTU_API_KEY: "sk_env_key" },
        Checkout.retrieve(id),
        { status: 200, json: sessionBody() },
      )
      expect(successOf(exit).session_id).toBe(id)
      expect(requests).toHaveLength(1)
      expect(requests[0]?.url.href).toBe(`https://env.ottu.test/b/checkout/v1/pymt-txn/${id}/`)
      expect(requests[0]?.headers.authorization).toBe("Api-Key sk_env_key")
    }),
  )

  it.effect("reads username and password and sends Basic credentials", () =>
    Effect.gen(function* () {
      const { requests } = yield* recordedWithEnv(
        { OTTU_MERCHANT_ID: "env.ottu.test", OTTU_USERNAME: "ali", OTTU_PASSWORD: "p@ss:w0rd" },
        Checkout.retrieve(id),
        { status: 200, json: sessionBody() },
      )
      expect(requests[0]?.headers.authorization).toBe(`Basic ${btoa("ali:p@ss:w0rd")}`)
    }),
  )

  it.effect("keeps the secrets redacted in the service", () =>
    Effect.gen(function* () {
      const config = successOf(
        yield* resolve({ OTTU_MERCHANT_ID: "env.ottu.test", OTTU_API_KEY: "sk_env_key" }),
      )
      expect(config.auth._tag).toBe("ApiKey")
      expect(String(config.authorization)).not.toContain("sk_env_key")
      expect(JSON.stringify(config)).not.toContain("sk_env_key")
    }),
  )

  it.effect("fails with a ConfigError naming the credentials when none are set", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* resolve({ OTTU_MERCHANT_ID: "env.ottu.test" }))
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(ConfigError.isMissingDataOnly(error)).toBe(true)
      expect(String(error)).toContain("OTTU_API_KEY")
      expect(String(error)).toContain("OTTU_USERNAME")
    }),
  )

  it.effect("fails with a ConfigError naming OTTU_PASSWORD when only the username is set", () =>
    Effect.gen(function* () {
      const error = failureOf(
        yield* resolve({ OTTU_MERCHANT_ID: "env.ottu.test", OTTU_USERNAME: "ali" }),
      )
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain("OTTU_PASSWORD")
    }),
  )

  it.effect("fails with a ConfigError naming OTTU_MERCHANT_ID when it is missing", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* resolve({ OTTU_API_KEY: "sk_env_key" }))
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain("OTTU_MERCHANT_ID")
    }),
  )

  it.effect("applies the defaults when only the required variables are set", () =>
    Effect.gen(function* () {
      const config = successOf(
        yield* resolve({ OTTU_MERCHANT_ID: "env.ottu.test", OTTU_API_KEY: "sk_env_key" }),
      )
      expect(config.baseUrl).toBe("https://env.ottu.test")
      expect(config.environment).toBe("sandbox")
      expect(config.customerId).toBeUndefined()
      expect(Duration.toMillis(config.timeout)).toBe(30_000)
    }),
  )

  it.effect("applies OTTU_ENVIRONMENT, OTTU_BASE_URL, OTTU_CUSTOMER_ID and OTTU_TIMEOUT", () =>
    Effect.gen(function* () {
      const env = {
        OTTU_MERCHANT_ID: "env.ottu.test",
        OTTU_API_KEY: "sk_env_key",
        OTTU_ENVIRONMENT: "production",
        OTTU_BASE_URL: "http://127.0.0.1:4010/",
        OTTU_CUSTOMER_ID: "cust-env",
        OTTU_TIMEOUT: "5 seconds",
      }
      const config = successOf(yield* resolve(env))
      expect(config.environment).toBe("production")
      expect(config.baseUrl).toBe("http://127.0.0.1:4010")
      expect(config.customerId).toBe("cust-env")
      expect(Duration.toMillis(config.timeout)).toBe(5_000)

      const methods = yield* recordedWithEnv(env, PaymentMethods.list({ plugin: "e_commerce" }), {
        status: 200,
        json: { payment_methods: [] },
      })
      expect(methods.requests[0]?.url.href).toBe("http://127.0.0.1:4010/b/pbl/v2/payment-methods/")
      expect(methods.requests[0]?.json).toEqual({ plugin: "e_commerce", type: "production" })

      const created = yield* recordedWithEnv(
        env,
        Checkout.create({
          type: "e_commerce",
          amount: "20.230",
          currency_code: "KWD",
          pg_codes: ["knet"],
        }),
        { status: 201, json: sessionBody() },
      )
      expect(created.requests[0]?.json).toMatchObject({ customer_id: "cust-env" })
    }),
  )

  it.effect("fails on an invalid OTTU_ENVIRONMENT", () =>
    Effect.gen(function* () {
      const error = failureOf(
        yield* resolve({
          OTTU_MERCHANT_ID: "env.ottu.test",
          OTTU_API_KEY: "sk_env_key",
          OTTU_ENVIRONMENT: "staging",
        }),
      )
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(ConfigError.isMissingDataOnly(error)).toBe(false)
      expect(String(error)).toContain("OTTU_ENVIRONMENT")
    }),
  )

  it.effect("fails on an invalid OTTU_TIMEOUT", () =>
    Effect.gen(function* () {
      const error = failureOf(
        yield* resolve({
          OTTU_MERCHANT_ID: "env.ottu.test",
          OTTU_API_KEY: "sk_env_key",
          OTTU_TIMEOUT: "soon",
        }),
      )
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain("OTTU_TIMEOUT")
    }),
  )
})

describe("OttuAuth", () => {
  it("token gives Bearer <token> by default", () => {
    const header = OttuAuth.authorizationHeader(OttuAuth.token(Redacted.make("eyJhbGciOi.jwt")))
    expect(Redacted.value(header)).toBe("Bearer eyJhbGciOi.jwt")
  })

  it("token takes a custom prefix", () => {
    const auth = OttuAuth.token(Redacted.make("eyJhbGciOi.jwt"), { prefix: "JWT" })
    expect(Redacted.value(OttuAuth.authorizationHeader(auth))).toBe("JWT eyJhbGciOi.jwt")
  })

  it("basic encodes username:password in base64", () => {
    const auth = OttuAuth.basic("ali", Redacted.make("p@ss"))
    expect(Redacted.value(OttuAuth.authorizationHeader(auth))).toBe("Basic YWxpOnBAc3M=")
  })

  it("apiKey gives Api-Key <key>", () => {
    const auth = OttuAuth.apiKey(Redacted.make("sk_1"))
    expect(Redacted.value(OttuAuth.authorizationHeader(auth))).toBe("Api-Key sk_1")
  })

  it.effect("a token configuration is sent as the Authorization header", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => ({ status: 200, json: sessionBody() }))
      yield* Checkout.retrieve(id).pipe(
        Effect.provide(
          Layer.merge(
            OttuConfig.layer({
              merchantId: "merchant.ottu.test",
              auth: OttuAuth.token(Redacted.make("sso-token")),
            }),
            recorder.layer,
          ),
        ),
      )
      const requests = yield* recorder.requests
      expect(requests[0]?.headers.authorization).toBe("Bearer sso-token")
    }),
  )
})

describe("version", () => {
  it("equals package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      readonly version: string
    }
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(version).toBe(pkg.version)
  })
})
