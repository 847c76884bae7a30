/**
 * The connection settings every Ottu call needs: which merchant instance, which credentials,
 * the default customer, the environment and the timeout.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as OttuAuth from "./OttuAuth.ts"
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
  /** The merchant's Ottu host, without scheme: `merchant.id.ottu.dev`. */
  readonly merchantId: string
  /** The credentials sent with every request. */
  readonly auth: OttuAuth.OttuAuth
  /** The default customer, used by checkout create and the saved-card calls when none is given. */
  readonly customerId?: string | undefined
  /** Defaults to `"sandbox"`, as in ottu-py's client. Set `"production"` for live gateways. */
  readonly environment?: Environment | undefined
  /** Overrides `https://<merchantId>` (a proxy, a local sandbox, tests). No trailing slash needed. */
  readonly baseUrl?: string | undefined
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
  readonly timeout: Duration.Duration
  /** The retry settings of the layer, before per-call overrides. */
  readonly retry: RequestOptions.RetryPolicy
  /** The `Authorization` header value, computed once and kept redacted. */
  readonly authorization: Redacted.Redacted<string>
}

/**
 * The service every Ottu operation requires.
 *
 * @since 0.1.0
 * @category tags
 */
export class OttuConfig extends Context.Tag("effect-ottu/OttuConfig")<OttuConfig, Service>() {}

/**
 * The default time one call may take (ottu-py's `default_timeout`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * Resolves options into the service value: base URL `https://<merchantId>` unless overridden,
 * environment `"sandbox"`, a 30 second timeout and the default retry settings unless given. As
 * in ottu-py, an empty `baseUrl` or `customerId` counts as not given, and a zero timeout falls
 * back to 30 seconds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Service => {
  const timeout = options.timeout === undefined ? Duration.zero : Duration.decode(options.timeout)
  return {
    merchantId: options.merchantId,
    auth: options.auth,
    customerId: options.customerId || undefined,
    environment: options.environment ?? "sandbox",
    baseUrl: (options.baseUrl || `https://${options.merchantId}`).replace(/\/+$/, ""),
    timeout: Duration.greaterThan(timeout, Duration.zero) ? timeout : defaultTimeout,
    retry: RequestOptions.retryPolicy(RequestOptions.defaultRetryPolicy, options.retry),
    authorization: OttuAuth.authorizationHeader(options.auth),
  }
}

/**
 * A layer holding the given settings.
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
export const layer = (options: Options): Layer.Layer<OttuConfig> =>
  Layer.succeed(OttuConfig, make(options))

const authConfig: Config.Config<OttuAuth.OttuAuth> = Config.redacted("OTTU_API_KEY").pipe(
  Config.map(OttuAuth.apiKey),
  Config.orElse(() =>
    Config.all([Config.string("OTTU_USERNAME"), Config.redacted("OTTU_PASSWORD")]).pipe(
      Config.map(([username, password]) => OttuAuth.basic(username, password)),
    ),
  ),
)

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.option(config).pipe(Config.map(Option.getOrUndefined))

/**
 * The settings read from the environment through effect's `Config`: `OTTU_MERCHANT_ID`,
 * `OTTU_API_KEY` (or `OTTU_USERNAME` and `OTTU_PASSWORD`), `OTTU_CUSTOMER_ID`,
 * `OTTU_ENVIRONMENT` (`sandbox` | `production`), `OTTU_BASE_URL` and `OTTU_TIMEOUT` (a duration
 * such as `10 seconds`). Secrets are read as `Redacted`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  merchantId: Config.string("OTTU_MERCHANT_ID"),
  auth: authConfig,
  customerId: optional(Config.string("OTTU_CUSTOMER_ID")),
  environment: optional(Config.literal("sandbox", "production")("OTTU_ENVIRONMENT")),
  baseUrl: optional(Config.string("OTTU_BASE_URL")),
  timeout: optional(Config.duration("OTTU_TIMEOUT")),
})

/**
 * A layer built from the environment (see {@link config}); fails with a `ConfigError` naming the
 * missing or malformed variable.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (): Layer.Layer<OttuConfig, ConfigError.ConfigError> =>
  Layer.effect(OttuConfig, Config.map(config, make))
