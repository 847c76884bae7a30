/**
 * Keycloak's token endpoint: its URL, the form of each grant, the request (under the SDK's
 * timeout, outside Ottu's retry policy), and the answer read into an access token, or into an
 * `OttuAuthError` that carries none of the secrets (neither the form nor the answer's body is
 * kept, only Keycloak's `error` and `error_description`).
 *
 * @internal
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { boundedText } from "../internal/body.ts"
import { version } from "../internal/version.ts"
import type { KeycloakAuth } from "../OttuAuth.ts"
import { OttuAuthError } from "../OttuError.ts"

/** An access token and the time (epoch milliseconds) from which it is no longer used. */
export interface Token {
  readonly accessToken: Redacted.Redacted<string>
  readonly renewAt: number
}

/**
 * How long before its `expires_in` runs out a token is replaced: 30 seconds, or half its lifetime
 * when it lives less than a minute. A call that starts with a token then reaches Ottu well before
 * the token expires, even on a slow network.
 */
export const renewalMargin = (lifetime: Duration.Duration): Duration.Duration =>
  Duration.min(Duration.seconds(30), Duration.times(lifetime, 0.5))

/** The path of the realm's token endpoint (the realm is checked by `OttuAuth.checkKeycloak`). */
export const tokenPath = (realm: string): string =>
  `/auth/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`

/** The token endpoint: on `https://<host>` when the credentials name one, on `origin` otherwise. */
export const tokenUrl = (auth: KeycloakAuth, origin: string): string =>
  `${auth.host === undefined ? origin : `https://${auth.host}`}${tokenPath(auth.realm)}`

/** The OAuth 2 grant of the credentials. */
export const grantOf = (auth: KeycloakAuth): "password" | "client_credentials" =>
  auth._tag === "KeycloakPassword" ? "password" : "client_credentials"

/** The form of the token request, in ottu-py's order; `client_secret` only when there is one. */
const formOf = (auth: KeycloakAuth): ReadonlyArray<readonly [string, string]> => {
  const secret: ReadonlyArray<readonly [string, string]> =
    auth.clientSecret === undefined ? [] : [["client_secret", Redacted.value(auth.clientSecret)]]
  return auth._tag === "KeycloakPassword"
    ? [
        ["grant_type", "password"],
        ["client_id", auth.clientId],
        ["username", auth.username],
        ["password", Redacted.value(auth.password)],
        ...secret,
      ]
    : [["grant_type", "client_credentials"], ["client_id", auth.clientId], ...secret]
}

/** What the SDK reads of a token answer: Keycloak sends more (`token_type`, `scope`...). */
const Answer = Schema.Struct({
  access_token: Schema.NonEmptyString,
  expires_in: Schema.Number.pipe(Schema.positive(), Schema.finite()),
})

/** Keycloak's error fields, when its error body has them. */
const Refusal = Schema.Struct({
  error: Schema.optional(Schema.String),
  error_description: Schema.optional(Schema.String),
})

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const decodeAnswer = Schema.decodeUnknownOption(Answer)
const decodeRefusal = Schema.decodeUnknownOption(Refusal)

/**
 * Asks Keycloak for an access token with the credentials' grant, through the context's
 * `HttpClient`, within `timeout` (sending and reading the answer). The token is renewed from
 * `expires_in` minus {@link renewalMargin}, counted from the moment the request was sent. One
 * span, `Ottu.Keycloak.token`, names the realm and the grant only.
 */
export const fetchToken = (
  auth: KeycloakAuth,
  url: string,
  timeout: Duration.Duration,
): Effect.Effect<Token, OttuAuthError, HttpClient.HttpClient> => {
  const grant_type = grantOf(auth)
  const fail = (fields: {
    readonly reason: string
    readonly status?: number
    readonly error?: string | undefined
    readonly error_description?: string | undefined
  }) => Effect.fail(new OttuAuthError({ realm: auth.realm, grant_type, ...fields }))
  const where = { method: "POST", path: tokenPath(auth.realm) }
  return Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const sentAt = yield* Clock.currentTimeMillis
    const request = HttpClientRequest.post(url, {
      headers: { accept: "application/json", "user-agent": `effect-ottu/${version}` },
      body: HttpBody.urlParams(UrlParams.fromInput(formOf(auth))),
    })
    const { status, text } = yield* client.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(boundedText(response, where), (text) => ({ status: response.status, text })),
      ),
      Effect.locally(HttpClient.currentTracerDisabledWhen, constTrue),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => `no answer within ${Duration.format(timeout)}`,
      }),
      Effect.catchAll((error) =>
        fail({
          reason:
            typeof error === "string"
              ? error
              : HttpClientError.isHttpClientError(error)
                ? `the token request failed (${error.reason})`
                : "the answer is too large",
        }),
      ),
    )
    const body = text === "" ? undefined : parseJson(text)
    if (status < 200 || status >= 300) {
      const refusal = decodeRefusal(body)
      return yield* fail({
        reason: `Keycloak answered ${status}`,
        status,
        ...(refusal._tag === "Some" ? refusal.value : {}),
      })
    }
    const answer = decodeAnswer(body)
    if (answer._tag === "None") {
      return yield* fail({
        reason: "the answer has no access_token and positive expires_in",
        status,
      })
    }
    const lifetime = Duration.seconds(answer.value.expires_in)
    return {
      accessToken: Redacted.make(answer.value.access_token),
      renewAt: sentAt + Duration.toMillis(Duration.subtract(lifetime, renewalMargin(lifetime))),
    }
  }).pipe(
    Effect.withSpan("Ottu.Keycloak.token", {
      kind: "client",
      captureStackTrace: false,
      attributes: { "keycloak.realm": auth.realm, "keycloak.grant_type": grant_type },
    }),
  )
}
