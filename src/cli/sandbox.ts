/**
 * `ottu sandbox serve`: the stateful sandbox (`OttuSandbox`) as a real HTTP server, usable from
 * any language, as stripe-mock is for Stripe. Besides Ottu's routes it answers:
 *
 * | route | what |
 * |---|---|
 * | `GET /` | a short health text |
 * | `POST /_sandbox/sessions/{session_id}/pay` | the payer's attempt; JSON body `{outcome?, pg_code?, save_card?, multiple_attempts?}`; answers the payment payload (400 `{detail}` when refused) |
 * | `GET /_sandbox/sessions/{session_id}` | the session as the sandbox holds it (404 when unknown) |
 * | `GET /_sandbox/events` | the webhook events logged, oldest first |
 * | `GET /_sandbox/deliveries` | the webhook deliveries finished (with `--webhook-key`); with `?wait`, once none is under way |
 *
 * @module
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as OttuSandbox from "../OttuSandbox.ts"
import { host, port, serveUntilInterrupted } from "./serve.ts"

/** The prefix of the control routes. */
export const controlPrefix = "/_sandbox"

/** The body of the pay control route. */
const PayBody = Schema.Struct({
  outcome: Schema.optionalWith(Schema.Literal("success", "failed", "canceled", "error", "cod"), {
    exact: true,
  }),
  pg_code: Schema.optionalWith(Schema.String, { exact: true }),
  save_card: Schema.optionalWith(Schema.Boolean, { exact: true }),
  multiple_attempts: Schema.optionalWith(Schema.Boolean, { exact: true }),
})

const decodePayBody = Schema.decodeUnknown(Schema.parseJson(PayBody))

const detail = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ detail: message }, { status })

/** Ottu's routes, the health text and the control routes of one sandbox. */
const appOf = (sandbox: OttuSandbox.Service) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/", HttpServerResponse.text("effect-ottu sandbox: ok\n")),
    HttpRouter.get(
      `${controlPrefix}/events`,
      Effect.map(sandbox.events, (events) => HttpServerResponse.unsafeJson(events)),
    ),
    HttpRouter.get(
      `${controlPrefix}/deliveries`,
      Effect.gen(function* () {
        const { wait } = yield* HttpServerRequest.schemaSearchParams(
          Schema.Struct({ wait: Schema.optional(Schema.String) }),
        )
        if (wait !== undefined) yield* sandbox.awaitDeliveries
        return HttpServerResponse.unsafeJson(yield* sandbox.deliveries)
      }).pipe(Effect.catchTag("ParseError", () => Effect.succeed(detail(400, "Bad query.")))),
    ),
    HttpRouter.get(
      `${controlPrefix}/sessions/:session_id`,
      Effect.gen(function* () {
        const { session_id } = yield* HttpRouter.params
        const found = yield* sandbox.session(session_id ?? "")
        return Option.match(found, {
          onNone: () => detail(404, `The sandbox has no session ${session_id}.`),
          onSome: (snapshot) => HttpServerResponse.unsafeJson(snapshot),
        })
      }),
    ),
    HttpRouter.post(
      `${controlPrefix}/sessions/:session_id/pay`,
      Effect.gen(function* () {
        const { session_id } = yield* HttpRouter.params
        const request = yield* HttpServerRequest.HttpServerRequest
        const text = yield* request.text
        const options = yield* decodePayBody(text.trim() === "" ? "{}" : text)
        const payload = yield* sandbox.pay(session_id ?? "", options)
        return HttpServerResponse.unsafeJson(payload)
      }).pipe(
        Effect.catchTags({
          ParseError: (error) => Effect.succeed(detail(400, error.message)),
          SandboxControlError: (error) => Effect.succeed(detail(400, error.message)),
          RequestError: () => Effect.succeed(detail(400, "The body could not be read.")),
        }),
      ),
    ),
    HttpRouter.all("*", HttpApp.fromWebHandler(sandbox.handler)),
  )

const serve = Command.make(
  "serve",
  {
    port: port(4010),
    host,
    apiKey: Options.redacted("api-key").pipe(
      Options.withDescription("require this Api-Key on Ottu's routes (any key otherwise)"),
      Options.optional,
    ),
    webhookKey: Options.redacted("webhook-key").pipe(
      Options.withDescription("sign and deliver webhooks to each session's webhook_url"),
      Options.optional,
    ),
    unthrottled: Options.boolean("no-inquiry-throttling").pipe(
      Options.withDescription("answer every payment status query (Ottu throttles them)"),
    ),
    merchant: Options.text("merchant-host").pipe(
      Options.withDescription("the host in the URLs the sandbox returns"),
      Options.optional,
    ),
  },
  (given) =>
    Effect.gen(function* () {
      const options = {
        inquiryThrottling: !given.unthrottled,
        ...Option.match(given.apiKey, { onNone: () => ({}), onSome: (apiKey) => ({ apiKey }) }),
        ...Option.match(given.merchant, { onNone: () => ({}), onSome: (host) => ({ host }) }),
      }
      const sandbox = yield* Option.match(given.webhookKey, {
        onNone: () => OttuSandbox.make(options),
        onSome: (webhookKey) =>
          OttuSandbox.make({ ...options, webhookKey }).pipe(Effect.provide(FetchHttpClient.layer)),
      })
      yield* Console.log(
        `sandbox for ${sandbox.host}: ${Option.isSome(given.apiKey) ? "Api-Key required" : "any key accepted"}, ${Option.isSome(given.webhookKey) ? "webhooks delivered" : "webhooks logged only"}; controls under ${controlPrefix}/`,
      )
      return yield* serveUntilInterrupted("ottu sandbox", given, appOf(sandbox))
    }).pipe(Effect.scoped),
).pipe(Command.withDescription("serve the stateful Ottu sandbox over HTTP (Ctrl-C stops it)"))

/** `ottu sandbox …`. */
export const sandbox = Command.make("sandbox").pipe(
  Command.withDescription("the Ottu sandbox as a local server"),
  Command.withSubcommands([serve]),
)
