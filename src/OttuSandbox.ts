/**
 * A stateful simulator of the Ottu API, written on `@effect/platform`'s `HttpRouter`. It answers
 * in process (as an `HttpClient` layer) or over the network (as a web handler for `Deno.serve`,
 * `Bun.serve` or Node), validates requests the way Ottu's Django REST Framework server does, and
 * keeps its state (sessions, payments, child transactions, saved cards, the events that would
 * become webhooks) in one `Ref` per sandbox.
 *
 * Routes: checkout create, retrieve, PATCH and PUT; payment methods; operations (cancel, expire,
 * delete, capture, refund, void, with `Tracking-Key` idempotency); payment status query (with
 * Ottu's throttling); saved cards list and delete; auto-debit on both paths; invoices (a session
 * to pay, totals computed as Ottu does); notifications (logged, never sent); cash
 * acknowledgement on both paths; native payments (Apple Pay, Google Pay, wallet;
 * {@link declinedPaymentToken} declines one); the pre-payment check; reports (paged list,
 * download through a storage redirect); the wallet reads (accounts, entries, operations,
 * finalization status); and, with a Keycloak realm ({@link SandboxOptions}), Keycloak's token
 * endpoint, whose `Bearer` tokens the API routes then accept until they expire. The control API
 * ({@link pay}, {@link session}, {@link events}, {@link notifications}, {@link addReport},
 * {@link walletOperation}) plays the customer and lets tests look inside.
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
import type { SandboxControlError } from "./OttuError.ts"
import { clientOf } from "./OttuSandbox/client.ts"
import { type Delivery, dispatch, makeCourier, type Webhooks } from "./OttuSandbox/delivery.ts"
import { type KeycloakOptions, makeRealm } from "./OttuSandbox/keycloak.ts"
import type { PaymentPayload } from "./OttuSandbox/payloads.ts"
import * as Payments from "./OttuSandbox/payments.ts"
import { addReport as addReportTo, type ReportOptions } from "./OttuSandbox/reports.ts"
import { app } from "./OttuSandbox/router.ts"
import { type SessionSnapshot, snapshotOf } from "./OttuSandbox/snapshot.ts"
import {
  type Env,
  makeState,
  SandboxEnv,
  type SandboxEvent,
  type SandboxNotification,
} from "./OttuSandbox/state.ts"
import {
  type WalletOperationOptions,
  walletOperation as walletOperationOn,
} from "./OttuSandbox/wallet.ts"

export {
  /**
   * A control call of the embedded sandbox refused (`OttuSandbox.pay`): an unknown session, a
   * gateway that is not the session's, a state that takes no such attempt, a card that cannot be
   * saved.
   *
   * @since 0.1.0
   * @category errors
   */
  SandboxControlError,
} from "./OttuError.ts"
export type {
  /**
   * What became of one delivery: the answer's status, or the reason there was none.
   *
   * @since 0.1.0
   * @category models
   */
  Delivery,
} from "./OttuSandbox/delivery.ts"
export type {
  /**
   * A gateway (`pg_code`) configured in the sandbox: the `PGPaymentMethods` fields that do not
   * depend on the host, plus the gateway family (`pg`, matched by the `pg_names` filter) and the
   * plugins it is enabled for.
   *
   * @since 0.1.0
   * @category models
   */
  Gateway,
  /**
   * A wallet service a gateway offers (`PGPaymentMethods.payment_services[]`).
   *
   * @since 0.1.0
   * @category models
   */
  PaymentService,
  /**
   * The transaction type, which Ottu also calls the plugin.
   *
   * @since 0.1.0
   * @category models
   */
  Plugin,
} from "./OttuSandbox/gateways.ts"
export {
  /**
   * Every gateway the sandbox knows, in the order the payment-methods endpoint lists them.
   *
   * @since 0.1.0
   * @category catalogue
   */
  gateways,
  /**
   * The codes of the sandbox's gateways, for tests and examples.
   *
   * @since 0.1.0
   * @category catalogue
   */
  pgCodes,
} from "./OttuSandbox/gateways.ts"
export type {
  /**
   * The Keycloak realm a sandbox serves tokens for: its name (Ottu's docs use the merchant's
   * domain), its clients (a client with a secret is confidential: it must send the secret, and
   * only it may use the client-credentials grant; one without is public), the users of the
   * password grant, and how long a token lives (default 300 seconds, Keycloak's default).
   *
   * @since 0.1.0
   * @category models
   */
  KeycloakOptions,
} from "./OttuSandbox/keycloak.ts"
export type {
  /**
   * The outcome of one payment attempt (API reference §12.3): the payer paid (`success`), the
   * gateway declined (`failed`), the payer cancelled on the gateway page (`canceled`), the gateway
   * did not answer (`error`), or the payer chose cash on delivery (`cod`).
   *
   * @since 0.1.0
   * @category models
   */
  AttemptOutcome,
  /**
   * The lifecycle state of a checkout session (API reference §12.1).
   *
   * @since 0.1.0
   * @category models
   */
  CheckoutState,
  /**
   * An operation of the Operations API.
   *
   * @since 0.1.0
   * @category models
   */
  Operation,
} from "./OttuSandbox/lifecycle.ts"
export {
  /**
   * The text that makes the sandbox decline a native payment when the payment data holds it (an
   * Apple Pay `paymentData.data`, a Google Pay `tokenizationData.token`, any value of a wallet
   * payload); any other payment data pays.
   *
   * @since 0.1.0
   * @category control
   */
  declinedPaymentToken,
} from "./OttuSandbox/nativePayment.ts"
export type {
  /**
   * A saved card as the cards API lists it and as payment payloads carry it (`token`), with every
   * field of the spec's `Card`.
   *
   * @since 0.1.0
   * @category models
   */
  CardPayload,
  /**
   * A child transaction as payloads summarise it (the spec's `ChildPayment`).
   *
   * @since 0.1.0
   * @category models
   */
  ChildPayment,
  /**
   * The external-operation payload (API reference §13.3, `ExternalOperation`): the answer of a
   * capture, refund or void, and its webhook. `session_id` and `order_no` are the parent's (the
   * latter `""` when it has none); `txn` is the child transaction.
   *
   * @since 0.1.0
   * @category models
   */
  OperationPayload,
  /**
   * The payment payload (API reference §13.2). Besides the fields named here it carries the
   * session's customer fields, its flattened billing address (`customer_address_*`) and its
   * `extra` when they were given, and `token` when the attempt saved or charged a card.
   *
   * @since 0.1.0
   * @category models
   */
  PaymentPayload,
} from "./OttuSandbox/payloads.ts"
export type {
  /**
   * How a simulated payment goes.
   *
   * @since 0.1.0
   * @category control
   */
  PayOptions,
} from "./OttuSandbox/payments.ts"
export type {
  /**
   * A report file to add to the sandbox ({@link addReport}): every field has a default (a daily,
   * automatic CSV of the sandbox's sessions when it is added).
   *
   * @since 0.1.0
   * @category control
   */
  ReportOptions,
} from "./OttuSandbox/reports.ts"
export type {
  /**
   * A child transaction as a snapshot shows it: its amount as a decimal string.
   *
   * @since 0.1.0
   * @category models
   */
  ChildSnapshot,
  /**
   * A session as the sandbox holds it, for tests. `settled_pg_code` is the gateway that paid or
   * authorized it, `inquiries` the number of status queries it answered, `created_at` epoch
   * milliseconds of the sandbox's `Clock`. `amounts` are decimal strings in the session's currency:
   *
   * * `amount`: the checkout amount; `settled`: the amount paid or authorized (zero before);
   * * `paid`: the amount collected (the purchase, or what was captured of an authorization);
   * * `captured`, `refunded`, `voided`: the sums of the child transactions of each kind;
   * * `remaining`: what is still to settle (all of it before payment, nothing after a purchase,
   *   the authorized amount neither captured nor voided after an authorization);
   * * `refundable`: what was paid and not refunded yet.
   *
   * @since 0.1.0
   * @category models
   */
  SessionSnapshot,
} from "./OttuSandbox/snapshot.ts"
export type {
  /**
   * One payment attempt on a session: the gateway, its outcome, its reference number, when it
   * happened (epoch milliseconds of the sandbox's `Clock`) and the saved card it stored or charged.
   *
   * @since 0.1.0
   * @category models
   */
  Attempt,
  /**
   * The writable fields of a session as the sandbox accepted them: validated, with `amount` already
   * formatted to the currency's decimals, defaults filled in, and every other field (unknown ones
   * included) kept as sent. An uploaded `attachment` is held as its file name.
   *
   * @since 0.1.0
   * @category models
   */
  CheckoutInput,
  /**
   * An event that Ottu would deliver as a webhook, kept as plain data: a payment event (after a
   * payment attempt, or a status query asked to notify) or an operation event (after a capture,
   * refund or void), with the URL it would go to (`null` when the session has none).
   *
   * @since 0.1.0
   * @category models
   */
  SandboxEvent,
  /**
   * A notification the sandbox sent (it only logs it): a transaction's own notification re-sent
   * through `message-notification/` (`kind: "transaction"`, with the event it was about), or a
   * template sent through `send-notification/` or `notifications/send/{channel}/`
   * (`kind: "template"`). `to` is the phone number or e-mail address it went to; `at` is epoch
   * milliseconds of the sandbox's `Clock`.
   *
   * @since 0.1.0
   * @category models
   */
  SandboxNotification,
} from "./OttuSandbox/state.ts"
export type {
  /**
   * A wallet operation to make in the sandbox ({@link walletOperation}): a `refund` credits the
   * wallet (`credit_refund`), an `adjustment` credits or debits it (`direction`, credit by
   * default), a `deduction` debits it (`debit_payment`), a `reservation` holds funds (`reserve`,
   * pending). The first credit in a currency opens the customer's account in it; a debit or
   * reservation needs the available balance.
   *
   * @since 0.1.0
   * @category control
   */
  WalletOperationOptions,
} from "./OttuSandbox/wallet.ts"

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
   * A Keycloak realm: the sandbox then serves
   * `POST /auth/realms/<realm>/protocol/openid-connect/token` as Keycloak does (form-encoded
   * password and client-credentials grants, `invalid_client` and `invalid_grant` refusals) and
   * accepts the `Bearer` tokens it issued, and no other, until they expire (401 after).
   */
  readonly keycloak?: KeycloakOptions
}

/**
 * How to build a sandbox that delivers its webhooks: payment events after payments (and status
 * queries asked to notify), operation events after capture, refund and void, each signed with
 * `webhookKey` and POSTed to the session's `webhook_url` (15 s timeout, 3 retries 5 s apart on
 * timeouts only, as Ottu) through the `HttpClient` in the context of {@link make} or
 * {@link layerWithControl}. Without a webhook key, events are only logged ({@link events}).
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookOptions extends SandboxOptions {
  /** The webhook key the events are signed with (the receiver's key). */
  readonly webhookKey: Redacted.Redacted<string>
}

/** Either kind of options, as the implementations read them. */
type AnyOptions = SandboxOptions & { readonly webhookKey?: Redacted.Redacted<string> | undefined }

/**
 * A running sandbox: its host, its web handler, and the control API ({@link pay},
 * {@link session}, {@link events}, {@link deliveries}, {@link awaitDeliveries}, which the
 * module-level functions call on the one {@link layerWithControl} provides). Everything it
 * shows is a snapshot: its state is not reachable from outside.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly host: string
  readonly handler: (request: Request) => Promise<Response>
  /** See {@link pay}. */
  readonly pay: (
    sessionId: string,
    options?: Payments.PayOptions,
  ) => Effect.Effect<PaymentPayload, SandboxControlError>
  /** See {@link session}. */
  readonly session: (sessionId: string) => Effect.Effect<Option.Option<SessionSnapshot>>
  /** See {@link events}. */
  readonly events: Effect.Effect<ReadonlyArray<SandboxEvent>>
  /** See {@link notifications}. */
  readonly notifications: Effect.Effect<ReadonlyArray<SandboxNotification>>
  /** See {@link deliveries}. */
  readonly deliveries: Effect.Effect<ReadonlyArray<Delivery>>
  /** See {@link awaitDeliveries}. */
  readonly awaitDeliveries: Effect.Effect<void>
  /** See {@link addReport}. */
  readonly addReport: (options?: ReportOptions) => Effect.Effect<string>
  /** See {@link walletOperation}. */
  readonly walletOperation: (
    options: WalletOperationOptions,
  ) => Effect.Effect<number, SandboxControlError>
}

const SandboxBase: Context.TagClass<OttuSandbox, "effect-ottu/OttuSandbox/OttuSandbox", Service> =
  Context.Tag("effect-ottu/OttuSandbox/OttuSandbox")<OttuSandbox, Service>()

/**
 * The sandbox as a service, provided by {@link layerWithControl}.
 *
 * @since 0.1.0
 * @category tags
 */
export class OttuSandbox extends SandboxBase {}

const defaultHost = "sandbox.ottu.test"

/**
 * A fresh instance: its service and the function that disposes of it. The handler reads time
 * from the `Clock` of the context the instance is built in (a `TestClock` in tests). Without
 * `webhooks`, events are only logged.
 */
const build = (options: SandboxOptions, webhooks?: Webhooks) =>
  Effect.gen(function* () {
    const clock = yield* Effect.clock
    const state = yield* makeState
    const scope = yield* Scope.make()
    const courier = yield* Scope.extend(makeCourier(webhooks), scope)
    const env: Env = {
      host: options.host ?? defaultHost,
      apiKey: options.apiKey,
      keycloak: options.keycloak === undefined ? undefined : yield* makeRealm(options.keycloak),
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
      handler: (request) => web.handler(request),
      pay: (sessionId, payOptions = {}) =>
        Effect.zipLeft(Payments.pay(state, sessionId, payOptions), dispatch(courier, state)),
      session: (sessionId) =>
        Effect.map(Ref.get(state), (current) =>
          Option.map(HashMap.get(current.sessions, sessionId), snapshotOf),
        ),
      events: Effect.map(Ref.get(state), (current) => current.events),
      notifications: Effect.map(Ref.get(state), (current) => current.notifications),
      deliveries: Ref.get(courier.deliveries),
      awaitDeliveries: FiberSet.awaitEmpty(courier.running),
      addReport: (reportOptions = {}) =>
        Effect.map(addReportTo(state, reportOptions), (report) => report.encrypted_id),
      walletOperation: (operation) => walletOperationOn(state, operation),
    }
    const dispose = async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await web.dispose()
    }
    return { service, dispose }
  })

/**
 * Builds a sandbox whose handler lives as long as the scope. It reads time from the `Clock` of
 * the context it is built in, so a `TestClock` drives its throttles, timestamps and webhook
 * timeouts. With a webhook key ({@link WebhookOptions}), it delivers its webhooks through the
 * context's `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: {
  (options: WebhookOptions): Effect.Effect<Service, never, Scope.Scope | HttpClient.HttpClient>
  (
    options?: SandboxOptions & { readonly webhookKey?: undefined },
  ): Effect.Effect<Service, never, Scope.Scope>
} = (options: AnyOptions = {}) => {
  const key = options.webhookKey
  // The context's HttpClient is read only with a webhook key, which the first signature asks for.
  const acquire =
    key === undefined
      ? build(options)
      : Effect.flatMap(HttpClient.HttpClient, (client) => build(options, { key, client }))
  return Effect.map(
    Effect.acquireRelease(acquire, ({ dispose }) => Effect.promise(dispose)),
    ({ service }) => service,
  ) as Effect.Effect<Service, never, Scope.Scope>
}

/**
 * A sandbox as a web handler, for `Deno.serve`, `Bun.serve` or a Node adapter. Call `dispose`
 * when the server stops. It has no control API, so no payment happens on it and it delivers no
 * webhooks: use {@link layerWithControl} for flows that need them.
 *
 * **Gotchas**: on Deno with a `node:http` server, call `server.closeAllConnections()` before
 * `server.close()`, or the process waits about 90 s for keep-alive connections.
 *
 * @since 0.1.0
 * @category constructors
 */
export const webHandler = (options?: SandboxOptions): WebHandler => {
  const { service, dispose } = Effect.runSync(build(options ?? {}))
  return { handler: service.handler, dispose }
}

/**
 * A sandbox served as a web handler, and the function that releases it.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebHandler {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
}

/**
 * An `HttpClient` answered in process by a fresh sandbox, plus the {@link OttuSandbox} service
 * to inspect or drive it. With a webhook key ({@link WebhookOptions}), the layer needs the
 * `HttpClient` its webhooks are delivered through (a network one: provide
 * `FetchHttpClient.layer` to it), and still provides its in-process client to the program.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { OttuSandbox } from "effect-ottu"
 *
 * const webhookKey = Redacted.make("the receiver's webhook key")
 * const Sandbox = OttuSandbox.layerWithControl({ webhookKey }).pipe(
 *   Layer.provide(FetchHttpClient.layer),
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithControl: {
  (
    options: WebhookOptions,
  ): Layer.Layer<HttpClient.HttpClient | OttuSandbox, never, HttpClient.HttpClient>
  (
    options?: SandboxOptions & { readonly webhookKey?: undefined },
  ): Layer.Layer<HttpClient.HttpClient | OttuSandbox>
} = (options?: AnyOptions) =>
  Layer.scopedContext(
    // As `make`: with a webhook key, the layer requires the HttpClient (first signature).
    Effect.map(make(options as SandboxOptions), (sandbox) =>
      Context.make(OttuSandbox, sandbox).pipe(
        Context.add(HttpClient.HttpClient, clientOf(sandbox.handler)),
      ),
    ),
  )

/**
 * An `HttpClient` answered in process by a fresh sandbox: provide it instead of
 * `FetchHttpClient.layer` and every Ottu call runs against the simulator. Any base URL works.
 * With a webhook key, it needs an `HttpClient` to deliver through, as {@link layerWithControl}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: {
  (options: WebhookOptions): Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient>
  (
    options?: SandboxOptions & { readonly webhookKey?: undefined },
  ): Layer.Layer<HttpClient.HttpClient>
} = layerWithControl

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
 * import { Effect } from "effect"
 * import { Checkout, OttuSandbox } from "effect-ottu"
 *
 * const savedCard = Effect.gen(function* () {
 *   const session = yield* Checkout.create({
 *     type: "e_commerce",
 *     amount: "9.900",
 *     currency_code: "KWD",
 *     pg_codes: [OttuSandbox.pgCodes.knet],
 *     customer_id: "cust-1",
 *   })
 *   const paid = yield* OttuSandbox.pay(session.session_id, { save_card: true })
 *   return paid.token?.token
 * })
 * ```
 *
 * @since 0.1.0
 * @category control
 */
export const pay = (
  sessionId: string,
  options: Payments.PayOptions = {},
): Effect.Effect<PaymentPayload, SandboxControlError, OttuSandbox> =>
  Effect.flatMap(OttuSandbox, (sandbox) => sandbox.pay(sessionId, options))

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
  Effect.flatMap(OttuSandbox, (sandbox) => sandbox.session(sessionId))

/**
 * The events the sandbox logged for webhooks, oldest first: payment events (after every attempt
 * but a gateway error, and after a status query asked to notify) and operation events (after
 * every capture, refund and void). A sandbox with a webhook key also delivers them (see
 * {@link deliveries}).
 *
 * @since 0.1.0
 * @category control
 */
export const events: Effect.Effect<
  ReadonlyArray<SandboxEvent>,
  never,
  OttuSandbox
> = Effect.flatMap(OttuSandbox, (sandbox) => sandbox.events)

/**
 * The notifications the sandbox sent, oldest first (it logs them and sends nothing): the
 * transaction notifications re-sent through `Notifications.resend` and the templates sent through
 * `Notifications.send` and `Notifications.sendOn`, each with its channel and recipient.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Notifications, OttuSandbox } from "effect-ottu"
 *
 * const logged = Effect.gen(function* () {
 *   yield* Notifications.sendOn("email", { template_id: "payment-link", to: "ali@example.kw" })
 *   return yield* OttuSandbox.notifications
 * })
 * ```
 *
 * @since 0.1.0
 * @category control
 */
export const notifications: Effect.Effect<
  ReadonlyArray<SandboxNotification>,
  never,
  OttuSandbox
> = Effect.flatMap(OttuSandbox, (sandbox) => sandbox.notifications)

/**
 * The outcomes of the webhook deliveries that finished, oldest first (see
 * {@link WebhookOptions}).
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

/**
 * Adds a finished report file to the sandbox, created now (by the sandbox's `Clock`), and
 * answers its `encrypted_id`. The reports list pages through the files (newest first; the last
 * 30 days without date filters) and issues a download token per listed file, valid one hour; a
 * download redirects to pre-signed storage served by the sandbox too (valid five minutes, and
 * refused when an `Authorization` header comes with it, as S3 does). By default the file is a
 * CSV of the sandbox's sessions.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { OttuSandbox, Reports } from "effect-ottu"
 *
 * const listed = Effect.gen(function* () {
 *   yield* OttuSandbox.addReport({ report_name: "Daily", content: "session_id,amount\r\n" })
 *   return yield* Reports.list()
 * })
 * ```
 *
 * @since 0.1.0
 * @category control
 */
export const addReport = (options?: ReportOptions): Effect.Effect<string, never, OttuSandbox> =>
  Effect.flatMap(OttuSandbox, (sandbox) => sandbox.addReport(options))

/**
 * Makes a wallet operation in the sandbox (see {@link WalletOperationOptions}) and answers its
 * numeric id, which the wallet's operations endpoint reads. Its entry shows in the entries of the
 * customer's account, and in its balances. Refused (`SandboxControlError`) for an amount that is
 * not positive in the currency's decimals, and for a debit beyond the available balance.
 *
 * @since 0.1.0
 * @category control
 */
export const walletOperation = (
  options: WalletOperationOptions,
): Effect.Effect<number, SandboxControlError, OttuSandbox> =>
  Effect.flatMap(OttuSandbox, (sandbox) => sandbox.walletOperation(options))
