/**
 * Where the API commands send their calls: the `OttuConfig` of `OttuConfig.layerConfig` (the same
 * `OTTU_*` variables) with the `--base-url`, `--merchant-id` and `--api-key` flags taking
 * precedence, over the fetch `HttpClient`.
 *
 * When no merchant id is given but a base URL is (a local `ottu sandbox serve`), the base URL's
 * host stands for the merchant id, so `OTTU_BASE_URL=http://127.0.0.1:4010` is enough to talk to
 * a sandbox.
 *
 * @module
 */
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as OttuAuth from "../OttuAuth.ts"
import * as OttuConfig from "../OttuConfig.ts"
import { optionalRedacted, optionalText } from "./options.ts"

/** The connection flags, each overriding its variable. */
export interface Flags {
  readonly baseUrl: Option.Option<string>
  readonly merchantId: Option.Option<string>
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
}

/** `--base-url`, `--merchant-id`, `--api-key`. */
export const flags: Options.Options<Flags> = Options.all({
  baseUrl: optionalText("base-url", "Ottu base URL, such as http://127.0.0.1:4010 (OTTU_BASE_URL)"),
  merchantId: optionalText("merchant-id", "the merchant's Ottu host name (OTTU_MERCHANT_ID)"),
  apiKey: optionalRedacted("api-key", "the private API key (OTTU_API_KEY; prefer the variable)"),
})

const hostOf = (url: string): string => new URL(url).hostname

/** The base URL's host, when a base URL is given (flag first, then `OTTU_BASE_URL`). */
const merchantFromBaseUrl = (baseUrl: Option.Option<string>): Config.Config<string> =>
  Option.match(baseUrl, {
    onSome: (url) => Config.succeed(url).pipe(Config.mapAttempt(hostOf)),
    onNone: () => Config.string("OTTU_BASE_URL").pipe(Config.mapAttempt(hostOf)),
  })

/** The settings of the API commands: the environment's, with the flags given replacing them. */
export const layer = (
  given: Flags,
): Layer.Layer<OttuConfig.OttuConfig | HttpClient.HttpClient, ConfigError.ConfigError> =>
  Layer.merge(
    OttuConfig.layerConfig({
      baseUrl: Option.map(given.baseUrl, (url) => Config.succeed(url)).pipe(Option.getOrUndefined),
      merchantId: Option.match(given.merchantId, {
        onSome: (id) => Config.succeed(id),
        onNone: () =>
          Config.string("OTTU_MERCHANT_ID").pipe(
            Config.orElse(() => merchantFromBaseUrl(given.baseUrl)),
          ),
      }),
      auth: Option.map(given.apiKey, (key) => Config.succeed(OttuAuth.apiKey(key))).pipe(
        Option.getOrUndefined,
      ),
    }),
    FetchHttpClient.layer,
  )
