/**
 * `ottu webhook sign | verify | trigger | listen`: Ottu's webhook signatures from the terminal,
 * with the SDK's `Webhook` and `WebhookReceiver` (nothing re-implemented).
 *
 * @module
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Checkout from "../Checkout.ts"
import * as Operation from "../Operation.ts"
import * as OttuAuth from "../OttuAuth.ts"
import * as OttuConfig from "../OttuConfig.ts"
import * as OttuSandbox from "../OttuSandbox.ts"
import * as Webhook from "../Webhook.ts"
import * as WebhookReceiver from "../WebhookReceiver.ts"
import { Reported } from "./failure.ts"
import { readInput } from "./input.ts"
import { optionalText } from "./options.ts"
import { emit, fields, json } from "./output.ts"
import { host, port, serveUntilInterrupted } from "./serve.ts"

/** `--key`: the webhook key (`OTTU_WEBHOOK_KEY` when not given). Never printed. */
const key = Options.redacted("key").pipe(
  Options.withDescription("the webhook HMAC key (OTTU_WEBHOOK_KEY)"),
  Options.withFallbackConfig(WebhookReceiver.keyConfig),
)

const file = Options.file("file", { exists: "yes" }).pipe(
  Options.withDescription("read the body from this file instead of stdin"),
  Options.optional,
)

/** One line about an event: what it is, for which session, in which state. */
const eventLine = (event: Webhook.Event): string =>
  event._tag === "PaymentEvent"
    ? `payment ${event.session_id} ${event.state ?? ""} ${event.amount ?? ""} ${event.currency_code ?? ""}`.trim()
    : `operation ${event.operation} ${event.session_id} ${event.result ?? ""} ${event.amount ?? ""} ${event.currency_code ?? ""}`.trim()

/** The event as JSON: its fields as received, without the `_tag` the decoder adds. */
const eventJson = ({ _tag, ...rest }: Webhook.Event) => ({ event: _tag, ...rest })

const sign = Command.make(
  "sign",
  {
    key,
    scheme: Options.choice("scheme", ["standard", "subscription"]).pipe(
      Options.withDescription("which fields the signature covers"),
      Options.withDefault("standard" as const),
    ),
    json,
  },
  ({ key, scheme, json }) =>
    Effect.gen(function* () {
      const text = yield* readInput(Option.none())
      const payload: unknown = yield* Effect.try({
        try: () => JSON.parse(text),
        catch: () => new Error("the payload on stdin is not JSON"),
      })
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        return yield* Effect.fail(new Error("the payload on stdin is not a JSON object"))
      }
      const signature = Webhook.signatureOf(payload as Record<string, unknown>, key, scheme)
      yield* emit(json, { signature, scheme }, (value) => value.signature)
    }),
).pipe(Command.withDescription("print the signature of the JSON payload on stdin"))

const verify = Command.make("verify", { key, file, json }, ({ key, file, json }) =>
  Effect.gen(function* () {
    const body = yield* readInput(file)
    const result = Webhook.verifyScheme(body, key)
    if (Either.isLeft(result)) {
      const error = result.left
      const reason = error._tag === "OttuWebhookSignatureError" ? error.reason : "undecodable"
      yield* emit(
        json,
        { verified: false, reason, message: error.message },
        (value) => `not verified: ${value.reason} (${value.message})`,
      )
      return yield* Effect.fail(new Reported({ code: 1 }))
    }
    const { event, scheme } = result.right
    yield* emit(
      json,
      { verified: true, scheme, ...eventJson(event) },
      () => `verified (${scheme} scheme): ${eventLine(event)}`,
    )
  }),
).pipe(
  Command.withDescription(
    "verify a webhook body (stdin or --file): exit 0 when authentic, 1 when not",
  ),
)

/** The states `trigger payment` produces, and how the sandbox's payer gets there. */
const paymentStates = {
  paid: { pg_code: OttuSandbox.pgCodes.knet, outcome: "success" },
  authorized: { pg_code: OttuSandbox.pgCodes.mpgsAuthorize, outcome: "success" },
  attempted: { pg_code: OttuSandbox.pgCodes.knet, outcome: "failed" },
  failed: { pg_code: OttuSandbox.pgCodes.knet, outcome: "failed", multiple_attempts: false },
  expired: { pg_code: OttuSandbox.pgCodes.knet, outcome: "canceled", multiple_attempts: false },
} as const satisfies Record<string, OttuSandbox.PayOptions & { readonly pg_code: string }>

type PaymentState = keyof typeof paymentStates

/** The operations `trigger operation` runs. */
const operations = { refund: Operation.refund, capture: Operation.capture, void: Operation.void }

/**
 * A realistic event, as Ottu would send it: an embedded sandbox runs the flow (a checkout, the
 * payer's attempt, the operation) and logs the event its webhook would carry.
 */
const sandboxEvent = (
  kind: "payment" | "operation",
  state: PaymentState,
  operation: "refund" | "capture" | "void",
) =>
  Effect.gen(function* () {
    const payOptions =
      kind === "payment"
        ? paymentStates[state]
        : operation === "refund"
          ? paymentStates.paid
          : paymentStates.authorized
    const session = yield* Checkout.create({
      type: "e_commerce",
      amount: "10.000",
      currency_code: "KWD",
      pg_codes: [payOptions.pg_code],
      customer_id: "cli-customer",
      order_no: "cli-trigger",
    })
    yield* OttuSandbox.pay(session.session_id, payOptions)
    if (kind === "operation") {
      yield* operations[operation]({ session_id: session.session_id })
    }
    const events = yield* OttuSandbox.events
    const last = events.at(-1)
    if (last === undefined) return yield* Effect.fail(new Error("the sandbox logged no event"))
    return last.payload as Readonly<Record<string, unknown>>
  }).pipe(
    Effect.provide(OttuSandbox.layerWithControl({ inquiryThrottling: false })),
    Effect.provide(
      OttuConfig.layer({
        merchantId: "sandbox.ottu.test",
        auth: OttuAuth.apiKey(Redacted.make("cli")),
      }),
    ),
  )

const trigger = Command.make(
  "trigger",
  {
    kind: Args.choice([
      ["payment", "payment"],
      ["operation", "operation"],
    ] as const).pipe(Args.withDescription("payment | operation")),
    to: Options.text("to").pipe(Options.withDescription("the receiver's URL")),
    key,
    state: Options.choice("state", Object.keys(paymentStates) as Array<PaymentState>).pipe(
      Options.withDescription("the payment event's state"),
      Options.withDefault("paid" as PaymentState),
    ),
    operation: Options.choice("operation", ["refund", "capture", "void"] as const).pipe(
      Options.withDescription("the operation event's operation"),
      Options.withDefault("refund" as const),
    ),
    session: optionalText("session", "the session_id the event names"),
    json,
  },
  (given) =>
    Effect.gen(function* () {
      const logged = yield* sandboxEvent(given.kind, given.state, given.operation)
      const unsigned: Readonly<Record<string, unknown>> = Option.match(given.session, {
        onNone: () => logged,
        onSome: (session_id) => ({ ...logged, session_id }),
      })
      const payload = { ...unsigned, signature: Webhook.signatureOf(unsigned, given.key) }
      const response = yield* HttpClient.execute(
        HttpClientRequest.post(given.to).pipe(HttpClientRequest.bodyUnsafeJson(payload)),
      )
      const answer = yield* response.text
      yield* emit(
        given.json,
        { sent: payload, status: response.status, answer },
        (value) =>
          `sent ${given.kind} event for ${String(unsigned.session_id)} to ${given.to}\n${fields([
            ["status", value.status],
            ["answer", value.answer],
          ])}`,
      )
      if (response.status >= 300) return yield* Effect.fail(new Reported({ code: 1 }))
    }).pipe(Effect.provide(FetchHttpClient.layer)),
).pipe(Command.withDescription("send a realistic signed event to a receiver and print its answer"))

/** Forwards a verified body, as received, to `url` and prints the answer's status. */
const forward = (url: string, body: Uint8Array, contentType: string | undefined) =>
  HttpClient.execute(
    HttpClientRequest.post(url).pipe(
      HttpClientRequest.bodyUint8Array(body, contentType ?? "application/json"),
    ),
  ).pipe(
    Effect.flatMap((response) => Console.log(`  forwarded to ${url} -> ${response.status}`)),
    Effect.catchAll((error) => Console.log(`  forward to ${url} failed: ${error.message}`)),
    Effect.provide(FetchHttpClient.layer),
  )

/** The receiver's refusals (logged as warnings) printed as one line each. */
const refusals = Logger.make(({ message }) => {
  const text = [message].flat().map(String).join(" ")
  const refused = /^Ottu webhook refused: (.*)$/.exec(text)
  globalThis.console.log(refused === null ? text : `refused: ${refused[1]}`)
})

const listen = Command.make(
  "listen",
  {
    port: port(8080),
    host,
    key,
    forwardTo: Options.text("forward-to").pipe(
      Options.withDescription("POST each verified body, unchanged, to this URL"),
      Options.optional,
    ),
    json,
  },
  (given) =>
    Effect.gen(function* () {
      const receiver = yield* WebhookReceiver.make({
        key: given.key,
        handler: (event, delivery) =>
          emit(
            given.json,
            { scheme: delivery.scheme, ...eventJson(event) },
            () => `verified (${delivery.scheme}): ${eventLine(event)}`,
          ),
      })
      const app = Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const body = new Uint8Array(yield* request.arrayBuffer)
        const replay = HttpServerRequest.fromWeb(
          new Request(`http://receiver${request.url}`, {
            method: request.method,
            headers: request.headers,
            ...(request.method === "GET" || request.method === "HEAD" ? {} : { body }),
          }),
        )
        const response = yield* Effect.provideService(
          receiver,
          HttpServerRequest.HttpServerRequest,
          replay,
        )
        if (response.status < 300 && Option.isSome(given.forwardTo)) {
          yield* forward(given.forwardTo.value, body, request.headers["content-type"])
        }
        return response
      }).pipe(Effect.catchAll(() => HttpServerResponse.empty({ status: 400 })))
      yield* Console.log(
        `verifying webhooks with the given key${Option.match(given.forwardTo, { onNone: () => "", onSome: (url) => `, forwarding to ${url}` })}`,
      )
      return yield* serveUntilInterrupted("ottu webhook listen", given, app).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, refusals)),
      )
    }),
).pipe(
  Command.withDescription(
    "receive webhooks locally: print verified and refused events, forward verified ones",
  ),
)

/** `ottu webhook …`. */
export const webhook = Command.make("webhook").pipe(
  Command.withDescription("sign, verify, send and receive Ottu webhooks"),
  Command.withSubcommands([sign, verify, trigger, listen]),
)
