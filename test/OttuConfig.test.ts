import { readFileSync } from "node:fs"
import type { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigError, ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig, PaymentMethods } from "../src/index.ts"
import { version } from "../src/internal/version.ts"
import { makeRecorder } from "./support/recording.ts"
import { apiKey, authorizationOf, failureOf, sessionBody, successOf } from "./support/setup.ts"

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
  const make = (options: OttuConfig.Options) => Effect.runSync(OttuConfig.make(options))

  it("derives the base URL from the merchant id and applies the defaults", () => {
    const config = make({ merchantId: "merchant.id.ottu.dev", auth })
    expect(config.merchantId).toBe("merchant.id.ottu.dev")
    expect(config.baseUrl).toBe("https://merchant.id.ottu.dev")
    expect(config.environment).toBe("sandbox")
    expect(Duration.toMillis(config.timeout)).toBe(30_000)
    expect(config.customerId).toBeUndefined()
    expect(authorizationOf(config)).toBe(`Api-Key ${apiKey}`)
    expect(String(config.authenticator)).not.toContain(apiKey)
  })

  it("removes the trailing slashes of an overriding base URL and keeps the given values", () => {
    const config = make({
      merchantId: "merchant.id.ottu.dev",
      auth,
      baseUrl: "http://127.0.0.1:4010/",
      customerId: "cust-2",
      environment: "production",
      timeout: "5 seconds",
    })
    expect(config.baseUrl).toBe("http://127.0.0.1:4010")
    expect(make({ merchantId: "m", auth, baseUrl: "https://proxy.test/ottu//" }).baseUrl).toBe(
      "https://proxy.test/ottu",
    )
    expect(config.customerId).toBe("cust-2")
    expect(config.environment).toBe("production")
    expect(Duration.toMillis(config.timeout)).toBe(5_000)
  })

  it("treats an empty base URL or customer as not given and a zero timeout as the default", () => {
    const config = make({
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
      expect(String(config.authenticator)).not.toContain("sk_env_key")
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

describe("OttuConfig host and URL checks", () => {
  const auth = OttuAuth.apiKey(Redacted.make(apiKey))
  const made = (options: Partial<OttuConfig.Options>) =>
    Effect.exit(OttuConfig.make({ merchantId: "merchant.ottu.dev", auth, ...options }))

  const badMerchantIds = [
    "merchant.ottu.dev@evil.example",
    "evil.example/",
    "evil.example#merchant.ottu.dev",
    "evil.example?merchant.ottu.dev",
    "evil.example\\merchant.ottu.dev",
    "merchant ottu.dev",
    "https://merchant.ottu.dev",
    "merchant.ottu.dev:8443",
    "merchant.ottu.dev.",
    "-merchant.ottu.dev",
    "merchant..ottu.dev",
    "",
  ]

  it.effect("refuses a merchantId that is not a host name, naming the option", () =>
    Effect.gen(function* () {
      for (const merchantId of badMerchantIds) {
        const error = failureOf(yield* made({ merchantId }))
        expect(ConfigError.isConfigError(error), merchantId).toBe(true)
        expect(ConfigError.isInvalidData(error) && error.path, merchantId).toEqual(["merchantId"])
      }
    }),
  )

  it.effect("accepts host names", () =>
    Effect.gen(function* () {
      for (const merchantId of ["merchant.id.ottu.dev", "m", "pay-1.example.test", "127.0.0.1"]) {
        expect(successOf(yield* made({ merchantId })).baseUrl).toBe(`https://${merchantId}`)
      }
    }),
  )

  it.effect("refuses a baseUrl with user info, a query, a fragment or another scheme", () =>
    Effect.gen(function* () {
      for (const baseUrl of [
        "https://user:pass@proxy.example",
        "https://merchant.ottu.dev@evil.example",
        "https://proxy.example/?x=1",
        "https://proxy.example/ottu#x",
        "https://proxy.example\\@evil.example",
        "ftp://proxy.example",
        "javascript:alert(1)",
        "proxy.example",
        "https:///path",
        "https://proxy example",
      ]) {
        const error = failureOf(yield* made({ baseUrl }))
        expect(ConfigError.isInvalidData(error) && error.path, baseUrl).toEqual(["baseUrl"])
      }
    }),
  )

  it.effect("accepts http(s) base URLs with a port and a path", () =>
    Effect.gen(function* () {
      for (const [baseUrl, resolved] of [
        ["http://127.0.0.1:4010/", "http://127.0.0.1:4010"],
        ["https://proxy.example/ottu//", "https://proxy.example/ottu"],
        ["http://[::1]:4010", "http://[::1]:4010"],
      ] as const) {
        expect(successOf(yield* made({ baseUrl })).baseUrl).toBe(resolved)
      }
    }),
  )

  it.effect("layer fails with the ConfigError and sends nothing", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => ({ status: 200, json: sessionBody() }))
      const exit = yield* Effect.exit(
        Checkout.retrieve(id).pipe(
          Effect.provide(
            Layer.merge(
              OttuConfig.layer({ merchantId: "merchant.ottu.dev@evil.example", auth }),
              recorder.layer,
            ),
          ),
        ),
      )
      expect(ConfigError.isConfigError(failureOf(exit))).toBe(true)
      expect(yield* recorder.requests).toHaveLength(0)
    }),
  )

  it.effect("keeps webhookUrl, refuses one that is not an absolute http(s) URL", () =>
    Effect.gen(function* () {
      const hook = "https://shop.example/ottu/webhook"
      expect(successOf(yield* made({ webhookUrl: hook })).webhookUrl).toBe(hook)
      expect(successOf(yield* made({ webhookUrl: "" })).webhookUrl).toBeUndefined()
      expect(successOf(yield* made({})).webhookUrl).toBeUndefined()
      for (const webhookUrl of ["ftp://shop.example/hook", "javascript:alert(1)", "/hook"]) {
        const error = failureOf(yield* made({ webhookUrl }))
        expect(ConfigError.isInvalidData(error) && error.path, webhookUrl).toEqual(["webhookUrl"])
      }
    }),
  )

  it.effect(
    "layerConfig refuses a malformed OTTU_MERCHANT_ID, OTTU_BASE_URL or OTTU_WEBHOOK_URL",
    () =>
      Effect.gen(function* () {
        const base = { OTTU_MERCHANT_ID: "env.ottu.test", OTTU_API_KEY: "sk_env_key" }
        for (const [name, value] of [
          ["OTTU_MERCHANT_ID", "env.ottu.test@evil.example"],
          ["OTTU_BASE_URL", "https://user:pass@proxy.example"],
          ["OTTU_WEBHOOK_URL", "ftp://shop.example/hook"],
        ] as const) {
          const error = failureOf(yield* resolve({ ...base, [name]: value }))
          expect(ConfigError.isConfigError(error), name).toBe(true)
          expect(ConfigError.isMissingDataOnly(error), name).toBe(false)
          expect(String(error), name).toContain(name)
        }
      }),
  )

  it.effect("layerConfig reads OTTU_WEBHOOK_URL; empty means unset", () =>
    Effect.gen(function* () {
      const base = { OTTU_MERCHANT_ID: "env.ottu.test", OTTU_API_KEY: "sk_env_key" }
      const hook = "https://shop.example/ottu/webhook"
      expect(successOf(yield* resolve({ ...base, OTTU_WEBHOOK_URL: hook })).webhookUrl).toBe(hook)
      expect(successOf(yield* resolve({ ...base, OTTU_WEBHOOK_URL: "" })).webhookUrl).toBe(
        undefined,
      )
      expect(successOf(yield* resolve(base)).webhookUrl).toBeUndefined()
    }),
  )
})

describe("OttuConfig.layerConfig overrides", () => {
  const resolveWith = (env: Record<string, string>, overrides: OttuConfig.ConfigOverrides) =>
    Effect.exit(
      OttuConfig.OttuConfig.pipe(Effect.provide(OttuConfig.layerConfig(overrides)), withEnv(env)),
    )

  it.effect("takes the given Config of a field and reads the others from the environment", () =>
    Effect.gen(function* () {
      const config = successOf(
        yield* resolveWith(
          {
            OTTU_MERCHANT_ID: "env.ottu.test",
            OTTU_API_KEY: "sk_env_key",
            OTTU_TIMEOUT: "9 seconds",
          },
          { merchantId: Config.succeed("given.ottu.test"), timeout: Config.succeed("5 seconds") },
        ),
      )
      expect(config.merchantId).toBe("given.ottu.test")
      expect(config.baseUrl).toBe("https://given.ottu.test")
      expect(Duration.toMillis(config.timeout)).toBe(5_000)
      expect(authorizationOf(config)).toBe("Api-Key sk_env_key")
    }),
  )

  it.effect("needs no variable for a field given, and reads overrides from other names", () =>
    Effect.gen(function* () {
      const config = successOf(
        yield* resolveWith(
          { MY_KEY: "sk_mine" },
          {
            merchantId: Config.succeed("given.ottu.test"),
            auth: Config.redacted("MY_KEY").pipe(Config.map(OttuAuth.apiKey)),
            retry: Config.succeed(false),
            webhookUrl: Config.succeed("https://shop.example/hook"),
          },
        ),
      )
      expect(authorizationOf(config)).toBe("Api-Key sk_mine")
      expect(config.retry.times).toBe(0)
      expect(config.webhookUrl).toBe("https://shop.example/hook")
    }),
  )

  it.effect("checks an overriding value like an option, naming it", () =>
    Effect.gen(function* () {
      const error = failureOf(
        yield* resolveWith(
          { OTTU_API_KEY: "sk_env_key" },
          { merchantId: Config.succeed("given.ottu.test/") },
        ),
      )
      expect(ConfigError.isInvalidData(error) && error.path).toEqual(["merchantId"])
    }),
  )

  it.effect("keeps the exported config reading the environment", () =>
    Effect.gen(function* () {
      const options = yield* OttuConfig.config.pipe(
        withEnv({ OTTU_MERCHANT_ID: "env.ottu.test", OTTU_API_KEY: "sk_env_key" }),
      )
      expect(options.merchantId).toBe("env.ottu.test")
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
