/**
 * What the examples share: the Ottu they talk to. With `OTTU_MERCHANT_ID` set, the real instance
 * configured by the `OTTU_*` variables over the SDK's lean fetch client (`OttuHttpClient`);
 * otherwise a fresh embedded sandbox.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import {
  Checkout,
  OttuAuth,
  OttuConfig,
  type OttuError,
  OttuHttpClient,
  OttuSandbox,
} from "../src/index.ts"

/** The sandbox's API key: the examples' configuration and the sandbox agree on it. */
const sandboxKey = Redacted.make("sandbox-api-key")

/** The webhook key: `OTTU_WEBHOOK_KEY` when set, an example key otherwise. */
export const webhookKey: Config.Config<Redacted.Redacted<string>> = Config.redacted(
  "OTTU_WEBHOOK_KEY",
).pipe(Config.withDefault(Redacted.make("example-webhook-key")))

/** Whether the examples run against a real instance (`OTTU_MERCHANT_ID` is set). */
export const realInstance: Effect.Effect<boolean> = Effect.orDie(
  Effect.map(Config.option(Config.string("OTTU_MERCHANT_ID")), Option.isSome),
)

/**
 * `OttuConfig` and `HttpClient` for the examples; on the sandbox, also its control service (see
 * {@link customerPays}).
 */
export const OttuLive: Layer.Layer<
  OttuConfig.OttuConfig | HttpClient.HttpClient,
  ConfigError.ConfigError
> = Layer.unwrapEffect(
  Effect.map(realInstance, (real) =>
    real
      ? Layer.merge(OttuConfig.layerConfig(), OttuHttpClient.layer)
      : Layer.unwrapEffect(
          Effect.map(webhookKey, (key) =>
            Layer.merge(
              OttuConfig.layer({
                merchantId: "sandbox.ottu.test",
                auth: OttuAuth.apiKey(sandboxKey),
                customerId: "cust-example",
              }),
              // Ottu refuses status queries in a transaction's first 10 minutes; the examples query
              // right after paying, so their sandbox does not throttle.
              // The sandbox signs webhooks with the same key a receiver verifies with, and
              // delivers them over the lean fetch client.
              OttuSandbox.layerWithControl({
                apiKey: sandboxKey,
                inquiryThrottling: false,
                webhookKey: key,
              }).pipe(Layer.provide(OttuHttpClient.layer)),
            ),
          ),
        ),
  ),
)

/** States after which a customer's payment is settled one way or the other. */
const settled = new Set(["paid", "authorized", "failed", "canceled", "expired", "cod"])

/**
 * The customer pays the checkout: on the sandbox, a simulated successful payment (saving the card
 * when asked); on a real instance, the checkout URL is printed and the session is polled until
 * the customer has paid on it (15 minutes at most).
 */
export const customerPays = (
  session: Checkout.CheckoutSession,
  options?: { readonly save_card?: boolean },
): Effect.Effect<
  void,
  Error | OttuError.OttuError | OttuSandbox.SandboxControlError,
  OttuConfig.OttuConfig | HttpClient.HttpClient
> =>
  Effect.flatMap(
    Effect.serviceOption(OttuSandbox.OttuSandbox),
    (sandbox): ReturnType<typeof customerPays> =>
      Option.isSome(sandbox)
        ? OttuSandbox.pay(session.session_id, { outcome: "success", ...options }).pipe(
            Effect.provideService(OttuSandbox.OttuSandbox, sandbox.value),
            Effect.asVoid,
          )
        : Console.log(`pay here, then wait: ${session.checkout_url}`).pipe(
            Effect.zipRight(
              Checkout.retrieve(session.session_id).pipe(
                Effect.repeat({
                  schedule: Schedule.spaced("5 seconds"),
                  until: (current) => settled.has(current.state ?? ""),
                }),
                Effect.timeoutFail({
                  duration: "15 minutes",
                  onTimeout: () => new Error("the checkout was not paid within 15 minutes"),
                }),
              ),
            ),
            Effect.asVoid,
          ),
  )

/** Runs an example: errors are logged (never with secrets) and the exit code is set. */
export const run = <A, E>(program: Effect.Effect<A, E>): void => {
  Effect.runPromiseExit(program.pipe(Effect.tapErrorCause(Effect.logError))).then((exit) => {
    if (exit._tag === "Failure") process.exitCode = 1
  })
}
