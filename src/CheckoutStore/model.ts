/**
 * What the checkout store keeps and answers, and its error. Exported by `CheckoutStore`.
 *
 * @internal
 */
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Webhook from "../Webhook.ts"

/**
 * A saved card of a checkout: what charges it later (`token`, `pg_code`), and when the store
 * first saw it on that checkout.
 *
 * @since 0.1.0
 * @category models
 */
export interface SavedToken {
  readonly token: string
  readonly pg_code: string | null
  readonly saved_at: DateTime.Utc
}

/**
 * A checkout as the store keeps it: the fields worth querying as columns, and the last document
 * applied to it (a checkout answer or a payment payload) as it came. `null` means no document
 * said it yet. `revision` counts the documents applied; `updated_at` is when the last one was.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredCheckout {
  readonly session_id: string
  readonly type: string | null
  readonly payment_type: string | null
  /** A decimal string as Ottu sent it (`"20.230"`), never a float. */
  readonly amount: string | null
  readonly currency_code: string | null
  readonly state: string | null
  readonly customer_id: string | null
  readonly order_no: string | null
  readonly agreement_id: string | null
  readonly token: SavedToken | null
  readonly payload: Readonly<Record<string, unknown>>
  readonly revision: number
  readonly created_at: DateTime.Utc
  readonly updated_at: DateTime.Utc
}

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
export type Outcome = "applied" | "stale" | "recorded" | "refused" | "duplicate"

/**
 * A webhook event as the store keeps it, oldest first per session. `key` identifies the event
 * (see `CheckoutStore` on deduplication); `checkout_session_id` links it to its checkout, and is
 * `null` when the store had none with that session id; `reason` says why a `refused` event was
 * refused (`null` for the other outcomes).
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredEvent {
  readonly key: string
  readonly session_id: string
  readonly checkout_session_id: string | null
  readonly kind: "payment" | "operation"
  readonly outcome: Exclude<Outcome, "duplicate">
  readonly reason: string | null
  readonly payload: Readonly<Record<string, unknown>>
  readonly received_at: DateTime.Utc
}

/**
 * The result of recording a webhook event: what was done, the event's key, its checkout
 * afterwards (none when the store has no checkout with that session id), and for a `refused`
 * event the reason.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recorded {
  readonly outcome: Outcome
  readonly key: string
  readonly checkout: Option.Option<StoredCheckout>
  readonly reason?: string | undefined
}

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
export interface Confirmed {
  readonly checkout: Answer | null
  readonly token: Omit<SavedToken, "saved_at"> | null
  readonly unanswered?: string | undefined
}

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
export interface RecordOptions<E, R> {
  readonly scheme?: Webhook.Scheme | undefined
  readonly confirmed?: Confirmed | undefined
  readonly within?: ((recorded: Recorded) => Effect.Effect<void, E, R>) | undefined
}

/**
 * An answer of Ottu about one checkout, with its session id: a checkout session (create,
 * retrieve, update, replace) or a payment payload (auto-debit charge, payment status query).
 *
 * @since 0.1.0
 * @category models
 */
export type Answer = Readonly<{ session_id: string }> & Readonly<Record<string, unknown>>

/**
 * A listing's `limit` as a row count: a whole number from 0 (what is below, and `NaN`, counts as
 * 0) to 2^31 - 1 (what is above counts as that).
 *
 * @internal
 */
export const rowLimit = (limit: number): number =>
  Number.isNaN(limit) ? 0 : Math.min(2_147_483_647, Math.max(0, Math.floor(limit)))

/**
 * The store's operations; failures of the database are `OttuStoreError`s.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Saves an answer of Ottu, following the ordering rule; the checkout afterwards. */
  readonly save: (answer: Answer) => Effect.Effect<StoredCheckout, OttuStoreError>
  /** The checkout with this session id. */
  readonly get: (sessionId: string) => Effect.Effect<Option.Option<StoredCheckout>, OttuStoreError>
  /** The most recently updated checkout with this order number. */
  readonly findByOrderNo: (
    orderNo: string,
  ) => Effect.Effect<Option.Option<StoredCheckout>, OttuStoreError>
  /**
   * Records a verified webhook event and applies it to its checkout, in one transaction, once:
   * a duplicate is neither recorded nor applied again, a refused event is recorded and not
   * applied (see {@link RecordOptions} for `within`).
   */
  readonly record: <E = never, R = never>(
    event: Webhook.Event,
    options?: RecordOptions<E, R>,
  ) => Effect.Effect<Recorded, OttuStoreError | E, R>
  /** The events recorded for a session, oldest first. */
  readonly events: (sessionId: string) => Effect.Effect<ReadonlyArray<StoredEvent>, OttuStoreError>
  /**
   * The most recently updated checkouts, newest first (ties: the most recently created first,
   * then by session id), at most `limit` of them.
   */
  readonly recent: (options: {
    readonly limit: number
  }) => Effect.Effect<ReadonlyArray<StoredCheckout>, OttuStoreError>
  /**
   * The most recently received events of every session, newest first (ties: the most recently
   * recorded first), at most `limit` of them.
   */
  readonly recentEvents: (options: {
    readonly limit: number
  }) => Effect.Effect<ReadonlyArray<StoredEvent>, OttuStoreError>
  /** The card most recently saved on a checkout of this customer under this agreement. */
  readonly latestToken: (query: {
    readonly customer_id: string
    readonly agreement_id: string
  }) => Effect.Effect<Option.Option<SavedToken>, OttuStoreError>
}

const WebhookRefusedErrorBase: Schema.TaggedErrorClass<
  OttuWebhookRefusedError,
  "OttuWebhookRefusedError",
  {
    readonly _tag: Schema.tag<"OttuWebhookRefusedError">
  } & {
    session_id: typeof Schema.String
    key: typeof Schema.String
    reason: typeof Schema.String
  }
> = Schema.TaggedError<OttuWebhookRefusedError>()("OttuWebhookRefusedError", {
  session_id: Schema.String,
  key: Schema.String,
  reason: Schema.String,
})

/**
 * The checkout store refused a webhook event (its outcome is `refused`): it failed a cross-check
 * or names a session that is not known. The event was recorded with the reason; its checkout
 * was not changed. Carries the session id and the reason, never the body.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuWebhookRefusedError extends WebhookRefusedErrorBase {
  override get message(): string {
    return `CheckoutStore refused the webhook event for session ${this.session_id}: ${this.reason}`
  }
}

/** The store's operations, as `OttuStoreError` names them. */
const storeOperations = [
  "open",
  "migrate",
  "save",
  "get",
  "findByOrderNo",
  "record",
  "events",
  "latestToken",
  "recent",
  "recentEvents",
] as const

const StoreErrorBase: Schema.TaggedErrorClass<
  OttuStoreError,
  "OttuStoreError",
  {
    readonly _tag: Schema.tag<"OttuStoreError">
  } & {
    operation: Schema.Literal<[...typeof storeOperations]>
    reason: typeof Schema.String
    cause: Schema.optional<typeof Schema.Defect>
  }
> = Schema.TaggedError<OttuStoreError>()("OttuStoreError", {
  operation: Schema.Literal(...storeOperations),
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect),
})

/**
 * The checkout store failed: the database could not be opened or migrated, or a query failed
 * (the underlying `SqlError` is the `cause`). A failed `record` kept nothing of the event.
 *
 * @since 0.1.0
 * @category errors
 */
export class OttuStoreError extends StoreErrorBase {
  override get message(): string {
    return `CheckoutStore.${this.operation} failed: ${this.reason}`
  }
}
