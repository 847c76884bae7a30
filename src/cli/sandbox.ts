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
 * | `GET /_sandbox/notifications` | the notifications the sandbox sent (it logs them and sends nothing), oldest first |
 * | `POST /_sandbox/reports` | adds a finished report file; JSON body `{report_name?, interval?, source?, file_format?, content?, records_amount?}`; answers 201 `{encrypted_id}` |
 * | `POST /_sandbox/wallet/operations` | makes a wallet operation; JSON body `{customer_id, currency, amount, operation_type?, direction?, session_id?, pg_code?}`; answers 201 `{id}` (400 `{detail}` when refused) |
 *
 * @module
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as OttuSandbox from "../OttuSandbox.ts"
import { optionalRedacted, optionalText } from "./options.ts"
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

const optional = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true })

/** The body of the reports control route (`OttuSandbox.addReport`'s options; text content). */
const ReportBody = Schema.Struct({
  report_name: optional(Schema.String),
  interval: optional(Schema.Literal("daily", "weekly", "monthly", "yearly")),
  source: optional(Schema.Literal("auto", "manual")),
  file_format: optional(Schema.Literal("csv", "xlsx")),
  content: optional(Schema.String),
  records_amount: optional(Schema.NonNegativeInt),
})

/** The body of the wallet control route (`OttuSandbox.walletOperation`'s options). */
const WalletOperationBody = Schema.Struct({
  customer_id: Schema.String,
  currency: Schema.String,
  amount: Schema.String,
  operation_type: optional(Schema.Literal("refund", "adjustment", "deduction", "reservation")),
  direction: optional(Schema.Literal("credit", "debit")),
  session_id: optional(Schema.String),
  pg_code: optional(Schema.String),
})

/** The request's JSON body, decoded with `schema` (an empty body is `{}`). */
const bodyOf = <A, I>(schema: Schema.Schema<A, I>) =>
  Effect.flatMap(
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => request.text),
    (text) => Schema.decodeUnknown(Schema.parseJson(schema))(text.trim() === "" ? "{}" : text),
  )

/** A control route whose refusals (a bad body, a refused control) answer 400 `{detail}`. */
const refusing = <R>(
  route: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    ParseResult.ParseError | HttpServerError.RequestError | OttuSandbox.SandboxControlError,
    R
  >,
) =>
  Effect.catchAll(route, (error) =>
    Effect.succeed(
      detail(400, error._tag === "RequestError" ? "The body could not be read." : error.message),
    ),
  )

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
        const options = yield* bodyOf(PayBody)
        const payload = yield* sandbox.pay(session_id ?? "", options)
        return HttpServerResponse.unsafeJson(payload)
      }).pipe(refusing),
    ),
    HttpRouter.get(
      `${controlPrefix}/notifications`,
      Effect.map(sandbox.notifications, (sent) => HttpServerResponse.unsafeJson(sent)),
    ),
    HttpRouter.post(
      `${controlPrefix}/reports`,
      Effect.gen(function* () {
        const encrypted_id = yield* sandbox.addReport(yield* bodyOf(ReportBody))
        return HttpServerResponse.unsafeJson({ encrypted_id }, { status: 201 })
      }).pipe(refusing),
    ),
    HttpRouter.post(
      `${controlPrefix}/wallet/operations`,
      Effect.gen(function* () {
        const id = yield* sandbox.walletOperation(yield* bodyOf(WalletOperationBody))
        return HttpServerResponse.unsafeJson({ id }, { status: 201 })
      }).pipe(refusing),
    ),
    HttpRouter.all("*", HttpApp.fromWebHandler(sandbox.handler)),
  )

const serve = Command.make(
  "serve",
  {
    port: port(4010),
    host,
    apiKey: optionalRedacted(
      "api-key",
      "require this Api-Key on Ottu's routes (any key otherwise)",
    ),
    webhookKey: optionalRedacted(
      "webhook-key",
      "sign and deliver webhooks to each session's webhook_url",
    ),
    unthrottled: Options.boolean("no-inquiry-throttling").pipe(
      Options.withDescription("answer every payment status query (Ottu throttles them)"),
    ),
    merchant: optionalText("merchant-host", "the host in the URLs the sandbox returns"),
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
