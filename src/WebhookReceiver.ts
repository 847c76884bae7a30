/**
 * An HTTP endpoint for Ottu's webhooks, as an `@effect/platform` `HttpApp`: it reads the body
 * (JSON or form-encoded, size-limited), verifies its signature, decodes the event and hands it to
 * your handler, answering Ottu the way ottu-py's Django view does. Serve it with `Deno.serve` or
 * `Bun.serve` through {@link webHandler}, or with any `@effect/platform` server (Node's
 * `@effect/platform-node` among them) through {@link make}.
 *
 * @since 0.1.0
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Webhook from "./Webhook.ts"

/**
 * How to build a receiver.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<E, R> {
  /**
   * Called once per authentic, decoded event, and only then. A failure answers 400 (Ottu counts
   * the delivery as failed); a defect answers 500. Ottu may deliver an event more than once, so
   * make it idempotent.
   */
  readonly handler: (event: Webhook.Event, delivery: Delivery) => Effect.Effect<void, E, R>
  /** The webhook HMAC key. When absent or empty, `OTTU_WEBHOOK_KEY` is read (see {@link keyConfig}). */
  readonly key?: Webhook.Key | undefined
  /** The largest body accepted, in bytes; a larger one answers 413 unread. Default 1 MiB. */
  readonly maxBodySize?: number | undefined
  /**
   * How long the whole body may take to arrive, from the moment the receiver starts reading it;
   * a body still incomplete then answers 408 and is no longer read. Default
   * {@link defaultReadTimeout} (10 seconds), also used for a zero duration.
   */
  readonly readTimeout?: Duration.DurationInput | undefined
  /**
   * The status of a success: 200 (the default) has Ottu redirect the payer to the checkout's
   * `redirect_url`; 201 counts as delivered too but keeps the payer on Ottu's summary page.
   */
  readonly successStatus?: 200 | 201 | undefined
}

/**
 * What the receiver knows about a delivery besides its event: the `scheme` its signature was made
 * with, which says which of the event's fields are signed (see `Webhook.Verified`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly scheme: Webhook.Scheme
}

/**
 * The default largest body, in bytes (1 MiB).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBodySize = 1024 * 1024

/**
 * The default time a body may take to arrive (10 seconds): Ottu sends a few kilobytes at once,
 * so only a stalled or hostile client comes near it.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultReadTimeout: Duration.Duration = Duration.seconds(10)

/**
 * The webhook key read from `OTTU_WEBHOOK_KEY` as a `Redacted`. An empty value counts as
 * missing, since anyone can sign with an empty key.
 *
 * @since 0.1.0
 * @category config
 */
export const keyConfig: Config.Config<Redacted.Redacted<string>> = Config.redacted(
  Config.nonEmptyString("OTTU_WEBHOOK_KEY"),
)

const answer = (status: number, detail: string): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson({ detail }, { status })

/** The size a body's buffer starts at, in bytes, unless the body is declared smaller. */
const initialBuffer = 16 * 1024

/** Why a body was not read: more than the limit, or not all of it in time. */
type Unread = "too large" | "too slow"

/**
 * The body's bytes, or why they were not read. A declared `Content-Length` over the limit is
 * refused before reading; otherwise reading stops at the first chunk past the limit, or when
 * `timeout` passes. A body that cannot be read (none at all, a dropped connection) counts as
 * empty.
 *
 * Each chunk is copied at once into one buffer that doubles when full, so reading costs time
 * linear in the body's size however finely it is chunked. The buffer starts small whatever the
 * declared length: a client cannot have memory set aside for bytes it has not sent. Keeping the
 * chunks instead is not enough: on Deno every chunk read off a socket has a buffer of its own,
 * and a quarter of a million live buffers make each garbage collection slower than the last.
 *
 * The reading runs in a child fiber of the request's fiber, which gets the outcome through a
 * `Deferred`. A body refused unread stays open, unread, until the request's fiber ends, once
 * the answer is sent: the child is interrupted then, which cancels the body stream. Cancelling
 * it first would have Node's server destroy the socket before the 408 or 413 is written.
 */
const readBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number,
  timeout: Duration.Duration,
): Effect.Effect<Uint8Array | Unread> => {
  const declared = Number(request.headers["content-length"])
  if (declared > limit) return Effect.succeed("too large")
  return Effect.gen(function* () {
    const outcome = yield* Deferred.make<Uint8Array | Unread>()
    let bytes = new Uint8Array(declared >= 0 ? Math.min(declared, initialBuffer) : initialBuffer)
    let size = 0
    yield* Stream.runForEach(request.stream, (chunk) => {
      if (size + chunk.length > limit) {
        return Effect.zipRight(Deferred.succeed(outcome, "too large"), Effect.never)
      }
      if (size + chunk.length > bytes.length) {
        const grown = new Uint8Array(
          Math.min(limit, Math.max(2 * bytes.length, size + chunk.length)),
        )
        grown.set(bytes.subarray(0, size))
        bytes = grown
      }
      bytes.set(chunk, size)
      size += chunk.length
      return Effect.void
    }).pipe(
      Effect.matchEffect({
        onFailure: () => Deferred.succeed(outcome, new Uint8Array(0)),
        onSuccess: () => Deferred.succeed(outcome, bytes.subarray(0, size)),
      }),
      Effect.fork,
    )
    return yield* Deferred.await(outcome).pipe(
      Effect.timeoutOption(timeout),
      Effect.map(Option.getOrElse((): Unread => "too slow")),
    )
  }).pipe(Effect.interruptible)
}

const decoder = new TextDecoder()

const isForm = (contentType: string | undefined): boolean =>
  contentType?.split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded"

/**
 * What the body says: a form body becomes an object of strings (the last value of a repeated
 * field wins, as in Django's `request.POST`), anything else stays JSON text for `verify`.
 */
const bodyValue = (request: HttpServerRequest.HttpServerRequest, bytes: Uint8Array): unknown => {
  const text = decoder.decode(bytes)
  return isForm(request.headers["content-type"])
    ? Object.fromEntries(new URLSearchParams(text))
    : text
}

/**
 * The receiver as an `HttpApp`, with its key resolved (from `options.key`, or `OTTU_WEBHOOK_KEY`
 * through `Config`; fails with a `ConfigError` when neither is set). The app answers:
 *
 * | status | body | when |
 * |---|---|---|
 * | 200 (or `successStatus`) | `{"detail": "Success"}` | the handler succeeded |
 * | 400 | `{"detail": "Failed to process webhook"}` | the handler failed |
 * | 400 | `{"detail": "Invalid webhook event"}` | authentic, but not an event of the documented shape |
 * | 401 | `{"detail": "Unable to verify signature"}` | not a JSON object or form, no signature, or a wrong one: the handler is not called |
 * | 405 | `{"detail": "Method not allowed"}` | not a POST |
 * | 408 | `{"detail": "Request body not received in time"}` | the body did not arrive within `readTimeout` |
 * | 413 | `{"detail": "Request body too large"}` | the body exceeds `maxBodySize` |
 *
 * A form body (`application/x-www-form-urlencoded`) is verified like the same fields in JSON:
 * every value is a string, and nested objects cannot be sent that way. Any other content type
 * is read as JSON, as ottu-py does.
 *
 * **Extending**: the handler is an `Effect`, so a store records events by composing into it
 * (`(event) => store.record(event).pipe(Effect.zipRight(apply(event)), sql.withTransaction)`),
 * and nothing is recorded for a body that fails verification.
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServer } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { WebhookReceiver } from "effect-ottu"
 *
 * const Receiver = Layer.unwrapEffect(
 *   Effect.map(
 *     WebhookReceiver.make({ handler: (event) => Effect.log(event._tag, event.session_id) }),
 *     (app) => HttpServer.serve(HttpRouter.empty.pipe(HttpRouter.post("/ottu/webhook", app))),
 *   ),
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E, R>(
  options: Options<E, R>,
): Effect.Effect<HttpApp.Default<never, R>, ConfigError.ConfigError> =>
  Effect.map(
    options.key === undefined || options.key === "" ? keyConfig : Effect.succeed(options.key),
    (key) => {
      const limit = options.maxBodySize ?? defaultMaxBodySize
      const given =
        options.readTimeout === undefined ? Duration.zero : Duration.decode(options.readTimeout)
      const readTimeout = Duration.greaterThan(given, Duration.zero) ? given : defaultReadTimeout
      const success = answer(options.successStatus ?? 200, "Success")
      return Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        if (request.method !== "POST") {
          return HttpServerResponse.unsafeJson(
            { detail: "Method not allowed" },
            { status: 405, headers: { allow: "POST" } },
          )
        }
        const bytes = yield* readBody(request, limit, readTimeout)
        if (bytes === "too large") return answer(413, "Request body too large")
        if (bytes === "too slow") return answer(408, "Request body not received in time")
        const verified = Webhook.verifyScheme(bodyValue(request, bytes), key)
        if (Either.isLeft(verified)) {
          const error = verified.left
          yield* Effect.logWarning(`Ottu webhook refused: ${error.message}`)
          return error._tag === "OttuWebhookSignatureError"
            ? answer(401, "Unable to verify signature")
            : answer(400, "Invalid webhook event")
        }
        const { event, scheme } = verified.right
        yield* Effect.annotateCurrentSpan({
          "ottu.event": event._tag,
          "ottu.session_id": event.session_id,
          "ottu.scheme": scheme,
        })
        return yield* options.handler(event, { scheme }).pipe(
          Effect.as(success),
          Effect.catchAll((error) =>
            Effect.as(
              Effect.logError("Ottu webhook handler failed", Cause.fail(error)),
              answer(400, "Failed to process webhook"),
            ),
          ),
        )
      }).pipe(Effect.withSpan("Ottu.WebhookReceiver.receive"))
    },
  )

/**
 * The receiver as a web handler `(Request) => Promise<Response>` for `Deno.serve`, `Bun.serve`,
 * Cloudflare Workers or any fetch-style server. Give a layer when the handler has requirements;
 * call `dispose` when the server stops, to release it.
 *
 * **Gotchas**: throws at once when no key is given and `OTTU_WEBHOOK_KEY` is not set, so a
 * misconfigured server does not start.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { WebhookReceiver } from "effect-ottu"
 *
 * const receiver = WebhookReceiver.webHandler({
 *   handler: (event) => Effect.log(`${event._tag} for ${event.session_id}`),
 *   key: Redacted.make("the webhook key"), // without it, OTTU_WEBHOOK_KEY is read
 * })
 * // `deno serve` and `bun run` serve a module's default `fetch`; or call
 * // Deno.serve({ port: 8080 }, receiver.handler) / Bun.serve({ port: 8080, fetch: receiver.handler })
 * export default { fetch: receiver.handler }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const webHandler: {
  <E>(options: Options<E, never>): WebHandler
  <E, R, LE>(options: Options<E, R>, layer: Layer.Layer<R, LE>): WebHandler
} = <E, R, LE>(options: Options<E, R>, layer?: Layer.Layer<R, LE>): WebHandler => {
  const app = Effect.runSync(make(options))
  if (layer !== undefined) return HttpApp.toWebHandlerLayer(app, layer)
  return {
    handler: HttpApp.toWebHandler(app as HttpApp.Default<never, never>),
    dispose: () => Promise.resolve(),
  }
}

/**
 * A served receiver: the handler, and the function that releases its layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebHandler {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
}

export {
  /**
   * A receiver handler that routes each event to the handler of its case (see {@link Handlers}).
   * Every state and every operation needs a handler, so a missing case is a compile error; share
   * one function between the cases you treat alike. The errors and requirements of all handlers
   * make those of the result.
   *
   * **Gotchas**
   *
   * - The case comes from the event's own fields, and not all of them are signed (see
   *   `Webhook.Verified`). A payment's `state` is signed by both schemes: a replayed body cannot
   *   take another known state (at most lose it, and go to `other`). An operation's `operation`
   *   (and its `txn`) is signed by neither: whoever replays a captured operation body can turn a
   *   `capture` into a `refund`, so confirm with Ottu (`Checkout.retrieve`, `Inquiry`) before
   *   acting on one, and use `session_id` only as a key to look up, never as proof.
   * - Ottu adds states over time; until this SDK names a new one, its events go to `other`, so make
   *   `other` log or store what it gets rather than drop it.
   *
   * @example
   * ```ts
   * import { Effect, Redacted } from "effect"
   * import { type Webhook, WebhookReceiver } from "effect-ottu"
   *
   * const ignore = () => Effect.void
   * const fulfil = (event: Webhook.PaymentEvent) => Effect.log(`ship ${event.order_no}`)
   *
   * const handler = WebhookReceiver.dispatch({
   *   payment: {
   *     created: ignore, pending: ignore, attempted: ignore,
   *     authorized: fulfil, paid: fulfil, cod: fulfil,
   *     failed: (event) => Effect.log(`payment failed: ${event.message}`),
   *     canceled: ignore, expired: ignore, invalided: ignore,
   *     refunded: (event) => Effect.log(`refunded ${event.refunded_amount}`),
   *   },
   *   operation: {
   *     capture: ignore,
   *     refund: (event) => Effect.log(`refund ${event.result}: ${event.amount}`),
   *     void: ignore,
   *   },
   *   other: (event) => Effect.logWarning(`unhandled ${event._tag} for ${event.session_id}`),
   * })
   * const receiver = WebhookReceiver.webHandler({ handler, key: Redacted.make("the webhook key") })
   * ```
   *
   * @since 0.1.0
   * @category constructors
   */
  dispatch,
  /**
   * One handler per payment state, one per operation, and `other` for the rest, each called as
   * the receiver's handler is, with the event narrowed to its case:
   *
   * - `payment[state]` gets a `PaymentEvent` whose `state` is that state;
   * - `operation[kind]` gets an `OperationEvent` whose `operation` is that kind (its `result` says
   *   whether it succeeded, failed, was queued or rejected: a queued one is followed by another
   *   event later);
   * - `other` gets any event none of them takes: a payment event without a `state` or in a state
   *   this SDK does not know, and an operation event whose `operation` is `null` (Ottu's own
   *   example sends one) or unknown.
   *
   * @since 0.1.0
   * @category models
   */
  type Handlers,
  /**
   * The operations an operation event is dispatched on.
   *
   * @since 0.1.0
   * @category models
   */
  type OperationKind,
  /**
   * The states a payment event is dispatched on: the 11 states of a checkout (API reference §12,
   * `Checkout.State`).
   *
   * @since 0.1.0
   * @category models
   */
  type PaymentState,
} from "./WebhookReceiver/dispatch.ts"
