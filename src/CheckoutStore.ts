/**
 * Persistence: the checkouts your back end created through the SDK and the webhook events Ottu
 * sent about them, kept in a database — ottu-py's Django integration (`Checkout` and `Webhook`
 * models, the `Ottu` client that saves every session, the token lookup for auto-debit), without
 * its bugs.
 *
 * - {@link layerMemory}: in memory, for tests and tools.
 * - {@link layerSql}: on any `@effect/sql` `SqlClient` for SQLite or PostgreSQL (for example
 *   `@effect/sql-pg`'s `PgClient.layer`), its tables created by migrations.
 * - {@link layerSqlite}: the embedded default, the runtime's own SQLite in a file (WAL mode).
 * - {@link tracking}: every checkout the SDK touches is saved, and the auto-debit autoflow finds
 *   its token in the store.
 * - {@link handler}: the webhook receiver's handler that records and applies each event, or in
 *   confirm mode applies Ottu's own answer about its checkout.
 *
 * **What is stored.** A checkout per session id: `type`, `payment_type`, `amount` (a decimal
 * string, never a float), `currency_code`, `state`, `customer_id`, `order_no`, `agreement_id`,
 * the saved card (`token.token` and `token.pg_code` as values, with when it was first seen), the
 * last document applied as JSON, a revision counter and timestamps. Each webhook event: its key,
 * session id, link to its checkout, kind, outcome (and the reason of a refusal), payload and
 * reception time.
 *
 * **Ordering rule.** Answers and webhooks can arrive late or out of order. A document (an SDK
 * answer or a payment event) moves the checkout only if its state can follow the stored one in
 * Ottu's lifecycle (API reference §12):
 *
 * | stored state | accepts |
 * |---|---|
 * | `created` | any state |
 * | `pending`, `attempted` | any state but `created` (the latest open state wins) |
 * | `failed`, `expired` | `authorized`, `paid`, `cod` (a late payment), `refunded` |
 * | `authorized` | `paid` (captured), `voided`, `refunded` |
 * | `cod` | `paid`, `canceled`, `refunded` |
 * | `paid` | `refunded` |
 * | `canceled`, `invalided`, `refunded`, `voided` | nothing: final |
 *
 * The same state is always accepted (it refreshes the other fields), and so is anything after a
 * state this table does not know. A document that cannot follow is *stale*: the checkout keeps
 * its state, amount and payload and takes only the details it lacked (a saved card, the
 * customer, the agreement). Operation events (capture, refund, void) do not carry the parent's
 * new state: they are recorded and linked, and the state follows from the next payment event or
 * read of the checkout (which {@link tracking} does after every operation, and confirm mode
 * after every event).
 *
 * **Trust.** A webhook's signature covers some of its fields only. The standard scheme (every
 * regular webhook) signs 18 fields — `amount`, `currency_code`, `order_no`, `state`, `result`,
 * `reference_number`, the gateway and the customer's contact fields — and **not** `session_id`,
 * `customer_id`, `payment_type`, `agreement`, `token` or `timestamp_utc`; its message has no
 * separators, so text can even be moved from one signed field to the next. The subscription
 * scheme (tokenizing and auto-debit payments of newer instances) also signs `session_id`,
 * `payment_type`, `agreement.id` and `token.token`, `token.customer_id`, `token.pg_code`. Whoever
 * captured one genuine body can replay it with any unsigned field changed, so the store:
 *
 * - **cross-checks** every event against the checkout of its session before applying it: a
 *   payment event's signed `order_no`, `currency_code` and `amount` must be the stored
 *   checkout's; an operation event's `order_no` must be its parent's, its `amount` (which may
 *   be partial) positive and no larger than the parent's, and a `currency_code` if sent the
 *   parent's. Amounts compare as decimals (`"10.000"` = `"10"` = `10.0`); a field with a value
 *   on one side only (absent, `null` and `""` being no value) is a mismatch. An event that fails
 *   is **refused**: recorded with its payload and the reason, the checkout untouched;
 * - refuses an event about a session it does not know, unless it is a payment event signed with
 *   the subscription scheme (which signs the session): a standard-scheme body with a forged
 *   `session_id` must not create a paid checkout. Checkouts made outside the SDK, or without
 *   {@link tracking}, are known only in confirm mode;
 * - applies only what the scheme signs: a standard-scheme event moves the state and the signed
 *   fields and never sets `type`, `payment_type`, `customer_id`, the agreement or the saved card;
 *   a subscription-scheme event also sets `payment_type`, the agreement and the card, whose
 *   customer is the signed `token.customer_id`. So a card becomes an auto-debit card only from a
 *   subscription-scheme event, or in confirm mode when Ottu lists it among the customer's saved
 *   cards (`Cards.list`).
 *
 * Cross-checks cannot tell apart two checkouts with the same order number, amount and currency:
 * keep order numbers unique, or use confirm mode ({@link handler}), which applies Ottu's answer
 * (`Checkout.retrieve`) instead of the body and makes every one of these rules moot.
 *
 * **Deduplication.** An event's key is the SHA-256 of its kind, its session id and its
 * `signature` — an HMAC of exactly the signed fields. Ottu's retries resend the same body, and a
 * re-notification from the dashboard differs only in the unsigned `timestamp_utc`: both are the
 * event already recorded, as is any replay that changes only unsigned fields (junk fields
 * included), so they are recorded and applied once. A new attempt or a new operation has its own
 * `reference_number` (signed), so two genuine partial refunds of one payment are two events even
 * with the same amount. The same body under another session id is another event (then refused by
 * the cross-checks). An event without a signature (built by hand) is keyed by its whole payload.
 * A **refused** event is the exception: delivered again (re-sent from Ottu's dashboard), it is
 * decided again in its place, so an event refused because its checkout was not stored yet, or
 * because Ottu could not be asked in confirm mode, is applied once it can be.
 *
 * **Concurrency.** Recording an event — inserting it, merging it into its checkout, and the
 * optional `within` effect — is one transaction, serialised per session: on PostgreSQL by a row
 * lock on the checkout (taken with `INSERT … ON CONFLICT DO UPDATE` or `UPDATE … RETURNING`, the
 * lock `SELECT … FOR UPDATE` takes), on SQLite by `BEGIN IMMEDIATE` (one writer at a time), in
 * memory by a lock. Concurrent deliveries lose no update, and a failure rolls everything back.
 *
 * `@effect/sql` is loaded only when a SQL layer is built (a dynamic import), so the rest of the
 * SDK never loads it.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as AutoDebit from "./AutoDebit.ts"
import * as Cards from "./Cards.ts"
import * as Checkout from "./Checkout.ts"
import * as Memory from "./CheckoutStore/memory.ts"
import {
  type Answer,
  type Confirmed,
  OttuStoreError,
  OttuWebhookRefusedError,
  type Recorded,
  type RecordOptions,
  type SavedToken,
  type Service,
  type StoredCheckout,
  type StoredEvent,
} from "./CheckoutStore/model.ts"
import { eventCard } from "./CheckoutStore/records.ts"
import * as Tracking from "./CheckoutStore/tracking.ts"
import { AnswerObserver } from "./internal/observer.ts"
import type { OttuConfig } from "./OttuConfig.ts"
import type * as Webhook from "./Webhook.ts"
import type * as WebhookReceiver from "./WebhookReceiver.ts"

export type {
  /**
   * An answer of Ottu about one checkout, with its session id: a checkout session (create,
   * retrieve, update, replace) or a payment payload (auto-debit charge, payment status query).
   *
   * @since 0.1.0
   * @category models
   */
  Answer,
  /**
   * What Ottu answered when asked about an event's checkout (confirm mode): its checkout
   * (`Checkout.retrieve`), `null` when Ottu does not know the session (404) or could not be asked;
   * the card of the event when Ottu confirmed it, `null` otherwise; and, when Ottu could not be
   * asked (a timeout, a 5xx, ...), why (`unanswered`): the event is then refused and kept, and
   * decided again when it is delivered again.
   *
   * @since 0.1.0
   * @category models
   */
  Confirmed,
  /**
   * What the store did with a webhook event:
   *
   * - `applied`: a payment event moved the checkout (or created it); in confirm mode, any event
   *   whose checkout Ottu's answer moved (or created);
   * - `stale`: a payment event (in confirm mode, Ottu's answer) whose state cannot follow the
   *   stored one (it arrived late): the
   *   checkout keeps its state, amount and payload, and only takes the details it lacked (a
   *   saved card, the customer, the agreement);
   * - `recorded`: an operation event outside confirm mode; the parent checkout is not changed, since the event does not
   *   say its new state (a payment webhook or a re-read does);
   * - `refused`: the event failed a cross-check (it cannot be about that checkout: see
   *   `CheckoutStore` on trust), or names a session the store (or, in confirm mode, Ottu) does not
   *   know: it is kept with its payload and its `reason`, and the checkout is not changed;
   * - `duplicate`: the same event was recorded before; nothing was written.
   *
   * @since 0.1.0
   * @category models
   */
  Outcome,
  /**
   * The result of recording a webhook event: what was done, the event's key, its checkout
   * afterwards (none when the store has no checkout with that session id), and for a `refused`
   * event the reason.
   *
   * @since 0.1.0
   * @category models
   */
  Recorded,
  /**
   * How to record a webhook event:
   *
   * - `scheme`: the scheme its signature was made with (the receiver's `Delivery`), which says
   *   which of its fields can be trusted; `"standard"` when absent (it signs the least);
   * - `confirmed`: Ottu's answer about its checkout (confirm mode): applied instead of the event;
   * - `within`: runs inside the store's transaction with what was recorded, on the first delivery
   *   of an event that is not refused; when it fails, nothing of the event is kept.
   *
   * @since 0.1.0
   * @category models
   */
  RecordOptions,
  /**
   * A saved card of a checkout: what charges it later (`token`, `pg_code`), and when the store
   * first saw it on that checkout.
   *
   * @since 0.1.0
   * @category models
   */
  SavedToken,
  /**
   * The store's operations; failures of the database are `OttuStoreError`s.
   *
   * @since 0.1.0
   * @category models
   */
  Service,
  /**
   * A checkout as the store keeps it: the fields worth querying as columns, and the last document
   * applied to it (a checkout answer or a payment payload) as it came. `null` means no document
   * said it yet. `revision` counts the documents applied; `updated_at` is when the last one was.
   *
   * @since 0.1.0
   * @category models
   */
  StoredCheckout,
  /**
   * A webhook event as the store keeps it, oldest first per session. `key` identifies the event
   * (see `CheckoutStore` on deduplication); `checkout_session_id` links it to its checkout, and is
   * `null` when the store had none with that session id; `reason` says why a `refused` event was
   * refused (`null` for the other outcomes).
   *
   * @since 0.1.0
   * @category models
   */
  StoredEvent,
} from "./CheckoutStore/model.ts"

export {
  /**
   * The checkout store failed: the database could not be opened or migrated, or a query failed
   * (the underlying `SqlError` is the `cause`). A failed `record` kept nothing of the event.
   *
   * @since 0.1.0
   * @category errors
   */
  OttuStoreError,
  /**
   * The checkout store refused a webhook event (its outcome is `refused`): it failed a cross-check
   * or names a session that is not known. The event was recorded with the reason; its checkout
   * was not changed. Carries the session id and the reason, never the body.
   *
   * @since 0.1.0
   * @category errors
   */
  OttuWebhookRefusedError,
} from "./CheckoutStore/model.ts"

const CheckoutStoreBase: Context.TagClass<
  CheckoutStore,
  "effect-ottu/CheckoutStore/CheckoutStore",
  Service
> = Context.Tag("effect-ottu/CheckoutStore/CheckoutStore")<CheckoutStore, Service>()

/**
 * The checkout store.
 *
 * @since 0.1.0
 * @category tags
 */
export class CheckoutStore extends CheckoutStoreBase {}

// ---------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------

/**
 * A store in memory, empty, private to the layer. Reads see committed state; a `within` effect
 * must not write to this store (it fails with `OttuStoreError` instead of waiting for itself).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<CheckoutStore> = Layer.effect(CheckoutStore, Memory.make)

/** The SQL store's module, loaded on first use. */
const sqlStore = Effect.tryPromise({
  try: () => import("./CheckoutStore/sql.ts"),
  catch: (cause) =>
    new OttuStoreError({
      operation: "open",
      reason:
        "the SQL store could not be loaded (are @effect/sql and @effect/experimental installed?)",
      cause,
    }),
})

/**
 * The store on the context's `SqlClient` (SQLite or PostgreSQL), after running its migrations
 * (tables `ottu_checkouts` and `ottu_webhook_events`, tracked in `effect_ottu_migrations`, apart
 * from your application's migrations).
 *
 * @example
 * ```ts
 * import { PgClient } from "@effect/sql-pg"
 * import { Layer, Redacted } from "effect"
 * import * as CheckoutStore from "effect-ottu/CheckoutStore"
 *
 * const Store = CheckoutStore.layerSql.pipe(
 *   Layer.provideMerge(PgClient.layer({ url: Redacted.make(process.env.DATABASE_URL!) })),
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSql: Layer.Layer<CheckoutStore, OttuStoreError, SqlClient.SqlClient> =
  Layer.effect(
    CheckoutStore,
    Effect.flatMap(sqlStore, (module) => module.make),
  )

/**
 * Runs the store's migrations on the context's `SqlClient` (what {@link layerSql} does when it is
 * built), for a deploy step; the migrations it ran, none when the schema is current.
 *
 * Safe to run from several replicas at once: the migrations run in one transaction under a lock
 * (an advisory lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so the others wait and then
 * find them done.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  OttuStoreError,
  SqlClient.SqlClient
> = Effect.flatMap(sqlStore, (module) => module.migrate)

/**
 * The embedded default: the store on the runtime's own SQLite — `bun:sqlite` on Bun,
 * `node:sqlite` on Node (≥ 22.13) and Deno, nothing compiled — in the file at `path` (created
 * when missing, WAL mode; `":memory:"` for a private in-memory database). Also provides the
 * `SqlClient`, so a `within` effect can write its own tables in the store's transaction.
 *
 * **Gotchas**: one connection serves the process, one transaction at a time; several processes
 * may share the file (each waits up to 5 s for another's write). Node 22 prints one
 * `ExperimentalWarning` when it first loads `node:sqlite`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (
  path: string,
): Layer.Layer<CheckoutStore | SqlClient.SqlClient, OttuStoreError> =>
  Layer.provideMerge(
    layerSql,
    Layer.unwrapEffect(
      Effect.map(
        Effect.tryPromise({
          try: () => import("./CheckoutStore/sqliteClient.ts"),
          catch: (cause) =>
            new OttuStoreError({ operation: "open", reason: "SQLite could not be loaded", cause }),
        }),
        (module) =>
          Layer.catchAll(module.layer(path), (error: SqlError.SqlError) =>
            Layer.fail(
              new OttuStoreError({
                operation: "open",
                reason: `${error.message}: ${String(error.cause)}`,
                cause: error,
              }),
            ),
          ),
      ),
    ),
  )

/**
 * Automatic persistence (ottu-py's Django `Ottu`), as a layer over your store:
 *
 * - every checkout created, retrieved, updated or replaced, charged by auto-debit, queried for
 *   its payment status, or operated on (cancel, expire, delete, capture, refund, void: it is
 *   read again afterwards, as ottu-py's refresh does) is saved, under the ordering rule;
 * - `AutoDebit.TokenSource` is the store's: the token of the card **most recently** saved for the
 *   customer under the agreement.
 *
 * The SDK's one HTTP boundary hands it every successful answer after decoding it, outside the
 * call's timeout: no request is rewritten and no answer is read twice. New checkouts get the
 * default `webhook_url` of `OttuConfig` (`OTTU_WEBHOOK_URL`), with or without this layer.
 *
 * **Gotchas**: saving never changes the outcome of a call (Ottu already acted): a save that
 * fails is logged as an error, and the next call or webhook about that checkout saves it again.
 * A slow store makes the call return later, never time out. An operation costs one more request
 * (the re-read). An operation by `order_no` is tracked when the store knows a checkout with that
 * order number.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import * as CheckoutStore from "effect-ottu/CheckoutStore"
 *
 * const Persisted = CheckoutStore.tracking.pipe(
 *   Layer.provideMerge(CheckoutStore.layerSqlite("ottu.sqlite")),
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const tracking: Layer.Layer<AnswerObserver | AutoDebit.TokenSource, never, CheckoutStore> =
  Layer.effectContext(
    Effect.map(CheckoutStore, (store) =>
      Context.make(AnswerObserver, Tracking.observer(store)).pipe(
        Context.add(AutoDebit.TokenSource, Tracking.tokenSource(store)),
      ),
    ),
  )

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/**
 * Saves an answer of Ottu (a checkout session or a payment payload) under the ordering rule; the
 * stored checkout afterwards. {@link tracking} calls this for you.
 *
 * @since 0.1.0
 * @category operations
 */
export const save = (
  answer: Answer,
): Effect.Effect<StoredCheckout, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.save(answer))

/**
 * The stored checkout with this session id.
 *
 * @since 0.1.0
 * @category operations
 */
export const get = (
  sessionId: string,
): Effect.Effect<Option.Option<StoredCheckout>, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.get(sessionId))

/**
 * The most recently updated stored checkout with this order number.
 *
 * @since 0.1.0
 * @category operations
 */
export const findByOrderNo = (
  orderNo: string,
): Effect.Effect<Option.Option<StoredCheckout>, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.findByOrderNo(orderNo))

/**
 * Records a verified webhook event and applies it to its checkout in one transaction (see the
 * module's trust, ordering and deduplication rules). The second argument is either `within`
 * alone, or {@link RecordOptions}: the `scheme` that signed the event (default `"standard"`,
 * which signs the least), Ottu's answer about the checkout when the event was `confirmed`, and
 * `within`. On the first delivery of an event that is not refused, `within` runs inside that
 * transaction with what was recorded; if it fails, nothing of the event is kept and the failure
 * is returned. A duplicate delivery writes nothing and does not run `within`; a refused event
 * is recorded (with its reason) without changing its checkout, and does not run `within`.
 *
 * @since 0.1.0
 * @category operations
 */
export const record = <E = never, R = never>(
  event: Webhook.Event,
  options?: RecordOptions<E, R> | ((recorded: Recorded) => Effect.Effect<void, E, R>),
): Effect.Effect<Recorded, OttuStoreError | E, CheckoutStore | R> =>
  Effect.flatMap(CheckoutStore, (store) =>
    store.record(event, typeof options === "function" ? { within: options } : options),
  )

/**
 * The webhook events recorded for a session, oldest first.
 *
 * @since 0.1.0
 * @category operations
 */
export const events = (
  sessionId: string,
): Effect.Effect<ReadonlyArray<StoredEvent>, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.events(sessionId))

/**
 * The most recently updated stored checkouts, newest first, at most `limit` of them (ties: the
 * most recently created first, then by session id): what `ottu store checkouts` lists.
 *
 * @since 0.1.0
 * @category operations
 */
export const recent = (options: {
  readonly limit: number
}): Effect.Effect<ReadonlyArray<StoredCheckout>, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.recent(options))

/**
 * The most recently received webhook events of every session, newest first, at most `limit` of
 * them (ties: the most recently recorded first): what `ottu store events` lists.
 *
 * @since 0.1.0
 * @category operations
 */
export const recentEvents = (options: {
  readonly limit: number
}): Effect.Effect<ReadonlyArray<StoredEvent>, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.recentEvents(options))

/**
 * The card most recently saved on a checkout of this customer under this agreement (ottu-py
 * takes the first row it finds, which is the oldest).
 *
 * @since 0.1.0
 * @category operations
 */
export const latestToken = (query: {
  readonly customer_id: string
  readonly agreement_id: string
}): Effect.Effect<Option.Option<SavedToken>, OttuStoreError, CheckoutStore> =>
  Effect.flatMap(CheckoutStore, (store) => store.latestToken(query))

/**
 * What {@link handler} runs after recording an event (inside the same transaction, on the first
 * delivery of an event that is not refused), with what was recorded.
 *
 * @since 0.1.0
 * @category models
 */
export type Next<E, R> = (event: Webhook.Event, recorded: Recorded) => Effect.Effect<void, E, R>

/**
 * The options of {@link handler}: `confirm` (confirm mode: each event is only a notification,
 * and Ottu's own answer about the checkout is applied) and `next`.
 *
 * @since 0.1.0
 * @category models
 */
export interface HandlerOptions<E, R> {
  readonly confirm?: boolean | undefined
  readonly next?: Next<E, R> | undefined
}

/** Whether the confirmed checkout's customer has the event's card saved at Ottu. */
const confirmCard = (
  card: Confirmed["token"],
  scheme: Webhook.Scheme,
  checkout: Checkout.CheckoutSession,
): Effect.Effect<Confirmed["token"], never, OttuConfig | HttpClient.HttpClient> => {
  if (card === null || scheme === "subscription") return Effect.succeed(card)
  const customer = checkout.customer_id
  if (customer === undefined || customer === null || customer === "") return Effect.succeed(null)
  return Cards.list({ customer_id: customer }).pipe(
    Effect.map((cards) => {
      const saved = cards.find((listed) => listed.token === card.token)
      return saved === undefined ? null : { token: saved.token, pg_code: saved.pg_code ?? null }
    }),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logWarning(
          `CheckoutStore: the card of a webhook event could not be confirmed (${error._tag})`,
        ),
        null,
      ),
    ),
  )
}

/**
 * Confirm mode: Ottu's answer about the event's checkout, read before the store's transaction
 * (no database lock is held over HTTP), and the event's card if Ottu confirms it. When Ottu
 * cannot be asked, the answer says why, so that the event is kept (refused) rather than lost.
 */
const confirmation = (
  event: Webhook.Event,
  scheme: Webhook.Scheme,
): Effect.Effect<Confirmed, never, OttuConfig | HttpClient.HttpClient> =>
  Checkout.retrieve(event.session_id).pipe(
    Effect.flatMap((checkout) =>
      Effect.map(confirmCard(eventCard(event), scheme, checkout), (token) => ({
        checkout: checkout as Answer,
        token,
      })),
    ),
    Effect.catchAll((error) =>
      Effect.succeed<Confirmed>(
        error._tag === "OttuNotFoundError"
          ? { checkout: null, token: null }
          : { checkout: null, token: null, unanswered: error._tag },
      ),
    ),
  )

/** Records an event, and fails with `OttuWebhookRefusedError` (after logging it) when refused. */
const recordOrRefuse = <E, R>(
  event: Webhook.Event,
  options: RecordOptions<E, R>,
): Effect.Effect<void, OttuStoreError | OttuWebhookRefusedError | E, CheckoutStore | R> =>
  Effect.flatMap(record(event, options), (recorded) => {
    if (recorded.outcome !== "refused") return Effect.void
    const refusal = new OttuWebhookRefusedError({
      session_id: event.session_id,
      key: recorded.key,
      reason: recorded.reason ?? "refused",
    })
    return Effect.zipRight(Effect.logWarning(refusal.message), Effect.fail(refusal))
  })

/**
 * A handler for `WebhookReceiver` that records and applies every event (see {@link record}),
 * then runs `next` — inside the same transaction, on the first delivery of an event that is not
 * refused. It reads the signing scheme from the receiver's `Delivery` (without one, the
 * standard scheme, which signs the least, is assumed).
 *
 * - `handler()`, `handler(next)` or `handler({ next })`: the event is cross-checked against the
 *   stored checkout and applied as far as its signature covers it (see the module's "Trust"
 *   rules). A checkout not created or read through the SDK ({@link tracking}) is unknown, and
 *   a standard-scheme event about it is refused.
 * - `handler({ confirm: true, next })`, **confirm mode**: the event is a notification only. The
 *   checkout is read from Ottu first (`Checkout.retrieve`, authenticated by your API key, before
 *   the store's transaction), the event must match that answer, and that answer is what is
 *   applied; a card the event carries is saved only when Ottu confirms it (see the module). Needs
 *   `OttuConfig` and an `HttpClient`, and costs one read per event. Use it whenever you can
 *   afford that read; it is required when checkouts are created outside this SDK or without
 *   {@link tracking}, or when order numbers are not unique.
 *
 * The receiver answers Ottu:
 *
 * - 200 (success) once the event is recorded, applied or a duplicate;
 * - 400 when it was **refused** (`OttuWebhookRefusedError`, logged as a warning with the reason,
 *   never the body): it is kept in the store with its reason, and the checkout is untouched.
 *   Ottu does not retry a 400 (it retries only on timeouts), so a replayed body gains nothing;
 *   a genuine event refused this way (a checkout the store never saw) shows as a failed delivery
 *   in Ottu's dashboard and in Ottu's error email, instead of being silently accepted, and the
 *   payer is not redirected as if all were well;
 * - 400 when confirm mode could not ask Ottu (a timeout, a 5xx, ...): the event is refused and
 *   kept as above, with that reason;
 * - 400 when the store or `next` fails: nothing of the event is kept.
 *
 * **Gotchas**: Ottu retries a delivery only when it times out, so an event refused with 400 is
 * not sent again by itself. A refused event delivered again (re-sent from Ottu's dashboard) is
 * decided again, not taken for a duplicate: once its checkout is known, or Ottu can be asked, it
 * is applied.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { OttuConfig, WebhookReceiver } from "effect-ottu"
 * import * as CheckoutStore from "effect-ottu/CheckoutStore"
 * import { FetchHttpClient } from "@effect/platform"
 *
 * const receiver = WebhookReceiver.webHandler(
 *   {
 *     handler: CheckoutStore.handler({
 *       confirm: true,
 *       next: (event, recorded) =>
 *         recorded.outcome === "applied" ? Effect.log(`${event.session_id} applied`) : Effect.void,
 *     }),
 *     key: Redacted.make("the webhook key"),
 *   },
 *   Layer.mergeAll(CheckoutStore.layerSqlite("ottu.sqlite"), OttuConfig.layerConfig(), FetchHttpClient.layer),
 * )
 * ```
 *
 * @since 0.1.0
 * @category webhooks
 */
export const handler: {
  <E = never, R = never>(
    options: HandlerOptions<E, R> & { readonly confirm: true },
  ): (
    event: Webhook.Event,
    delivery?: WebhookReceiver.Delivery,
  ) => Effect.Effect<
    void,
    OttuStoreError | OttuWebhookRefusedError | E,
    CheckoutStore | OttuConfig | HttpClient.HttpClient | R
  >
  <E = never, R = never>(
    next?: Next<E, R> | (HandlerOptions<E, R> & { readonly confirm?: false | undefined }),
  ): (
    event: Webhook.Event,
    delivery?: WebhookReceiver.Delivery,
  ) => Effect.Effect<void, OttuStoreError | OttuWebhookRefusedError | E, CheckoutStore | R>
} =
  <E = never, R = never>(next?: Next<E, R> | HandlerOptions<E, R>) =>
  (
    event: Webhook.Event,
    delivery?: WebhookReceiver.Delivery,
  ): Effect.Effect<
    void,
    OttuStoreError | OttuWebhookRefusedError | E,
    CheckoutStore | OttuConfig | HttpClient.HttpClient | R
  > => {
    const options = typeof next === "function" ? { next } : (next ?? {})
    const then = options.next
    const scheme = delivery?.scheme ?? "standard"
    const within = then === undefined ? undefined : (recorded: Recorded) => then(event, recorded)
    if (options.confirm !== true) return recordOrRefuse(event, { scheme, within })
    return Effect.flatMap(confirmation(event, scheme), (confirmed) =>
      recordOrRefuse(event, { scheme, confirmed, within }),
    )
  }
