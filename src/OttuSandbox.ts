/**
 * A stateful simulator of the Ottu API, written on `@effect/platform`'s `HttpRouter`. It answers
 * in process (as an `HttpClient` layer) or over the network (as a web handler for `Deno.serve`,
 * `Bun.serve` or Node), validates requests the way Ottu's Django REST Framework server does, and
 * keeps its state (sessions, payments, child transactions, saved cards, the events that would
 * become webhooks) in one `Ref` per sandbox.
 *
 * Routes: checkout create, retrieve, PATCH and PUT; payment methods; operations (cancel, expire,
 * delete, capture, refund, void, with `Tracking-Key` idempotency); payment status query (with
 * Ottu's throttling); saved cards list and delete; auto-debit on both paths. The control API
 * ({@link pay}, {@link session}, {@link events}) plays the customer and lets tests look inside.
 *
 * The simulator itself lives in `src/OttuSandbox/`, one module per concept; this module is its
 * public face.
 *
 * @since 0.1.0
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import { clientOf } from "./OttuSandbox/client.ts"
import { type Delivery, dispatch, makeCourier } from "./OttuSandbox/delivery.ts"
import type { PaymentPayload } from "./OttuSandbox/payloads.ts"
import * as Payments from "./OttuSandbox/payments.ts"
import { app } from "./OttuSandbox/router.ts"
import { type SessionSnapshot, snapshotOf } from "./OttuSandbox/snapshot.ts"
import {
  type Env,
  makeState,
  SandboxEnv,
  type SandboxEvent,
  type SandboxState,
} from "./OttuSandbox/state.ts"

/**
 * The state models: `SandboxState` and what it holds (`SandboxSession`s with their
 * `CheckoutInput`, `Attempt`s and `ChildTransaction`s, `SavedCard`s, `SandboxEvent`s).
 *
 * @since 0.1.0
 * @category models
 */
export type { Delivery } from "./OttuSandbox/delivery.ts"
/**
 * The gateway models: `Gateway`, `PaymentService` and `Plugin`.
 *
 * @since 0.1.0
 * @category models
 */
export type { Gateway, PaymentService, Plugin } from "./OttuSandbox/gateways.ts"
/**
 * The sandbox's gateway catalogue: `pgCodes` names its gateways, `gateways` describes them.
 *
 * @since 0.1.0
 * @category catalogue
 */
export { gateways, pgCodes } from "./OttuSandbox/gateways.ts"
/**
 * The lifecycle models (API reference §12): `CheckoutState`, `AttemptOutcome` and `Operation`.
 *
 * @since 0.1.0
 * @category models
 */
export type { AttemptOutcome, CheckoutState, Operation } from "./OttuSandbox/lifecycle.ts"
/**
 * The bodies the sandbox answers with and logs as events: `PaymentPayload` (§13.2),
 * `OperationPayload` (§13.3), `CardPayload` (§9.1) and `ChildPayment`.
 *
 * @since 0.1.0
 * @category models
 */
export type {
  CardPayload,
  ChildPayment,
  OperationPayload,
  PaymentPayload,
} from "./OttuSandbox/payloads.ts"
/**
 * The options of {@link pay}: `PayOptions`.
 *
 * @since 0.1.0
 * @category control
 */
export type { PayOptions } from "./OttuSandbox/payments.ts"
/**
 * `SandboxControlError`: a control call the sandbox refuses (unknown session, foreign gateway, a
 * state that takes no such attempt, a card that cannot be saved).
 *
 * @since 0.1.0
 * @category errors
 */
export { SandboxControlError } from "./OttuSandbox/payments.ts"
/**
 * A session as {@link session} shows it: `SessionSnapshot`, with its `ChildSnapshot`s.
 *
 * @since 0.1.0
 * @category models
 */
export type { ChildSnapshot, SessionSnapshot } from "./OttuSandbox/snapshot.ts"

export type {
  Attempt,
  CheckoutInput,
  ChildTransaction,
  SandboxEvent,
  SandboxSession,
  SandboxState,
  SavedCard,
} from "./OttuSandbox/state.ts"

/**
 * How to build a sandbox.
 *
 * @since 0.1.0
 * @category models
 */
export interface SandboxOptions {
  /** The host used in the URLs the sandbox returns. Default `"sandbox.ottu.test"`. */
  readonly host?: string
  /** When set, `Api-Key` credentials must carry this key. Any key is accepted otherwise. */
  readonly apiKey?: Redacted.Redacted<string>
  /**
   * Whether the payment status query is throttled as Ottu throttles it (no query in the first
   * 10 minutes of a transaction, 30 minutes between queries, 3 a day, 30 a minute overall).
   * Default `true`. Examples that run on the real clock may turn it off.
   */
  readonly inquiryThrottling?: boolean
  /**
   * The webhook key. When set, the sandbox delivers its events: payment events after payments
   * (and status queries asked to notify), operation events after capture, refund and void, each
   * signed with this key and POSTed to the session's `webhook_url` (15 s timeout, 3 retries 5 s
   * apart on timeouts only, as Ottu). Without it, events are only logged.
   */
  readonly webhookKey?: Redacted.Redacted<string>
}

/**
 * A running sandbox: its host, its web handler and its state. The control API ({@link pay},
 * {@link session}, {@link events}) works on the one {@link layerWithControl} provides.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly host: string
  readonly handler: (request: Request) => Promise<Response>
  readonly state: Ref.Ref<SandboxState>
  /** Hands the events logged since the last call to delivery (the routes do it themselves). */
  readonly dispatch: Effect.Effect<void>
  /** The outcomes of the deliveries that finished. */
  readonly deliveries: Effect.Effect<ReadonlyArray<Delivery>>
  /** Waits until no delivery is running. */
  readonly awaitDeliveries: Effect.Effect<void>
}

/**
 * The sandbox as a service, provided by {@link layerWithControl}.
 *
 * @since 0.1.0
 * @category tags
 */
export class OttuSandbox extends Context.Tag("effect-ottu/OttuSandbox")<OttuSandbox, Service>() {}

const defaultHost = "sandbox.ottu.test"

/**
 * A fresh instance: its state, its web handler and the function that disposes of it. The handler
 * reads time from the `Clock` of the context the instance is built in (a `TestClock` in tests).
 */
const build = (options: SandboxOptions = {}) =>
  Effect.gen(function* () {
    const clock = yield* Effect.clock
    const state = yield* makeState
    const scope = yield* Scope.make()
    const courier = yield* Scope.extend(makeCourier(options.webhookKey), scope)
    const env: Env = {
      host: options.host ?? defaultHost,
      apiKey: options.apiKey,
      inquiryThrottling: options.inquiryThrottling ?? true,
      state,
      courier,
    }
    const web = HttpApp.toWebHandlerLayer(
      Effect.withClock(app, clock),
      Layer.succeed(SandboxEnv, env),
    )
    const service: Service = {
      host: env.host,
      state,
      handler: (request) => web.handler(request),
      dispatch: dispatch(courier, state),
      deliveries: Ref.get(courier.deliveries),
      awaitDeliveries: FiberSet.awaitEmpty(courier.running),
    }
    const dispose = async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await web.dispose()
    }
    return { service, dispose }
  })

/**
 * Builds a sandbox whose handler lives as long as the scope. It reads time from the `Clock` of
 * the context it is built in, so a `TestClock` drives its throttles and timestamps.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: SandboxOptions): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(build(options), ({ dispose }) => Effect.promise(dispose)),
    ({ service }) => service,
  )

/**
 * A sandbox as a web handler, for `Deno.serve`, `Bun.serve` or a Node adapter. Call `dispose`
 * when the server stops.
 *
 * **Gotchas**: on Deno with a `node:http` server, call `server.closeAllConnections()` before
 * `server.close()`, or the process waits about 90 s for keep-alive connections.
 *
 * @since 0.1.0
 * @category constructors
 */
export const webHandler = (
  options?: SandboxOptions,
): {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
} => {
  const { service, dispose } = Effect.runSync(build(options))
  return { handler: service.handler, dispose }
}

/**
 * An `HttpClient` answered in process by a fresh sandbox, plus the {@link OttuSandbox} service
 * to inspect or drive it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithControl = (
  options?: SandboxOptions,
): Layer.Layer<HttpClient.HttpClient | OttuSandbox> =>
  Layer.scopedContext(
    Effect.map(make(options), (sandbox) =>
      Context.make(OttuSandbox, sandbox).pipe(
        Context.add(HttpClient.HttpClient, clientOf(sandbox.handler)),
      ),
    ),
  )

/**
 * An `HttpClient` answered in process by a fresh sandbox: provide it instead of
 * `FetchHttpClient.layer` and every Ottu call runs against the simulator. Any base URL works.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: SandboxOptions) => Layer.Layer<HttpClient.HttpClient> =
  layerWithControl

/**
 * Simulates the customer paying the session: one attempt on one of its gateways (the first by
 * default). A success makes it `paid` on a purchase gateway and `authorized` on an authorize one;
 * a decline or cancellation makes it `attempted` (or `failed`/`expired` without multiple
 * attempts); a gateway error leaves it `pending`; `cod` makes it `cod` (API reference §12.3).
 * Open sessions take any attempt; `failed` and `expired` ones a late success or `cod` only.
 *
 * With `save_card`, or on a `save_card` or `auto_debit` checkout, a success on a tokenizable
 * gateway saves the card for the session's customer (bound to the checkout's `agreement.id`, which
 * leaves the customer's older cards). Every outcome but `error` logs a payment event.
 *
 * Succeeds with the payment payload the webhook would carry (`token` holds the saved card).
 *
 * @example
 * ```ts
 * const paid = yield* OttuSandbox.pay(session.session_id, { save_card: true })
 * const token = paid.token?.token
 * ```
 *
 * @since 0.1.0
 * @category control
 */
export const pay = (
  sessionId: string,
  options: Payments.PayOptions = {},
): Effect.Effect<PaymentPayload, Payments.SandboxControlError, OttuSandbox> =>
  Effect.flatMap(OttuSandbox, (sandbox) =>
    Effect.zipLeft(Payments.pay(sandbox.state, sessionId, options), sandbox.dispatch),
  )

/**
 * The session with this id as the sandbox holds it (state, attempts, child transactions, and
 * every amount as a decimal string), or `None` when there is none (never created, or hard-deleted).
 *
 * @since 0.1.0
 * @category control
 */
export const session = (
  sessionId: string,
): Effect.Effect<Option.Option<SessionSnapshot>, never, OttuSandbox> =>
  Effect.flatMap(OttuSandbox, (sandbox) =>
    Effect.map(Ref.get(sandbox.state), (state) =>
      Option.map(HashMap.get(state.sessions, sessionId), snapshotOf),
    ),
  )

/**
 * The events the sandbox would have delivered as webhooks, oldest first: payment events (after
 * every attempt but a gateway error, and after a status query asked to notify) and operation
 * events (after every capture, refund and void). Nothing is delivered.
 *
 * @since 0.1.0
 * @category control
 */
export const events: Effect.Effect<
  ReadonlyArray<SandboxEvent>,
  never,
  OttuSandbox
> = Effect.flatMap(OttuSandbox, (sandbox) =>
  Effect.map(Ref.get(sandbox.state), (state) => state.events),
)

/**
 * The outcomes of the webhook deliveries that finished, oldest first (see
 * {@link SandboxOptions.webhookKey}).
 *
 * @since 0.1.0
 * @category control
 */
export const deliveries: Effect.Effect<
  ReadonlyArray<Delivery>,
  never,
  OttuSandbox
> = Effect.flatMap(OttuSandbox, (sandbox) => sandbox.deliveries)

/**
 * Waits until every webhook delivery under way has finished, retries included.
 *
 * @since 0.1.0
 * @category control
 */
export const awaitDeliveries: Effect.Effect<void, never, OttuSandbox> = Effect.flatMap(
  OttuSandbox,
  (sandbox) => sandbox.awaitDeliveries,
)
