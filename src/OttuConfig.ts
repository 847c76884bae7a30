/**
 * The connection settings every Ottu call needs: which merchant instance, which credentials,
 * the default customer, the environment and the timeout.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { Url } from "./internal/primitives.ts"
import { makeAuthenticator } from "./OttuAuth/authenticator.ts"
import * as OttuAuth from "./OttuAuth.ts"
import type { OttuAuthError } from "./OttuError.ts"
import * as RequestOptions from "./RequestOptions.ts"

/**
 * Which kind of gateways Ottu should list and use for the environment-scoped endpoints (payment
 * methods and saved cards send it as their `type` field).
 *
 * @since 0.1.0
 * @category models
 */
export type Environment = "sandbox" | "production"

/**
 * What the caller gives to build an {@link OttuConfig}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The merchant's Ottu host name, without scheme, port or path: `merchant.id.ottu.dev`. Labels
   * of letters, digits and hyphens separated by dots; anything else is refused (see
   * {@link checkMerchantId}). To reach another port or a proxy, set `baseUrl`.
   */
  readonly merchantId: string
  /** The credentials sent with every request. */
  readonly auth: OttuAuth.OttuAuth
  /** The default customer, used by checkout create and the saved-card calls when none is given. */
  readonly customerId?: string | undefined
  /** Defaults to `"sandbox"`, as in ottu-py's client. Set `"production"` for live gateways. */
  readonly environment?: Environment | undefined
  /**
   * Overrides `https://<merchantId>` (a proxy, a local sandbox, tests): an absolute http(s) URL,
   * optionally with a port and a path, without user info (`user:pass@`), query or fragment (see
   * {@link checkBaseUrl}). No trailing slash needed.
   */
  readonly baseUrl?: string | undefined
  /**
   * The default `webhook_url` of checkout creates and replacements that do not give one: an
   * absolute http(s) URL (ottu-py's `webhook_url` setting).
   */
  readonly webhookUrl?: string | undefined
  /** The time one call may take, from sending to the last byte of the body. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * The retry settings of every call made with this layer: `false` turns retries off, an object
   * overrides some of the defaults (2 retries, backoff from 500 ms to 5 s, `Retry-After` up to
   * 30 s). Only idempotent calls are ever retried; `RequestOptions.withRequestOptions` overrides
   * this per call.
   */
  readonly retry?: false | RequestOptions.RetryOptions | undefined
}

/**
 * What one call is sent with: its authentication headers (`Authorization`, and `X-Service-ID`
 * for Keycloak's client-credentials grant), kept redacted, and, for renewable credentials, the
 * effect that drops them once Ottu has refused them (401), so that the next call gets new ones.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly headers: Redacted.Redacted<Readonly<Record<string, string>>>
  readonly refused: Effect.Effect<void> | undefined
}

/**
 * Gives every call of one `OttuConfig` layer its credentials: the fixed header of an API key,
 * Basic or a token, or the layer's one Keycloak access token (fetched through the call's
 * `HttpClient`, shared by concurrent calls, renewed before it expires and after a 401).
 * `renewable` is true for Keycloak.
 *
 * @since 0.1.0
 * @category models
 */
export interface Authenticator {
  readonly renewable: boolean
  readonly credentials: Effect.Effect<Credentials, OttuAuthError, HttpClient.HttpClient>
}

/**
 * The resolved settings held by the {@link OttuConfig} service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly merchantId: string
  readonly auth: OttuAuth.OttuAuth
  readonly customerId: string | undefined
  readonly environment: Environment
  readonly baseUrl: string
  /** The default `webhook_url` of checkout creates and replacements. */
  readonly webhookUrl: string | undefined
  readonly timeout: Duration.Duration
  /** The retry settings of the layer, before per-call overrides. */
  readonly retry: RequestOptions.RetryPolicy
  /**
   * The credentials of each call: the fixed header, computed once and kept redacted, or the
   * layer's one Keycloak token (shared by every call made with this layer).
   */
  readonly authenticator: Authenticator
}

const ConfigBase: Context.TagClass<OttuConfig, "effect-ottu/OttuConfig/OttuConfig", Service> =
  Context.Tag("effect-ottu/OttuConfig/OttuConfig")<OttuConfig, Service>()

/**
 * The service every Ottu operation requires.
 *
 * @since 0.1.0
 * @category tags
 */
export class OttuConfig extends ConfigBase {}

/**
 * The default time one call may take (ottu-py's `default_timeout`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/** A host name: labels of letters, digits and inner hyphens, separated by dots. */
const hostName =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/**
 * Why `merchantId` cannot be used, or `undefined` when it is a host name: labels of letters,
 * digits and hyphens (not at either end) separated by dots, at most 253 characters. No scheme,
 * port, path, user info, `?`, `#`, `\\` or space: any of them could send the `Authorization`
 * header to another host than the merchant's (`merchant.ottu.dev@evil.example`). A port or a
 * proxy goes in `baseUrl`.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkMerchantId = (merchantId: string): string | undefined =>
  hostName.test(merchantId)
    ? undefined
    : "must be a host name such as merchant.id.ottu.dev (no scheme, port, path or user info)"

/** Scheme, then an authority without user info, then an optional path: no query, no fragment. */
const baseUrlShape = /^https?:\/\/[^\s/?#\\@]+(?:\/[^\s?#\\]*)?$/i

/**
 * Why `baseUrl` cannot be used, or `undefined` when it is an absolute `http` or `https` URL with
 * a host, an optional port and path, and no user info (`user:pass@`), query, fragment,
 * backslash or whitespace.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkBaseUrl = (baseUrl: string): string | undefined =>
  baseUrlShape.test(baseUrl) && URL.canParse(baseUrl) && new URL(baseUrl).hostname !== ""
    ? undefined
    : "must be an absolute http(s) URL without user info, query or fragment, such as https://proxy.example/ottu"

const isUrl = Schema.is(Url)

/**
 * Why `webhookUrl` cannot be used, or `undefined` when it is an absolute http(s) URL that
 * Ottu's `webhook_url` accepts.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkWebhookUrl = (webhookUrl: string): string | undefined =>
  isUrl(webhookUrl) && URL.canParse(webhookUrl) ? undefined : "must be an absolute http(s) URL"

/** The Keycloak credentials' problem as a `ConfigError` naming `auth.<option>`. */
const checkedAuth = (auth: OttuAuth.OttuAuth): Effect.Effect<void, ConfigError.ConfigError> => {
  const found = OttuAuth.checkKeycloak(auth)
  if (found !== undefined) {
    return Effect.fail(
      ConfigError.InvalidData(["auth", found.option], `${found.option} ${found.problem}`),
    )
  }
  const host =
    auth._tag === "KeycloakPassword" || auth._tag === "KeycloakClient" ? auth.host : undefined
  const problem = host === undefined ? undefined : checkMerchantId(host)
  return problem === undefined
    ? Effect.void
    : Effect.fail(ConfigError.InvalidData(["auth", "host"], `host ${problem}`))
}

/** The option's problem as the `ConfigError` both layers fail with, naming the option. */
const checked = (
  option: "merchantId" | "baseUrl" | "webhookUrl",
  value: string | undefined,
  check: (value: string) => string | undefined,
): Effect.Effect<void, ConfigError.ConfigError> => {
  const problem = value === undefined ? undefined : check(value)
  return problem === undefined
    ? Effect.void
    : Effect.fail(ConfigError.InvalidData([option], `${option} ${problem}`))
}

/**
 * Checks the options and resolves them into the service value: base URL `https://<merchantId>`
 * unless overridden, environment `"sandbox"`, a 30 second timeout and the default retry settings
 * unless given. As in ottu-py, an empty `baseUrl`, `customerId` or `webhookUrl` counts as not
 * given, and a zero timeout falls back to 30 seconds.
 *
 * **Details:** a `merchantId` that is not a host name, or a `baseUrl` or `webhookUrl` that is
 * not an absolute http(s) URL of the accepted shape, fails with a `ConfigError.InvalidData`
 * whose path names the option (see {@link checkMerchantId}, {@link checkBaseUrl},
 * {@link checkWebhookUrl}): the credentials are never sent to a host the caller did not mean.
 * Keycloak credentials are checked too (`auth.realm`, `auth.clientId`, `auth.username`,
 * `auth.host`: see `OttuAuth.checkKeycloak`); their token comes from `https://<host>`, or from
 * the origin of the base URL when they name no host.
 *
 * **Gotcha:** each value made here (each build of {@link layer}) holds its own Keycloak token.
 * Provide the layer once to the whole program, not to each call, or every call asks Keycloak.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function* () {
    const baseUrl = options.baseUrl || undefined
    const webhookUrl = options.webhookUrl || undefined
    yield* checked("merchantId", options.merchantId, checkMerchantId)
    yield* checked("baseUrl", baseUrl, checkBaseUrl)
    yield* checked("webhookUrl", webhookUrl, checkWebhookUrl)
    yield* checkedAuth(options.auth)
    const given = options.timeout === undefined ? Duration.zero : Duration.decode(options.timeout)
    const timeout = Duration.greaterThan(given, Duration.zero) ? given : defaultTimeout
    const base = (baseUrl ?? `https://${options.merchantId}`).replace(/\/+$/, "")
    return {
      merchantId: options.merchantId,
      auth: options.auth,
      customerId: options.customerId || undefined,
      environment: options.environment ?? "sandbox",
      baseUrl: base,
      webhookUrl,
      timeout,
      retry: RequestOptions.retryPolicy(RequestOptions.defaultRetryPolicy, options.retry),
      authenticator: yield* makeAuthenticator(options.auth, {
        origin: new URL(base).origin,
        timeout,
      }),
    }
  })

/**
 * A layer holding the given settings, checked by {@link make}: it fails with a
 * `ConfigError.InvalidData` naming the option when `merchantId`, `baseUrl` or `webhookUrl` is
 * malformed, like {@link layerConfig} names the variable.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { OttuAuth, OttuConfig } from "effect-ottu"
 *
 * const OttuLive = OttuConfig.layer({
 *   merchantId: "merchant.id.ottu.dev",
 *   auth: OttuAuth.apiKey(Redacted.make("my-private-key")),
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<OttuConfig, ConfigError.ConfigError> =>
  Layer.effect(OttuConfig, make(options))

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.option(config).pipe(Config.map(Option.getOrUndefined))

const fixedAuthConfig: Config.Config<OttuAuth.OttuAuth> = Config.redacted("OTTU_API_KEY").pipe(
  Config.map(OttuAuth.apiKey),
  Config.orElse(() =>
    Config.all([Config.string("OTTU_USERNAME"), Config.redacted("OTTU_PASSWORD")]).pipe(
      Config.map(([username, password]) => OttuAuth.basic(username, password)),
    ),
  ),
)

/** The variable of each Keycloak option, for the errors that name it. */
const keycloakVariables = {
  realm: "OTTU_KEYCLOAK_REALM",
  clientId: "OTTU_KEYCLOAK_CLIENT_ID",
  username: "OTTU_KEYCLOAK_USERNAME",
  clientSecret: "OTTU_KEYCLOAK_CLIENT_SECRET",
  host: "OTTU_KEYCLOAK_HOST",
} as const

/** An optional secret variable; empty means not given. */
const optionalSecret = (name: string): Config.Config<Redacted.Redacted<string> | undefined> =>
  optional(Config.redacted(name)).pipe(
    Config.map((value) =>
      value === undefined || Redacted.value(value) === "" ? undefined : value,
    ),
  )

/**
 * Keycloak credentials from `OTTU_KEYCLOAK_*`: the password grant when `OTTU_KEYCLOAK_USERNAME`
 * is set (with `OTTU_KEYCLOAK_PASSWORD`), the client-credentials grant otherwise (with
 * `OTTU_KEYCLOAK_CLIENT_SECRET`). Set together with `OTTU_API_KEY` or `OTTU_USERNAME`, they are
 * refused: which credentials a payment is sent with must not depend on an order of precedence.
 */
const keycloakAuthConfig: Config.Config<OttuAuth.OttuAuth> = Config.all({
  realm: Config.string(keycloakVariables.realm),
  clientId: Config.string(keycloakVariables.clientId),
  clientSecret: optionalSecret("OTTU_KEYCLOAK_CLIENT_SECRET"),
  username: optional(Config.string(keycloakVariables.username)),
  password: optionalSecret("OTTU_KEYCLOAK_PASSWORD"),
  host: optional(Config.string(keycloakVariables.host)),
  apiKey: optional(Config.string("OTTU_API_KEY")),
  basicUser: optional(Config.string("OTTU_USERNAME")),
}).pipe(
  Config.mapOrFail(({ apiKey, basicUser, clientSecret, password, username, ...rest }) => {
    if (apiKey !== undefined || basicUser !== undefined) {
      const other = apiKey !== undefined ? "OTTU_API_KEY" : "OTTU_USERNAME"
      return Either.left(
        ConfigError.InvalidData(
          [keycloakVariables.realm],
          `OTTU_KEYCLOAK_REALM and ${other} are both set: set one way of authenticating`,
        ),
      )
    }
    const auth =
      username !== undefined
        ? password === undefined
          ? undefined
          : OttuAuth.keycloakPassword({ ...rest, username, password, clientSecret })
        : clientSecret === undefined
          ? undefined
          : OttuAuth.keycloakClient({ ...rest, clientSecret })
    if (auth === undefined) {
      const missing =
        username !== undefined ? "OTTU_KEYCLOAK_PASSWORD" : "OTTU_KEYCLOAK_CLIENT_SECRET"
      return Either.left(
        ConfigError.MissingData([missing], `Expected ${missing} to exist in the environment`),
      )
    }
    const found = OttuAuth.checkKeycloak(auth)
    const hostProblem = rest.host === undefined ? undefined : checkMerchantId(rest.host)
    if (found !== undefined) {
      const variable = keycloakVariables[found.option]
      return Either.left(ConfigError.InvalidData([variable], `${variable} ${found.problem}`))
    }
    if (hostProblem !== undefined) {
      return Either.left(
        ConfigError.InvalidData([keycloakVariables.host], `OTTU_KEYCLOAK_HOST ${hostProblem}`),
      )
    }
    return Either.right(auth)
  }),
)

/** Keycloak when `OTTU_KEYCLOAK_REALM` is set, the API key or Basic credentials otherwise. */
const authConfig: Config.Config<OttuAuth.OttuAuth> = keycloakAuthConfig.pipe(
  Config.orElseIf({
    if: (error) =>
      ConfigError.reduceWithContext(error, undefined, {
        andCase: (_, left, right) => left === true || right === true,
        orCase: (_, left, right) => left === true || right === true,
        missingDataCase: (_, path) => path.join(".") === keycloakVariables.realm,
        invalidDataCase: () => false,
        sourceUnavailableCase: () => false,
        unsupportedCase: () => false,
      }) === true,
    orElse: () => fixedAuthConfig,
  }),
)

/** An optional string variable, checked when set and not empty; empty means not given. */
const optionalChecked = (
  name: string,
  check: (value: string) => string | undefined,
): Config.Config<string | undefined> =>
  optional(
    Config.string(name).pipe(
      Config.validate({
        message: `${name} ${check("") ?? "is malformed"}`,
        validation: (value) => value === "" || check(value) === undefined,
      }),
    ),
  ).pipe(Config.map((value) => value || undefined))

/**
 * Each option, read from its environment variable. `retry` has no variable.
 */
const fields = {
  merchantId: Config.string("OTTU_MERCHANT_ID").pipe(
    Config.validate({
      message: `OTTU_MERCHANT_ID ${checkMerchantId("")}`,
      validation: (value) => checkMerchantId(value) === undefined,
    }),
  ),
  auth: authConfig,
  customerId: optional(Config.string("OTTU_CUSTOMER_ID")),
  environment: optional(Config.literal("sandbox", "production")("OTTU_ENVIRONMENT")),
  baseUrl: optionalChecked("OTTU_BASE_URL", checkBaseUrl),
  webhookUrl: optionalChecked("OTTU_WEBHOOK_URL", checkWebhookUrl),
  timeout: optional(Config.duration("OTTU_TIMEOUT")),
} satisfies { readonly [K in keyof Options]?: Config.Config<Options[K]> }

/**
 * The settings read from the environment through effect's `Config`: `OTTU_MERCHANT_ID`,
 * the credentials (below), `OTTU_CUSTOMER_ID`, `OTTU_ENVIRONMENT` (`sandbox` | `production`),
 * `OTTU_BASE_URL`, `OTTU_WEBHOOK_URL` and `OTTU_TIMEOUT` (a duration such as `10 seconds`).
 * Secrets are read as `Redacted`. An empty `OTTU_BASE_URL`, `OTTU_CUSTOMER_ID` or
 * `OTTU_WEBHOOK_URL` counts as not set; a malformed `OTTU_MERCHANT_ID`, `OTTU_BASE_URL` or
 * `OTTU_WEBHOOK_URL` fails with a `ConfigError` naming it.
 *
 * **Credentials:** Keycloak when `OTTU_KEYCLOAK_REALM` is set: `OTTU_KEYCLOAK_CLIENT_ID`, and
 * either `OTTU_KEYCLOAK_USERNAME` with `OTTU_KEYCLOAK_PASSWORD` (password grant, with
 * `OTTU_KEYCLOAK_CLIENT_SECRET` when the client has one) or `OTTU_KEYCLOAK_CLIENT_SECRET` alone
 * (client-credentials grant); `OTTU_KEYCLOAK_HOST` names Keycloak's host when it is not Ottu's.
 * Otherwise `OTTU_API_KEY`, or `OTTU_USERNAME` with `OTTU_PASSWORD` (the API key wins when both
 * are set). Keycloak variables set together with `OTTU_API_KEY` or `OTTU_USERNAME` are a
 * `ConfigError`: there is no silent order between a token and a key.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all(fields)

/**
 * Per-option replacements of the environment variables read by {@link layerConfig}: each is a
 * `Config` of the option's value, such as `Config.succeed("5 seconds")` for `timeout` or
 * `Config.redacted("MY_KEY").pipe(Config.map(OttuAuth.apiKey))` for `auth`.
 *
 * @since 0.1.0
 * @category models
 */
export type ConfigOverrides = {
  readonly [K in keyof Options]?: Config.Config<Options[K]> | undefined
}

/**
 * A layer built from the environment (see {@link config}), with any option replaced by the
 * `Config` given for it (as `@effect/ai-openai`'s `OpenAiClient.layerConfig`); options not given
 * are read from their variables as usual. Fails with a `ConfigError` naming the missing or
 * malformed variable (or the option, for a malformed value given in `overrides`).
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import { OttuConfig } from "effect-ottu"
 *
 * const OttuLive = OttuConfig.layerConfig({
 *   merchantId: Config.string("MY_OTTU_HOST"),
 *   timeout: Config.succeed("5 seconds"),
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides?: ConfigOverrides,
): Layer.Layer<OttuConfig, ConfigError.ConfigError> => {
  const given = Object.fromEntries(
    Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined),
  )
  const all = Config.all({ ...fields, ...given }) as Config.Config<Options>
  return Layer.effect(OttuConfig, Effect.flatMap(all, make))
}
