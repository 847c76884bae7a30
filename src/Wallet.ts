/**
 * The customer wallet's read APIs (API reference §11.8): accounts
 * (`POST /b/wallet/ottu/v1/accounts/`) and ledger entries (`POST /b/wallet/ottu/v1/entries/`),
 * cursor-paged, page by page or as a `Stream`; one wallet operation
 * (`POST /b/wallet/ottu/v1/operations/`); and the finalization status of a payment session
 * (`GET /b/checkout/v1/wallet/payment-sessions/{session_id}/finalization-status/`).
 *
 * The three POSTs only read: they carry their filters in a body, change nothing, and are retried
 * like any read. Amounts are decimal strings. Every endpoint answers 503
 * (`OttuServerError`) when the merchant has no wallet service.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { type Endpoint, endpoints, pathOf } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { invalid, validate } from "./internal/input.ts"
import { type Page, pages } from "./internal/paging.ts"
import { AmountText } from "./internal/payloads.ts"
import {
  CurrencyCode,
  DateString,
  IntBetween,
  optionalText,
  PathId,
  Rest,
  Text,
} from "./internal/primitives.ts"
import { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

export type {
  /**
   * One page of a paged read: its `items`, Ottu's `count`, and `next`, the parameters of the
   * following page (give them to the same function), `None` on the last page.
   *
   * @since 0.1.0
   * @category models
   */
  Page,
} from "./internal/paging.ts"

/**
 * The wallet's cursor: the record id to page from (`null` for the first page), the `direction`
 * (`forward` by default) and the page size `per_page` (1 to 50, default 20).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Pagination: Schema.Struct<{
  cursor: Schema.optional<Schema.NullOr<typeof Schema.Int>>
  direction: Schema.optional<Schema.Literal<["forward", "backward"]>>
  per_page: Schema.optional<Schema.filter<Schema.filter<typeof Schema.Int>>>
}> = Schema.Struct({
  cursor: Schema.optional(Schema.NullOr(Schema.Int)),
  direction: Schema.optional(Schema.Literal("forward", "backward")),
  per_page: Schema.optional(IntBetween(1, 50)),
})

/**
 * @since 0.1.0
 * @category models
 */
export type Pagination = typeof Pagination.Type

const CustomerId: Schema.filter<Schema.filter<typeof Schema.String>> = Text(64).pipe(
  Schema.minLength(1),
)
const Currency: Schema.filter<Schema.filter<typeof Schema.String>> = CurrencyCode.pipe(
  Schema.maxLength(3),
)

/**
 * The filters of {@link accounts}: `customer_id` (the configured customer by default), one
 * `currency`, a `status`, and the `pagination` cursor.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccountsParams: Schema.Struct<{
  customer_id: Schema.optional<typeof CustomerId>
  currency: Schema.optional<typeof Currency>
  status: Schema.optional<Schema.Literal<["active", "suspended", "closed"]>>
  pagination: Schema.optional<typeof Pagination>
}> = Schema.Struct({
  customer_id: Schema.optional(CustomerId),
  currency: Schema.optional(Currency),
  status: Schema.optional(Schema.Literal("active", "suspended", "closed")),
  pagination: Schema.optional(Pagination),
})

/**
 * @since 0.1.0
 * @category models
 */
export type AccountsParams = typeof AccountsParams.Type

const entryTypes = [
  "credit_refund",
  "debit_payment",
  "reserve",
  "release",
  "expire",
  "reversal",
  "credit_adjustment",
  "debit_adjustment",
] as const

/**
 * The filters of {@link entries}: `customer_id` (the configured customer by default) and
 * `currency` pick the account (required: Ottu answers 400 when the customer has none in that
 * currency); `entry_type`, `direction`, `status`, `session_id`, `provider`, `pg_code` and the
 * inclusive dates `date_from`/`date_to` filter; `pagination` is the cursor.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntriesParams: Schema.filter<
  Schema.Struct<{
    customer_id: Schema.optional<typeof CustomerId>
    currency: typeof Currency
    entry_type: Schema.optional<Schema.Literal<typeof entryTypes>>
    direction: Schema.optional<Schema.Literal<["credit", "debit"]>>
    status: Schema.optional<Schema.Literal<["pending", "completed", "failed"]>>
    session_id: Schema.optional<typeof PathId>
    provider: Schema.optional<Schema.filter<typeof Schema.String>>
    pg_code: Schema.optional<Schema.filter<typeof Schema.String>>
    date_from: Schema.optional<typeof DateString>
    date_to: Schema.optional<typeof DateString>
    pagination: Schema.optional<typeof Pagination>
  }>
> = Schema.Struct({
  customer_id: Schema.optional(CustomerId),
  currency: Currency,
  entry_type: Schema.optional(Schema.Literal(...entryTypes)),
  direction: Schema.optional(Schema.Literal("credit", "debit")),
  status: Schema.optional(Schema.Literal("pending", "completed", "failed")),
  session_id: Schema.optional(PathId),
  provider: Schema.optional(Text(64)),
  pg_code: Schema.optional(Text(64)),
  date_from: Schema.optional(DateString),
  date_to: Schema.optional(DateString),
  pagination: Schema.optional(Pagination),
}).pipe(
  Schema.filter(({ date_from, date_to }) =>
    date_from === undefined || date_to === undefined || date_to >= date_from
      ? undefined
      : { path: ["date_to"], message: "must not be earlier than date_from" },
  ),
)

/**
 * @since 0.1.0
 * @category models
 */
export type EntriesParams = typeof EntriesParams.Type

/**
 * A wallet account: one per customer and currency. `available_balance` leaves out the funds held
 * by reservations. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Account: Schema.TypeLiteral<
  {
    id: typeof Schema.String
    customer_id: typeof Schema.String
    currency: typeof Schema.String
    status: typeof Schema.String
    balance: typeof AmountText
    available_balance: typeof AmountText
    created_at: typeof Schema.String
    updated_at: typeof Schema.String
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    id: Schema.String,
    customer_id: Schema.String,
    currency: Schema.String,
    status: Schema.String,
    balance: AmountText,
    available_balance: AmountText,
    created_at: Schema.String,
    updated_at: Schema.String,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type Account = typeof Account.Type

/**
 * A ledger entry of a wallet account. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Entry: Schema.TypeLiteral<
  {
    entry_type: typeof Schema.String
    direction: typeof Schema.String
    amount: typeof AmountText
    currency: typeof Schema.String
    status: typeof optionalText
    session_id: typeof optionalText
    pg_code: typeof optionalText
    created_at: typeof optionalText
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    entry_type: Schema.String,
    direction: Schema.String,
    amount: AmountText,
    currency: Schema.String,
    status: optionalText,
    session_id: optionalText,
    pg_code: optionalText,
    created_at: optionalText,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type Entry = typeof Entry.Type

/**
 * A wallet operation (a refund, reservation, deduction, adjustment or reversal), with the ledger
 * entries it made (each with its numeric `id`). Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Operation: Schema.TypeLiteral<
  {
    operation_type: typeof Schema.String
    status: typeof Schema.String
    session_id: typeof Schema.String
    entries: Schema.Array$<
      Schema.extend<
        typeof Entry,
        Schema.Struct<{
          id: typeof Schema.Number
        }>
      >
    >
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    operation_type: Schema.String,
    status: Schema.String,
    session_id: Schema.String,
    entries: Schema.Array(Schema.extend(Entry, Schema.Struct({ id: Schema.Number }))),
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type Operation = typeof Operation.Type

/**
 * Where a payment session stands, in the wallet's terms: `SUCCEEDED` (paid, authorized,
 * refunded), `FAILED` (failed, expired, invalidated), `CANCELLED` (cancelled or voided),
 * `PENDING` (still in progress), or `UNKNOWN` (a state Ottu does not map), with the time of its
 * last change. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FinalizationStatus: Schema.TypeLiteral<
  {
    status: Schema.Literal<["SUCCEEDED", "FAILED", "CANCELLED", "PENDING", "UNKNOWN"]>
    payment_transaction_id: typeof Schema.String
    last_updated_at: typeof Schema.String
    source: typeof Schema.String
  },
  readonly [typeof Rest]
> = Schema.Struct(
  {
    status: Schema.Literal("SUCCEEDED", "FAILED", "CANCELLED", "PENDING", "UNKNOWN"),
    payment_transaction_id: Schema.String,
    last_updated_at: Schema.String,
    source: Schema.String,
  },
  Rest,
)

/**
 * @since 0.1.0
 * @category models
 */
export type FinalizationStatus = typeof FinalizationStatus.Type

/** A cursor-paged answer: its items, the total and the cursor of the next page. */
const CursorPage = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({
    count: Schema.Number,
    next: Schema.optional(Schema.NullOr(Pagination)),
    results: Schema.Array(item),
  })

/**
 * One page of a cursor-paged read: the filters validated, the customer filled in (the configured
 * one by default), and the next page's parameters made of the same filters and Ottu's `next`.
 */
const cursorPage = <P extends { readonly customer_id?: string | undefined }, PI, A, I>(
  endpoint: Endpoint,
  schema: Schema.Schema<P, PI>,
  item: Schema.Schema<A, I>,
  params: unknown,
): Effect.Effect<Page<A, P>, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const where = { method: endpoint.method, path: endpoint.route }
    const filters = yield* validate(schema, params, where)
    const config = yield* OttuConfig
    const customer = filters.customer_id ?? config.customerId
    if (customer === undefined) {
      return yield* invalid(where, "customer_id", "is required (none given and none configured)")
    }
    const sent = { ...filters, customer_id: customer }
    const answer = yield* execute({
      endpoint,
      path: endpoint.route,
      attributes: { "ottu.customer_id": customer },
      body: { _tag: "Json", value: sent },
      success: CursorPage(item),
    })
    return {
      items: answer.results,
      count: answer.count,
      next: Option.map(Option.fromNullable(answer.next), (pagination) => ({
        ...sent,
        pagination,
      })),
    }
  })

/**
 * One page of the customer's wallet accounts, one per currency. An empty page is a valid answer:
 * an account exists only after the first credit.
 *
 * @since 0.1.0
 * @category operations
 */
export const accounts = (
  params?: typeof AccountsParams.Encoded,
): Effect.Effect<
  Page<Account, AccountsParams>,
  OttuCallError,
  OttuConfig | HttpClient.HttpClient
> => cursorPage(endpoints.walletAccounts, AccountsParams, Account, params ?? {})

/**
 * Every wallet account of the customer as a `Stream`, fetching a page only when the consumer
 * pulls past the one before.
 *
 * @since 0.1.0
 * @category operations
 */
export const accountsStream = (
  params?: typeof AccountsParams.Encoded,
): Stream.Stream<Account, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  pages(params ?? {}, accounts)

/**
 * One page of the ledger entries of the customer's account in `currency`. When the customer has
 * no account in that currency, Ottu answers 400 (`OttuBadRequestError`, `detail` set).
 *
 * @since 0.1.0
 * @category operations
 */
export const entries = (
  params: typeof EntriesParams.Encoded,
): Effect.Effect<Page<Entry, EntriesParams>, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  cursorPage(endpoints.walletEntries, EntriesParams, Entry, params)

/**
 * Every ledger entry matching the filters as a `Stream` (stripe-node's auto-pagination): a page
 * is fetched only when the consumer pulls past the one before, the stream ends after the last
 * page, and a failed page ends it with that page's error.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Wallet } from "effect-ottu"
 *
 * const refunds = Wallet.entriesStream({
 *   customer_id: "cust-1",
 *   currency: "KWD",
 *   entry_type: "credit_refund",
 * }).pipe(Stream.map((entry) => entry.amount), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const entriesStream = (
  params: typeof EntriesParams.Encoded,
): Stream.Stream<Entry, OttuCallError, OttuConfig | HttpClient.HttpClient> => pages(params, entries)

const OperationParams = Schema.Struct({ operation_id: Schema.Int.pipe(Schema.positive()) })

/**
 * One wallet operation by its numeric id, with the ledger entries it made. Ottu forwards "not
 * found" from the wallet as a 400 (`OttuBadRequestError`).
 *
 * @since 0.1.0
 * @category operations
 */
export const operations = (
  operationId: number,
): Effect.Effect<Operation, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const endpoint = endpoints.walletOperations
    const body = yield* validate(
      OperationParams,
      { operation_id: operationId },
      { method: endpoint.method, path: endpoint.route },
    )
    return yield* execute({
      endpoint,
      path: endpoint.route,
      attributes: { "ottu.wallet.operation_id": String(body.operation_id) },
      body: { _tag: "Json", value: body },
      success: Operation,
    })
  })

/**
 * The finalization status of a payment session (read-only; 404, `OttuNotFoundError`, for an
 * unknown session).
 *
 * @since 0.1.0
 * @category operations
 */
export const finalizationStatus = (
  sessionId: string,
): Effect.Effect<FinalizationStatus, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const endpoint = endpoints.walletFinalizationStatus
    yield* validate(PathId, sessionId, { method: endpoint.method, path: endpoint.route })
    return yield* execute({
      endpoint,
      path: pathOf(endpoint, { session_id: sessionId }),
      attributes: { "ottu.session_id": sessionId },
      success: FinalizationStatus,
    })
  })
