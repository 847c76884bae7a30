/**
 * How the SDK authenticates against Ottu: a private API key, HTTP Basic credentials, a bearer
 * token, or a Keycloak access token fetched with the password or the client-credentials grant
 * (ottu-py's `KeycloakPasswordAuth` and `KeycloakClientAuth`). Every secret is a `Redacted` value
 * from the moment it is created until the single place where the request is built.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Encoding from "effect/Encoding"
import * as Redacted from "effect/Redacted"

/**
 * The credentials the SDK sends with every request.
 *
 * @since 0.1.0
 * @category models
 */
export type OttuAuth = Data.TaggedEnum<{
  /** `Authorization: Api-Key <key>`: admin level, server side only. */
  readonly ApiKey: { readonly key: Redacted.Redacted<string> }
  /** `Authorization: Basic base64(username:password)`: permissions per Ottu user. */
  readonly Basic: { readonly username: string; readonly password: Redacted.Redacted<string> }
  /** `Authorization: <prefix> <token>` (prefix `Bearer` by default), for SSO access tokens. */
  readonly Token: { readonly token: Redacted.Redacted<string>; readonly prefix: string }
  /** Keycloak's password grant: `Authorization: Bearer <access_token>`. */
  readonly KeycloakPassword: {
    readonly realm: string
    readonly clientId: string
    readonly username: string
    readonly password: Redacted.Redacted<string>
    readonly clientSecret: Redacted.Redacted<string> | undefined
    readonly host: string | undefined
  }
  /** Keycloak's client-credentials grant: `Authorization: Bearer <access_token>`, `X-Service-ID`. */
  readonly KeycloakClient: {
    readonly realm: string
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    readonly host: string | undefined
  }
}>

/**
 * Credentials sent as they are, the same on every call: an API key, Basic, a ready-made token.
 *
 * @since 0.1.0
 * @category models
 */
export type FixedAuth = Extract<OttuAuth, { readonly _tag: "ApiKey" | "Basic" | "Token" }>

/**
 * Credentials that are exchanged for an access token at Keycloak's token endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export type KeycloakAuth = Extract<
  OttuAuth,
  { readonly _tag: "KeycloakPassword" | "KeycloakClient" }
>

/**
 * Keycloak credentials for the password grant.
 *
 * @since 0.1.0
 * @category models
 */
export type KeycloakPasswordAuth = Data.TaggedEnum.Value<OttuAuth, "KeycloakPassword">

/**
 * Keycloak credentials for the client-credentials grant.
 *
 * @since 0.1.0
 * @category models
 */
export type KeycloakClientAuth = Data.TaggedEnum.Value<OttuAuth, "KeycloakClient">

const { ApiKey, Basic, Token, KeycloakPassword, KeycloakClient } = Data.taggedEnum<OttuAuth>()

/**
 * Authenticates with a private API key (`Authorization: Api-Key <key>`).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { OttuAuth } from "effect-ottu"
 *
 * const auth = OttuAuth.apiKey(Redacted.make("my-private-key"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const apiKey = (key: Redacted.Redacted<string>): FixedAuth => ApiKey({ key })

/**
 * Authenticates with HTTP Basic credentials of an Ottu user. Ottu limits such a user to the
 * permissions it was granted (and does not accept Basic on the saved-cards API).
 *
 * @since 0.1.0
 * @category constructors
 */
export const basic = (username: string, password: Redacted.Redacted<string>): FixedAuth =>
  Basic({ username, password })

/**
 * Authenticates with a ready-made token, sent as `Authorization: <prefix> <token>` (ottu-py's
 * `TokenAuth`, whose default prefix is `Bearer`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const token = (
  value: Redacted.Redacted<string>,
  options?: { readonly prefix?: string },
): FixedAuth => Token({ token: value, prefix: options?.prefix ?? "Bearer" })

/**
 * Authenticates with an access token from Keycloak's password grant (ottu-py's
 * `KeycloakPasswordAuth`): the token is requested from
 * `https://<host>/auth/realms/<realm>/protocol/openid-connect/token` with `grant_type=password`,
 * `client_id`, `username`, `password` (and `client_secret` when given), and every call carries
 * `Authorization: Bearer <access_token>`.
 *
 * **Details:** `host` defaults to the configured Ottu host (the origin of `baseUrl` when one is
 * set). One token per `OttuConfig` layer is shared by every call, renewed before it expires and
 * after Ottu answers 401 (see the README's "Keycloak" section). `realm` must be letters, digits,
 * `.`, `_` and `-` (it goes into the token URL), `clientId` and `username` must not be empty:
 * `OttuConfig.layer` refuses them otherwise with a `ConfigError`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { OttuAuth } from "effect-ottu"
 *
 * const auth = OttuAuth.keycloakPassword({
 *   realm: "merchant.id.ottu.dev",
 *   clientId: "backend",
 *   username: "ali",
 *   password: Redacted.make("the user's password"),
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const keycloakPassword = (options: {
  readonly realm: string
  readonly clientId: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly clientSecret?: Redacted.Redacted<string> | undefined
  readonly host?: string | undefined
}): KeycloakPasswordAuth =>
  KeycloakPassword({
    realm: options.realm,
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clientSecret: options.clientSecret,
    host: options.host || undefined,
  })

/**
 * Authenticates with an access token from Keycloak's client-credentials grant (ottu-py's
 * `KeycloakClientAuth`): the token is requested with `grant_type=client_credentials`,
 * `client_id` and `client_secret`, and every call carries `Authorization: Bearer <access_token>`
 * and `X-Service-ID: <realm>`. Host, sharing and renewal as {@link keycloakPassword}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { OttuAuth } from "effect-ottu"
 *
 * const auth = OttuAuth.keycloakClient({
 *   realm: "merchant.id.ottu.dev",
 *   clientId: "backend",
 *   clientSecret: Redacted.make("the client's secret"),
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const keycloakClient = (options: {
  readonly realm: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly host?: string | undefined
}): KeycloakClientAuth =>
  KeycloakClient({
    realm: options.realm,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    host: options.host || undefined,
  })

/** A Keycloak realm name as it may appear in the token URL and the `X-Service-ID` header. */
const realmShape = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/

/** Printable ASCII without spaces: what a client id may be. */
const clientIdShape = /^[\x21-\x7e]{1,255}$/

/**
 * The first problem of Keycloak credentials, as the option it concerns and what is wrong, or
 * `undefined` when they can be used (fixed credentials always can). `realm` goes into the token
 * URL's path and the `X-Service-ID` header: letters, digits, `.`, `_` and `-`, starting with a
 * letter or digit (so never `..`); `clientId` is printable ASCII without spaces; `username` and
 * the client-credentials grant's `clientSecret` are not empty; `host`, when given, is a bare host
 * name (checked by `OttuConfig`).
 *
 * @since 0.1.0
 * @category validation
 */
export const checkKeycloak = (
  auth: OttuAuth,
):
  | {
      readonly option: "realm" | "clientId" | "username" | "clientSecret"
      readonly problem: string
    }
  | undefined => {
  if (auth._tag !== "KeycloakPassword" && auth._tag !== "KeycloakClient") return undefined
  if (!realmShape.test(auth.realm)) {
    return {
      option: "realm",
      problem: "must be letters, digits, '.', '_' or '-', starting with a letter or digit",
    }
  }
  if (!clientIdShape.test(auth.clientId)) {
    return { option: "clientId", problem: "must be 1 to 255 printable ASCII characters, no spaces" }
  }
  if (auth._tag === "KeycloakPassword" && auth.username === "") {
    return { option: "username", problem: "must not be empty" }
  }
  if (auth._tag === "KeycloakClient" && Redacted.value(auth.clientSecret) === "") {
    return { option: "clientSecret", problem: "must not be empty" }
  }
  return undefined
}

/**
 * The value of the `Authorization` header for fixed credentials, still redacted.
 *
 * @since 0.1.0
 * @category headers
 */
export const authorizationHeader = (auth: FixedAuth): Redacted.Redacted<string> => {
  switch (auth._tag) {
    case "ApiKey":
      return Redacted.make(`Api-Key ${Redacted.value(auth.key)}`)
    case "Basic":
      return Redacted.make(
        `Basic ${Encoding.encodeBase64(`${auth.username}:${Redacted.value(auth.password)}`)}`,
      )
    case "Token":
      return Redacted.make(`${auth.prefix} ${Redacted.value(auth.token)}`.trim())
  }
}
