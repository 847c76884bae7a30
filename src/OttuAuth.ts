/**
 * How the SDK authenticates against Ottu: a private API key, HTTP Basic credentials or a bearer
 * token. Every secret is a `Redacted` value from the moment it is created until the single place
 * where the `Authorization` header is built.
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
}>

const { ApiKey, Basic, Token } = Data.taggedEnum<OttuAuth>()

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
export const apiKey = (key: Redacted.Redacted<string>): OttuAuth => ApiKey({ key })

/**
 * Authenticates with HTTP Basic credentials of an Ottu user. Ottu limits such a user to the
 * permissions it was granted (and does not accept Basic on the saved-cards API).
 *
 * @since 0.1.0
 * @category constructors
 */
export const basic = (username: string, password: Redacted.Redacted<string>): OttuAuth =>
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
): OttuAuth => Token({ token: value, prefix: options?.prefix ?? "Bearer" })

/**
 * The value of the `Authorization` header for the given credentials, still redacted.
 *
 * @since 0.1.0
 * @category headers
 */
export const authorizationHeader = (auth: OttuAuth): Redacted.Redacted<string> => {
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
