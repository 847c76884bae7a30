/**
 * The sandbox's Keycloak: one realm with its clients and users, its token endpoint
 * (`POST /auth/realms/<realm>/protocol/openid-connect/token`, form-encoded, answering and
 * refusing as Keycloak does), and the check of the `Bearer` tokens it issued, which the API
 * routes accept until they expire.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import { accessToken } from "./ids.ts"
import { json, Reply } from "./reply.ts"
import { constantTimeEqual } from "./request.ts"
import { SandboxEnv } from "./state.ts"

/**
 * The Keycloak realm a sandbox serves tokens for: its name (Ottu's docs use the merchant's
 * domain), its clients (a client with a secret is confidential: it must send the secret, and only
 * it may use the client-credentials grant; one without is public), the users of the password
 * grant, and how long a token lives (default 300 seconds, Keycloak's default).
 *
 * @since 0.1.0
 * @category models
 */
export interface KeycloakOptions {
  readonly realm: string
  readonly clients: ReadonlyArray<{
    readonly clientId: string
    readonly clientSecret?: Redacted.Redacted<string> | undefined
  }>
  readonly users?: ReadonlyArray<{
    readonly username: string
    readonly password: Redacted.Redacted<string>
  }>
  readonly tokenLifetime?: Duration.DurationInput | undefined
}

/** A token the realm issued, and when it expires (epoch milliseconds of the sandbox's clock). */
export interface Issued {
  readonly expiresAt: number
}

/** A realm and the tokens it issued. */
export interface Realm {
  readonly options: KeycloakOptions
  readonly lifetime: Duration.Duration
  readonly tokens: Ref.Ref<HashMap.HashMap<string, Issued>>
}

/** A realm with no token issued yet. */
export const makeRealm = (options: KeycloakOptions): Effect.Effect<Realm> =>
  Effect.map(Ref.make(HashMap.empty<string, Issued>()), (tokens) => ({
    options,
    lifetime: Duration.decode(options.tokenLifetime ?? Duration.seconds(300)),
    tokens,
  }))

/** Keycloak's error answer: `{"error", "error_description"}`. */
const refusal = (status: number, error: string, description: string): Reply =>
  new Reply({ status, body: { error, error_description: description } })

const invalidClient = refusal(401, "invalid_client", "Invalid client or Invalid client credentials")

const matches = (given: string | null, secret: Redacted.Redacted<string>): boolean =>
  given !== null && constantTimeEqual(given, Redacted.value(secret))

/** The form of the request: Keycloak reads form parameters only, whatever else is sent. */
const formOf = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase()
  return mediaType === "application/x-www-form-urlencoded"
    ? Effect.map(request.text, (text) => new URLSearchParams(text))
    : Effect.succeed(new URLSearchParams())
}).pipe(Effect.mapError(() => refusal(400, "invalid_request", "The request could not be read")))

/** Checks the form's grant against the realm; a refusal as Keycloak answers it otherwise. */
const grant = (realm: Realm, form: URLSearchParams): Effect.Effect<void, Reply> => {
  const grantType = form.get("grant_type")
  if (grantType === null) {
    return Effect.fail(refusal(400, "invalid_request", "Missing form parameter: grant_type"))
  }
  const client = realm.options.clients.find((c) => c.clientId === form.get("client_id"))
  if (client === undefined) return Effect.fail(invalidClient)
  const secret = client.clientSecret
  if (secret !== undefined && !matches(form.get("client_secret"), secret)) {
    return Effect.fail(invalidClient)
  }
  switch (grantType) {
    case "password": {
      const username = form.get("username")
      if (username === null) {
        return Effect.fail(refusal(401, "invalid_request", "Missing parameter: username"))
      }
      const user = realm.options.users?.find((u) => u.username === username)
      return user !== undefined && matches(form.get("password"), user.password)
        ? Effect.void
        : Effect.fail(refusal(401, "invalid_grant", "Invalid user credentials"))
    }
    case "client_credentials":
      return secret === undefined
        ? Effect.fail(
            refusal(
              401,
              "unauthorized_client",
              "Public client not allowed to retrieve service account",
            ),
          )
        : Effect.void
    default:
      return Effect.fail(refusal(400, "unsupported_grant_type", "Unsupported grant_type"))
  }
}

/**
 * `POST /auth/realms/:realm/protocol/openid-connect/token`: 404 for a realm the sandbox does
 * not serve, 405 for another method, Keycloak's refusals for a bad grant, and a new token with
 * Keycloak's answer fields otherwise.
 */
export const issueToken: Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  Reply,
  SandboxEnv | HttpServerRequest.HttpServerRequest | HttpRouter.RouteContext
> = Effect.gen(function* () {
  const { keycloak } = yield* SandboxEnv
  const { realm: name = "" } = yield* HttpRouter.params
  if (keycloak === undefined || keycloak.options.realm !== name) {
    return yield* refusal(404, "Realm does not exist", "Realm does not exist")
  }
  const request = yield* HttpServerRequest.HttpServerRequest
  if (request.method !== "POST") {
    return yield* new Reply({
      status: 405,
      body: { error: "HTTP 405 Method Not Allowed" },
      headers: { allow: "POST, OPTIONS" },
    })
  }
  yield* grant(keycloak, yield* formOf)
  const token = accessToken()
  const now = yield* Clock.currentTimeMillis
  const lifetime = Duration.toMillis(keycloak.lifetime)
  // Tokens expired for a whole lifetime are forgotten (a later use is "Invalid token.").
  yield* Ref.update(keycloak.tokens, (tokens) =>
    HashMap.set(
      HashMap.filter(tokens, (issued) => issued.expiresAt + lifetime > now),
      token,
      { expiresAt: now + lifetime },
    ),
  )
  return json(200, {
    access_token: token,
    expires_in: Math.floor(Duration.toSeconds(keycloak.lifetime)),
    refresh_expires_in: 0,
    token_type: "Bearer",
    "not-before-policy": 0,
    scope: "profile email",
  })
})
