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
 * - {@link handler}: the webhook receiver's handler that records and applies each event.
 *
 * **What is stored.** A checkout per session id: `type`, `payment_type`, `amount` (a decimal
 * string, never a float), `currency_code`, `state`, `customer_id`, `order_no`, `agreement_id`,
 * the saved card (`token.token` and `token.pg_code` as values, with when it was first seen), the
 * last document applied as JSON, a revision counter and timestamps. Each webhook event: its key,
 * session id, link to its checkout, kind, outcome, payload and reception time.
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
 * read of the checkout (which {@link tracking} does after every operation). A payment event for
 * a session the store does not know creates its checkout; an operation event for one is recorded
 * unlinked.
 *
 * **Deduplication.** An event's key is the SHA-256 of its payload as canonical JSON (sorted
 * keys, `signature` and `timestamp_utc` included). Ottu's retries resend the same body, so they
 * share the key and are recorded and applied once; a re-notification from the dashboard has a new
 * `timestamp_utc` and is a new event (it brings the state already stored).
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
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as AutoDebit from "./AutoDebit.ts"
import * as Memory from "./CheckoutStore/memory.ts"
import {
  type Answer,
  OttuStoreError,
  type Recorded,
  type SavedToken,
  type Service,
  type StoredCheckout,
  type StoredEvent,
} from "./CheckoutStore/model.ts"
import * as Tracking from "./CheckoutStore/tracking.ts"
import { AnswerObserver } from "./internal/observer.ts"
import type * as Webhook from "./Webhook.ts"

/**
 * The models: `StoredCheckout`, `SavedToken`, `StoredEvent`, `Recorded` and its `Outcome`, the
 * `Answer`s that can be saved, and the `Service` interface.
 *
 * @since 0.1.0
 * @category models
 */
export type {
  Answer,
  Outcome,
  Recorded,
  SavedToken,
  Service,
  StoredCheckout,
  StoredEvent,
} from "./CheckoutStore/model.ts"

/**
 * `OttuStoreError`: the store's database failed (the `SqlError` is the `cause`).
 *
 * @since 0.1.0
 * @category errors
 */
export { OttuStoreError } from "./CheckoutStore/model.ts"

/**
 * The checkout store.
 *
 * @since 0.1.0
 * @category tags
 */
export class CheckoutStore extends Context.Tag("effect-ottu/CheckoutStore/CheckoutStore")<
  CheckoutStore,
  Service
>() {}

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
 * import { CheckoutStore } from "effect-ottu"
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
 * `node:sqlite` on Deno, better-sqlite3 on Node — in the file at `path` (created when missing,
 * WAL mode; `":memory:"` for a private in-memory database). Also provides the `SqlClient`, so a
 * `within` effect can write its own tables in the store's transaction.
 *
 * **Gotchas**: one connection serves the process, one transaction at a time; several processes
 * may share the file (each waits up to 5 s for another's write). On Node, better-sqlite3 must be
 * installed (it is a native addon).
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
 * import { CheckoutStore } from "effect-ottu"
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
 * module's ordering and deduplication rules). On the first delivery `within` runs inside that
 * transaction with what was recorded; if it fails, nothing of the event is kept and the failure
 * is returned. A duplicate delivery writes nothing and does not run `within`.
 *
 * @since 0.1.0
 * @category operations
 */
export const record = <E = never, R = never>(
  event: Webhook.Event,
  within?: (recorded: Recorded) => Effect.Effect<void, E, R>,
): Effect.Effect<Recorded, OttuStoreError | E, CheckoutStore | R> =>
  Effect.flatMap(CheckoutStore, (store) => store.record(event, within))

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
 * A handler for `WebhookReceiver` that records and applies every event (see {@link record}),
 * then runs `next` — inside the same transaction, on the first delivery only. A store failure
 * or a failure of `next` answers Ottu 400 and keeps nothing of the event.
 *
 * **Gotchas**: Ottu retries a delivery only when it times out, so an event refused with 400 is
 * not sent again by itself; re-send it from Ottu's dashboard, or read the checkout again.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { CheckoutStore, WebhookReceiver } from "effect-ottu"
 *
 * const receiver = WebhookReceiver.webHandler(
 *   {
 *     handler: CheckoutStore.handler((event, recorded) =>
 *       recorded.outcome === "applied" ? Effect.log(`${event.session_id} applied`) : Effect.void,
 *     ),
 *   },
 *   CheckoutStore.layerSqlite("ottu.sqlite"),
 * )
 * ```
 *
 * @since 0.1.0
 * @category webhooks
 */
export const handler =
  <E = never, R = never>(
    next?: (event: Webhook.Event, recorded: Recorded) => Effect.Effect<void, E, R>,
  ) =>
  (event: Webhook.Event): Effect.Effect<void, OttuStoreError | E, CheckoutStore | R> =>
    Effect.asVoid(
      record(event, next === undefined ? undefined : (recorded) => next(event, recorded)),
    )
