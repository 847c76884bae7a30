import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  Cause,
  ConfigError,
  ConfigProvider,
  Deferred,
  Effect,
  Exit,
  Fiber,
  Inspectable,
  Layer,
  Redacted,
  Ref,
  TestClock,
} from "effect"
import { Checkout, OttuAuth, OttuConfig, OttuSandbox } from "../src/index.ts"
import { makeRecorder, type Recorded, type Reply } from "./support/recording.ts"
import { contractSandbox } from "./support/sandbox.ts"
import {
  configLayer,
  failureOf,
  merchantId,
  minimalCheckout,
  sessionBody,
  successOf,
} from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const realm = merchantId
const clientSecret = "cs-SECRET-Y2xpZW50c2VjcmV0"
const password = "pw-SECRET-dXNlcnBhc3N3b3Jk"
const sessionId = sessionBody().session_id
const tokenPath = `/auth/realms/${realm}/protocol/openid-connect/token`

const clientAuth = OttuAuth.keycloakClient({
  realm,
  clientId: "backend",
  clientSecret: Redacted.make(clientSecret),
})
const passwordAuth = OttuAuth.keycloakPassword({
  realm,
  clientId: "frontend",
  username: "ali",
  password: Redacted.make(password),
})

/** The n-th access token the fake Keycloak issues (1-based). */
const issued = (n: number) => `at-TOKEN-${n}-ZXlKaGJHY2lPaUpT`

const isTokenRequest = (request: Recorded) =>
  request.path.endsWith("/protocol/openid-connect/token")

/**
 * A recorder playing Keycloak (a new token on each token request, living `expiresIn` seconds)
 * and Ottu (`ottu`'s replies, in turn; the last one repeats). `beforeToken` runs before each
 * token answer.
 */
const keycloakAndOttu = (options: {
  readonly ottu?: ReadonlyArray<Reply>
  readonly expiresIn?: number
  readonly token?: Reply
  readonly beforeToken?: Effect.Effect<void>
}) =>
  Effect.gen(function* () {
    const tokens = yield* Ref.make(0)
    const calls = yield* Ref.make(0)
    const replies = options.ottu ?? [{ status: 200, json: sessionBody() }]
    const recorder = yield* makeRecorder((request) =>
      isTokenRequest(request)
        ? Effect.zipRight(
            options.beforeToken ?? Effect.void,
            options.token === undefined
              ? Effect.map(
                  Ref.updateAndGet(tokens, (n) => n + 1),
                  (n) => ({
                    status: 200,
                    json: {
                      access_token: issued(n),
                      expires_in: options.expiresIn ?? 300,
                      refresh_expires_in: 0,
                      token_type: "Bearer",
                      "not-before-policy": 0,
                      scope: "profile email",
                    },
                  }),
                )
              : Effect.succeed(options.token),
          )
        : Effect.map(
            Ref.getAndUpdate(calls, (n) => n + 1),
            (n) => replies[Math.min(n, replies.length - 1)] as Reply,
          ),
    )
    return recorder
  })

/** Provides a configuration with `auth` and the recorder's client. */
const withAuth =
  (auth: OttuAuth.OttuAuth, layer: Layer.Layer<HttpClient.HttpClient>, options = {}) =>
  <A, E>(effect: Effect.Effect<A, E, OttuConfig.OttuConfig | HttpClient.HttpClient>) =>
    Effect.provide(effect, Layer.merge(configLayer({ auth, ...options }), layer))

const bearerOf = (request: Recorded | undefined) => request?.headers.authorization

describe("Keycloak token requests", () => {
  it.effect("client credentials: the form ottu-py sends, then Bearer and X-Service-ID", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({})
      yield* Checkout.retrieve(sessionId).pipe(withAuth(clientAuth, recorder.layer))
      const [token, call, ...rest] = yield* recorder.requests
      expect(rest).toEqual([])
      expect(token?.method).toBe("POST")
      expect(token?.url.href).toBe(`https://${merchantId}${tokenPath}`)
      expect(token?.contentType).toBe("application/x-www-form-urlencoded")
      expect(token?.text).toBe(
        `grant_type=client_credentials&client_id=backend&client_secret=${clientSecret}`,
      )
      expect(token?.headers.authorization).toBeUndefined()
      expect(call?.path).toBe(`/b/checkout/v1/pymt-txn/${sessionId}/`)
      expect(bearerOf(call)).toBe(`Bearer ${issued(1)}`)
      expect(call?.headers["x-service-id"]).toBe(realm)
    }),
  )

  it.effect("password grant: the form with and without a client secret, no X-Service-ID", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({})
      const withSecret = OttuAuth.keycloakPassword({
        realm,
        clientId: "frontend",
        username: "ali@shop.example",
        password: Redacted.make("p&ss=w rd"),
        clientSecret: Redacted.make(clientSecret),
      })
      yield* Checkout.retrieve(sessionId).pipe(withAuth(passwordAuth, recorder.layer))
      yield* Checkout.retrieve(sessionId).pipe(withAuth(withSecret, recorder.layer))
      const [token, call, secondToken] = yield* recorder.requests
      expect(token?.text).toBe(
        `grant_type=password&client_id=frontend&username=ali&password=${password}`,
      )
      expect(bearerOf(call)).toBe(`Bearer ${issued(1)}`)
      expect(call?.headers["x-service-id"]).toBeUndefined()
      expect(secondToken?.text).toBe(
        `grant_type=password&client_id=frontend&username=ali%40shop.example&password=p%26ss%3Dw+rd&client_secret=${clientSecret}`,
      )
    }),
  )

  it.effect("asks the given host, else the origin of the base URL", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({})
      const onHost = OttuAuth.keycloakClient({
        realm,
        clientId: "backend",
        clientSecret: Redacted.make(clientSecret),
        host: "sso.ottu.test",
      })
      yield* Checkout.retrieve(sessionId).pipe(withAuth(onHost, recorder.layer))
      yield* Checkout.retrieve(sessionId).pipe(
        withAuth(clientAuth, recorder.layer, { baseUrl: "http://127.0.0.1:4010/" }),
      )
      const urls = (yield* recorder.requests).map((request) => request.url.href)
      expect(urls).toEqual([
        `https://sso.ottu.test${tokenPath}`,
        `https://${merchantId}/b/checkout/v1/pymt-txn/${sessionId}/`,
        `http://127.0.0.1:4010${tokenPath}`,
        `http://127.0.0.1:4010/b/checkout/v1/pymt-txn/${sessionId}/`,
      ])
    }),
  )
})

describe("Keycloak token sharing and renewal", () => {
  it.effect("twenty calls at once wait for one token request", () =>
    Effect.gen(function* () {
      const arrived = yield* Deferred.make<void>()
      const gate = yield* Deferred.make<void>()
      const recorder = yield* keycloakAndOttu({
        beforeToken: Effect.zipRight(Deferred.succeed(arrived, undefined), Deferred.await(gate)),
      })
      const config = configLayer({ auth: clientAuth })
      const program = Effect.gen(function* () {
        const fibers = yield* Effect.forEach(Array.from({ length: 20 }), () =>
          Effect.fork(Checkout.retrieve(sessionId)),
        )
        yield* Deferred.await(arrived)
        // Every call is waiting (for the token in flight, or for the cache) before it comes.
        yield* Effect.forEach(fibers, Fiber.status).pipe(
          Effect.repeat({
            until: (statuses) => statuses.every((status) => status._tag === "Suspended"),
          }),
        )
        yield* Deferred.succeed(gate, undefined)
        return yield* Fiber.joinAll(fibers)
      })
      yield* program.pipe(Effect.provide(Layer.merge(config, recorder.layer)))
      const requests = yield* recorder.requests
      expect(requests.filter(isTokenRequest)).toHaveLength(1)
      const calls = requests.filter((request) => !isTokenRequest(request))
      expect(calls).toHaveLength(20)
      expect(new Set(calls.map(bearerOf))).toEqual(new Set([`Bearer ${issued(1)}`]))
    }),
  )

  it.effect("renews the token 30 seconds before expires_in runs out, not earlier", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({ expiresIn: 300 })
      const tokenRequests = Effect.map(
        recorder.requests,
        (requests) => requests.filter(isTokenRequest).length,
      )
      const program = Effect.gen(function* () {
        yield* Checkout.retrieve(sessionId)
        yield* TestClock.adjust("269 seconds")
        yield* Checkout.retrieve(sessionId)
        expect(yield* tokenRequests).toBe(1)
        yield* TestClock.adjust("2 seconds")
        yield* Checkout.retrieve(sessionId)
        expect(yield* tokenRequests).toBe(2)
        yield* Checkout.retrieve(sessionId)
        expect(yield* tokenRequests).toBe(2)
      })
      yield* program.pipe(withAuth(clientAuth, recorder.layer))
      const bearers = (yield* recorder.requests).filter((r) => !isTokenRequest(r)).map(bearerOf)
      expect(bearers).toEqual([
        `Bearer ${issued(1)}`,
        `Bearer ${issued(1)}`,
        `Bearer ${issued(2)}`,
        `Bearer ${issued(2)}`,
      ])
    }),
  )

  it.effect("a short-lived token is renewed at half its lifetime", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({ expiresIn: 20 })
      const program = Effect.gen(function* () {
        yield* Checkout.retrieve(sessionId)
        yield* TestClock.adjust("9 seconds")
        yield* Checkout.retrieve(sessionId)
        yield* TestClock.adjust("1 second")
        yield* Checkout.retrieve(sessionId)
      })
      yield* program.pipe(withAuth(clientAuth, recorder.layer))
      expect((yield* recorder.requests).filter(isTokenRequest)).toHaveLength(2)
    }),
  )

  it.effect("after a 401, a safe read is sent once more with a new token", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        ottu: [
          { status: 401, json: { detail: "Invalid token." } },
          { status: 200, json: sessionBody() },
        ],
      })
      const session = yield* Checkout.retrieve(sessionId).pipe(withAuth(clientAuth, recorder.layer))
      expect(session.session_id).toBe(sessionId)
      const requests = yield* recorder.requests
      expect(requests.map((r) => (isTokenRequest(r) ? "token" : bearerOf(r)))).toEqual([
        "token",
        `Bearer ${issued(1)}`,
        "token",
        `Bearer ${issued(2)}`,
      ])
    }),
  )

  it.effect("a safe read refused twice fails with the 401, sent twice only", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        ottu: [{ status: 401, json: { detail: "Invalid token." } }],
      })
      const exit = yield* Effect.exit(
        Checkout.retrieve(sessionId).pipe(withAuth(clientAuth, recorder.layer, { retry: {} })),
      )
      expect(failureOf(exit)._tag).toBe("OttuUnauthorizedError")
      const requests = yield* recorder.requests
      expect(requests.filter((r) => !isTokenRequest(r))).toHaveLength(2)
    }),
  )

  it.effect("after a 401, a never call is not sent again, but the token is dropped", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        ottu: [
          { status: 401, json: { detail: "Invalid token." } },
          { status: 201, json: sessionBody() },
        ],
      })
      const program = Effect.gen(function* () {
        const refused = yield* Effect.exit(Checkout.create(minimalCheckout))
        expect(failureOf(refused)._tag).toBe("OttuUnauthorizedError")
        expect(yield* recorder.requests).toHaveLength(2)
        return yield* Checkout.create(minimalCheckout)
      })
      yield* program.pipe(withAuth(clientAuth, recorder.layer, { retry: {} }))
      const requests = yield* recorder.requests
      expect(requests.map((r) => (isTokenRequest(r) ? "token" : bearerOf(r)))).toEqual([
        "token",
        `Bearer ${issued(1)}`,
        "token",
        `Bearer ${issued(2)}`,
      ])
    }),
  )
})

/** Everything a value can be turned into text by. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  Inspectable.format(value),
  Inspectable.toStringUnknown(value),
]

const expectNone = (texts: ReadonlyArray<string>, secrets: ReadonlyArray<string>) => {
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret)
}

describe("Keycloak failures and secrets", () => {
  it.effect("a refused token request is an OttuAuthError, and nothing is sent to Ottu", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        token: {
          status: 401,
          json: {
            error: "invalid_client",
            error_description: "Invalid client or Invalid client credentials",
          },
        },
      })
      const { exit, spans, lines } = yield* captureTelemetry(
        Checkout.create(minimalCheckout).pipe(
          withAuth(clientAuth, recorder.layer),
          Effect.tapErrorCause((cause) => Effect.logError("checkout failed", cause)),
        ),
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuAuthError")
      if (error._tag !== "OttuAuthError") return
      expect(error.status).toBe(401)
      expect(error.error).toBe("invalid_client")
      expect(error.error_description).toBe("Invalid client or Invalid client credentials")
      expect(error.realm).toBe(realm)
      expect(error.grant_type).toBe("client_credentials")
      expect(error.message).toContain("invalid_client")
      const requests = yield* recorder.requests
      expect(requests.map((r) => r.path)).toEqual([tokenPath])
      // The secret was really sent, so searching for it is not vacuous.
      expect(requests[0]?.text).toContain(clientSecret)
      expect(spans.map((s) => s.name)).toContain("Ottu.Keycloak.token")
      expect(lines.some((line) => line.includes("checkout failed"))).toBe(true)
      expectNone(
        [
          ...renderings(error),
          error.message,
          Cause.pretty(Exit.isFailure(exit) ? exit.cause : Cause.empty),
          ...lines,
          ...spans.flatMap((s) => [...s.attributes.entries()].map(String)),
        ],
        [clientSecret, password],
      )
    }),
  )

  it.effect("a failed token request is not kept: the next call asks again", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        token: { status: 503, text: "Service Unavailable" },
      })
      const program = Effect.gen(function* () {
        const first = failureOf(yield* Effect.exit(Checkout.retrieve(sessionId)))
        expect(first._tag === "OttuAuthError" && first.status).toBe(503)
        yield* Effect.exit(Checkout.retrieve(sessionId))
      })
      yield* program.pipe(withAuth(passwordAuth, recorder.layer))
      expect((yield* recorder.requests).map((r) => r.path)).toEqual([tokenPath, tokenPath])
    }),
  )

  it.effect("an unreadable token answer is an OttuAuthError that keeps none of it", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        token: { status: 200, json: { access_token: issued(9), expires_in: "soon" } },
      })
      const exit = yield* Effect.exit(
        Checkout.retrieve(sessionId).pipe(withAuth(passwordAuth, recorder.layer)),
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuAuthError")
      expectNone([...renderings(error), error.message], [issued(9), password])
    }),
  )

  it.effect("tokens never appear in spans, logs or errors", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({
        ottu: [
          { status: 200, json: sessionBody() },
          { status: 401, json: { detail: "Invalid token." } },
        ],
      })
      const { exit, spans, lines } = yield* captureTelemetry(
        Effect.gen(function* () {
          yield* Checkout.retrieve(sessionId)
          return yield* Checkout.create(minimalCheckout)
        }).pipe(
          withAuth(clientAuth, recorder.layer),
          Effect.tapErrorCause((cause) => Effect.logError("failed", cause)),
        ),
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuUnauthorizedError")
      const sent = (yield* recorder.requests).map(bearerOf)
      expect(sent).toContain(`Bearer ${issued(1)}`)
      const token = spans.find((s) => s.name === "Ottu.Keycloak.token")
      expect(token?.attributes.get("keycloak.realm")).toBe(realm)
      expectNone(
        [
          ...renderings(error),
          Cause.pretty(Exit.isFailure(exit) ? exit.cause : Cause.empty),
          ...lines,
          ...spans.flatMap((s) => [...s.attributes.entries()].map(String)),
          ...spans.flatMap((s) => s.events.map((e) => JSON.stringify(e))),
        ],
        [issued(1), clientSecret],
      )
    }),
  )
})

const withEnv =
  (env: Record<string, string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(Object.entries(env))))

const resolve = (env: Record<string, string>) =>
  Effect.exit(
    OttuConfig.OttuConfig.pipe(
      Effect.provide(OttuConfig.layerConfig()),
      withEnv({ OTTU_MERCHANT_ID: merchantId, ...env }),
    ),
  )

describe("Keycloak configuration", () => {
  const client = {
    OTTU_KEYCLOAK_REALM: realm,
    OTTU_KEYCLOAK_CLIENT_ID: "backend",
    OTTU_KEYCLOAK_CLIENT_SECRET: clientSecret,
  }

  it.effect("layerConfig reads the client-credentials grant from OTTU_KEYCLOAK_*", () =>
    Effect.gen(function* () {
      const config = successOf(yield* resolve({ ...client, OTTU_KEYCLOAK_HOST: "sso.ottu.test" }))
      expect(config.auth).toMatchObject({
        _tag: "KeycloakClient",
        realm,
        clientId: "backend",
        host: "sso.ottu.test",
      })
      expect(
        config.auth._tag === "KeycloakClient" && Redacted.value(config.auth.clientSecret),
      ).toBe(clientSecret)
      expect(config.authenticator.renewable).toBe(true)
      expectNone(renderings(config), [clientSecret])
    }),
  )

  it.effect("layerConfig reads the password grant when OTTU_KEYCLOAK_USERNAME is set", () =>
    Effect.gen(function* () {
      const config = successOf(
        yield* resolve({
          OTTU_KEYCLOAK_REALM: realm,
          OTTU_KEYCLOAK_CLIENT_ID: "frontend",
          OTTU_KEYCLOAK_USERNAME: "ali",
          OTTU_KEYCLOAK_PASSWORD: password,
        }),
      )
      expect(config.auth).toMatchObject({
        _tag: "KeycloakPassword",
        clientId: "frontend",
        username: "ali",
        clientSecret: undefined,
      })
      expectNone(renderings(config), [password])
    }),
  )

  it.effect("a whole flow from layerConfig sends the Bearer token", () =>
    Effect.gen(function* () {
      const recorder = yield* keycloakAndOttu({})
      yield* Checkout.retrieve(sessionId).pipe(
        Effect.provide(Layer.merge(OttuConfig.layerConfig(), recorder.layer)),
        withEnv({ OTTU_MERCHANT_ID: merchantId, ...client }),
      )
      const [token, call] = yield* recorder.requests
      expect(token?.path).toBe(tokenPath)
      expect(bearerOf(call)).toBe(`Bearer ${issued(1)}`)
    }),
  )

  it.effect("Keycloak variables with OTTU_API_KEY or OTTU_USERNAME are a ConfigError", () =>
    Effect.gen(function* () {
      for (const other of [{ OTTU_API_KEY: "sk_1" }, { OTTU_USERNAME: "ali" }]) {
        const error = failureOf(yield* resolve({ ...client, ...other }))
        expect(ConfigError.isConfigError(error)).toBe(true)
        expect(String(error)).toContain(Object.keys(other)[0])
        expect(String(error)).toContain("OTTU_KEYCLOAK_REALM")
      }
    }),
  )

  it.effect("a missing secret or a malformed realm, client id or host is a ConfigError", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
        [{ ...client, OTTU_KEYCLOAK_CLIENT_SECRET: "" }, "OTTU_KEYCLOAK_CLIENT_SECRET"],
        [
          { OTTU_KEYCLOAK_REALM: realm, OTTU_KEYCLOAK_CLIENT_ID: "x" },
          "OTTU_KEYCLOAK_CLIENT_SECRET",
        ],
        [
          { OTTU_KEYCLOAK_REALM: realm, OTTU_KEYCLOAK_CLIENT_ID: "x", OTTU_KEYCLOAK_USERNAME: "a" },
          "OTTU_KEYCLOAK_PASSWORD",
        ],
        [{ OTTU_KEYCLOAK_REALM: realm }, "OTTU_KEYCLOAK_CLIENT_ID"],
        [{ ...client, OTTU_KEYCLOAK_REALM: "../admin" }, "OTTU_KEYCLOAK_REALM"],
        [{ ...client, OTTU_KEYCLOAK_CLIENT_ID: "back end" }, "OTTU_KEYCLOAK_CLIENT_ID"],
        [{ ...client, OTTU_KEYCLOAK_HOST: "sso.ottu.test/evil" }, "OTTU_KEYCLOAK_HOST"],
      ]
      for (const [env, variable] of cases) {
        const error = failureOf(yield* resolve(env))
        expect(ConfigError.isConfigError(error), variable).toBe(true)
        expect(String(error), variable).toContain(variable)
        expectNone([String(error)], [clientSecret])
      }
    }),
  )

  it("OttuConfig.make refuses malformed Keycloak credentials, naming the option", () => {
    const cases = [
      [OttuAuth.keycloakClient({ ...clientAuth, realm: "a/b" }), "realm"],
      [OttuAuth.keycloakClient({ ...clientAuth, realm: ".." }), "realm"],
      [OttuAuth.keycloakClient({ ...clientAuth, clientId: "" }), "clientId"],
      [OttuAuth.keycloakPassword({ ...passwordAuth, username: "" }), "username"],
      [OttuAuth.keycloakClient({ ...clientAuth, host: "sso@evil.example" }), "host"],
    ] as const
    for (const [auth, option] of cases) {
      const exit = Effect.runSyncExit(OttuConfig.make({ merchantId, auth }))
      const error = failureOf(exit)
      expect(ConfigError.isInvalidData(error) && error.path, option).toEqual(["auth", option])
    }
  })
})

describe("Keycloak against the sandbox", () => {
  const keycloak: OttuSandbox.KeycloakOptions = {
    realm: "sandbox.ottu.test",
    clients: [
      { clientId: "backend", clientSecret: Redacted.make(clientSecret) },
      { clientId: "frontend" },
    ],
    users: [{ username: "ali", password: Redacted.make(password) }],
  }
  const sandboxClient = OttuAuth.keycloakClient({
    realm: keycloak.realm,
    clientId: "backend",
    clientSecret: Redacted.make(clientSecret),
  })
  const sandboxUser = OttuAuth.keycloakPassword({
    realm: keycloak.realm,
    clientId: "frontend",
    username: "ali",
    password: Redacted.make(password),
  })
  const onSandbox = (auth: OttuAuth.OttuAuth) =>
    Effect.provide(
      OttuConfig.layer({ merchantId: "sandbox.ottu.test", auth }).pipe(
        Layer.provideMerge(contractSandbox({ keycloak })),
      ),
    )

  it.effect("a checkout is created, paid and read with client credentials", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create({ ...minimalCheckout, customer_phone: "+96550000000" })
      yield* OttuSandbox.pay(session.session_id)
      // Past the token's renewal time: the SDK asks for a new one before the sandbox expires it.
      yield* TestClock.adjust("290 seconds")
      const read = yield* Checkout.retrieve(session.session_id)
      expect(read.state).toBe("paid")
    }).pipe(onSandbox(sandboxClient)),
  )

  it.effect("the password grant works on a public client", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(minimalCheckout)
      expect(session.state).toBe("created")
    }).pipe(onSandbox(sandboxUser)),
  )

  it.effect("wrong credentials are refused as Keycloak refuses them", () =>
    Effect.gen(function* () {
      const attempts = [
        [
          OttuAuth.keycloakClient({ ...sandboxClient, clientSecret: Redacted.make("wrong") }),
          401,
          "invalid_client",
        ],
        [
          OttuAuth.keycloakPassword({ ...sandboxUser, password: Redacted.make("wrong") }),
          401,
          "invalid_grant",
        ],
        [OttuAuth.keycloakClient({ ...sandboxClient, clientId: "nobody" }), 401, "invalid_client"],
        [
          OttuAuth.keycloakClient({ ...sandboxClient, clientId: "frontend" }),
          401,
          "unauthorized_client",
        ],
        [
          OttuAuth.keycloakClient({ ...sandboxClient, realm: "other.realm" }),
          404,
          "Realm does not exist",
        ],
      ] as const
      for (const [auth, status, code] of attempts) {
        const exit = yield* Effect.exit(Checkout.create(minimalCheckout).pipe(onSandbox(auth)))
        const error = failureOf(exit)
        expect(error._tag, code).toBe("OttuAuthError")
        if (error._tag === "OttuAuthError") {
          expect([error.status, error.error]).toEqual([status, code])
        }
      }
    }),
  )

  it.effect("the token endpoint refuses what Keycloak refuses", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const url = `https://sandbox.ottu.test/auth/realms/${keycloak.realm}/protocol/openid-connect/token`
      const send = (request: HttpClientRequest.HttpClientRequest) =>
        Effect.flatMap(client.execute(request), (response) =>
          Effect.map(response.json, (json) => [response.status, json] as const),
        )
      const form = (fields: Record<string, string>) =>
        HttpClientRequest.post(url).pipe(
          HttpClientRequest.bodyText(
            new URLSearchParams(fields).toString(),
            "application/x-www-form-urlencoded",
          ),
        )
      expect(yield* send(form({ client_id: "backend" }))).toEqual([
        400,
        { error: "invalid_request", error_description: "Missing form parameter: grant_type" },
      ])
      expect(
        yield* send(
          HttpClientRequest.post(url).pipe(
            HttpClientRequest.bodyUnsafeJson({ grant_type: "client_credentials" }),
          ),
        ),
      ).toEqual([
        400,
        { error: "invalid_request", error_description: "Missing form parameter: grant_type" },
      ])
      expect(
        yield* send(
          form({
            grant_type: "authorization_code",
            client_id: "backend",
            client_secret: clientSecret,
          }),
        ),
      ).toEqual([
        400,
        { error: "unsupported_grant_type", error_description: "Unsupported grant_type" },
      ])
      expect((yield* send(HttpClientRequest.get(url)))[0]).toBe(405)
      const [status, body] = yield* send(
        form({ grant_type: "password", client_id: "frontend", username: "ali", password }),
      )
      expect(status).toBe(200)
      expect(body).toMatchObject({ token_type: "Bearer", expires_in: 300 })
    }).pipe(Effect.provide(OttuSandbox.layer({ keycloak }))),
  )

  it.effect("the API accepts the tokens it issued until they expire, and no other Bearer", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "backend",
        client_secret: clientSecret,
      })
      const answer = yield* client.execute(
        HttpClientRequest.post(
          `https://sandbox.ottu.test${tokenPath.replace(realm, keycloak.realm)}`,
        ).pipe(HttpClientRequest.bodyText(form.toString(), "application/x-www-form-urlencoded")),
      )
      const body = (yield* answer.json) as Record<string, unknown>
      expect(answer.status).toBe(200)
      expect(body).toMatchObject({ expires_in: 300, token_type: "Bearer" })
      const read = (token: string) =>
        Effect.flatMap(
          client.execute(
            HttpClientRequest.get(
              `https://sandbox.ottu.test/b/checkout/v1/pymt-txn/${sessionId}/`,
            ).pipe(HttpClientRequest.setHeaders({ authorization: `Bearer ${token}` })),
          ),
          (response) => Effect.map(response.json, (json) => [response.status, json] as const),
        )
      const token = String(body.access_token)
      expect((yield* read(token))[0]).toBe(404)
      expect(yield* read("made-up")).toEqual([401, { detail: "Invalid token." }])
      yield* TestClock.adjust("300 seconds")
      expect(yield* read(token)).toEqual([401, { detail: "Token is expired." }])
    }).pipe(Effect.provide(OttuSandbox.layer({ keycloak }))),
  )
})
