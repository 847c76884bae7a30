/**
 * `ottu store checkouts | events`: what the checkout store (`CheckoutStore`) kept, read from a
 * SQLite file (`--db`) or a PostgreSQL database (`--database-url`, or `DATABASE_URL`), through the
 * store's own operations: one checkout or one session's events, or the newest of all
 * (`--limit N`, 20 by default).
 *
 * @module
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as CheckoutStore from "../CheckoutStore.ts"
import { optionalText } from "./options.ts"
import { emit, fields, json, table } from "./output.ts"

/** `--db FILE` or `--database-url URL` (`DATABASE_URL`). */
const database = Options.all({
  db: Options.file("db", { exists: "yes" }).pipe(
    Options.withDescription("the store's SQLite file"),
    Options.optional,
  ),
  url: Options.redacted("database-url").pipe(
    Options.withDescription("the store's PostgreSQL database (DATABASE_URL)"),
    Options.withFallbackConfig(Config.redacted("DATABASE_URL")),
    Options.optional,
  ),
})

/** PostgreSQL, loaded only when asked for. */
const postgres = (url: Redacted.Redacted<string>) =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.promise(() => import("@effect/sql-pg/PgClient")),
      (PgClient) =>
        CheckoutStore.layerSql.pipe(Layer.provide(PgClient.layer({ url, maxConnections: 1 }))),
    ),
  )

/** The store on the database given. */
const storeOf = (given: {
  readonly db: Option.Option<string>
  readonly url: Option.Option<Redacted.Redacted<string>>
}) =>
  Option.match(given.db, {
    onSome: (path) => CheckoutStore.layerSqlite(path),
    onNone: () =>
      Option.match(given.url, {
        onSome: postgres,
        onNone: () => Layer.fail(new Error("give --db FILE or --database-url URL (DATABASE_URL)")),
      }),
  })

const iso = (time: DateTime.Utc): string => DateTime.formatIso(time)

/** `--limit N`: how many of the newest a listing shows. */
const limit = Options.integer("limit").pipe(
  Options.withDescription("how many of the newest to list (without a session id)"),
  Options.filterMap(
    (n) => (n >= 1 ? Option.some(n) : Option.none()),
    "--limit must be a whole number of at least 1",
  ),
  Options.withDefault(20),
)

/** A stored checkout as printed: its timestamps as ISO-8601 text. */
const printable = (checkout: CheckoutStore.StoredCheckout) => ({
  ...checkout,
  created_at: iso(checkout.created_at),
  updated_at: iso(checkout.updated_at),
})

/** A stored event as printed. */
const printableEvent = (event: CheckoutStore.StoredEvent) => ({
  ...event,
  received_at: iso(event.received_at),
})

/** What an event says happened: the payment's state, or the operation. */
const eventState = (event: { readonly payload: Readonly<Record<string, unknown>> }): string =>
  String(event.payload.state ?? event.payload.operation ?? "")

const amountOf = (c: { readonly amount: string | null; readonly currency_code: string | null }) =>
  c.amount === null ? null : `${c.amount} ${c.currency_code ?? ""}`.trim()

/** One checkout, by session id or order number. */
const oneCheckout = (found: Option.Option<CheckoutStore.StoredCheckout>, asJson: boolean) =>
  Option.match(found, {
    onNone: () => Effect.fail(new Error("no such checkout in the store")),
    onSome: (checkout) =>
      emit(asJson, printable(checkout), (c) =>
        fields([
          ["session_id", c.session_id],
          ["state", c.state],
          ["amount", amountOf(c)],
          ["order_no", c.order_no],
          ["customer_id", c.customer_id],
          ["agreement_id", c.agreement_id],
          ["token", c.token?.token],
          ["revision", c.revision],
          ["updated_at", c.updated_at],
        ]),
      ),
  })

const checkouts = Command.make(
  "checkouts",
  {
    database,
    sessionId: Args.text({ name: "session_id" }).pipe(Args.optional),
    orderNo: optionalText("order-no", "the latest checkout with this order number"),
    limit,
    json,
  },
  (input) =>
    Option.match(input.sessionId, {
      onSome: (id) => Effect.flatMap(CheckoutStore.get(id), (c) => oneCheckout(c, input.json)),
      onNone: () =>
        Option.match(input.orderNo, {
          onSome: (orderNo) =>
            Effect.flatMap(CheckoutStore.findByOrderNo(orderNo), (c) => oneCheckout(c, input.json)),
          onNone: () =>
            Effect.flatMap(CheckoutStore.recent({ limit: input.limit }), (list) =>
              emit(input.json, list.map(printable), (rows) =>
                rows.length === 0
                  ? "no checkouts stored"
                  : table(
                      ["updated_at", "session_id", "state", "amount", "order_no", "customer_id"],
                      rows.map((c) => [
                        c.updated_at,
                        c.session_id,
                        c.state,
                        amountOf(c),
                        c.order_no,
                        c.customer_id,
                      ]),
                    ),
              ),
            ),
        }),
    }).pipe(Effect.provide(storeOf(input.database))),
).pipe(
  Command.withDescription(
    "show a stored checkout (by session id or --order-no), or list the most recently updated",
  ),
)

const events = Command.make(
  "events",
  { database, sessionId: Args.text({ name: "session_id" }).pipe(Args.optional), limit, json },
  (input) =>
    Option.match(input.sessionId, {
      onSome: (id) =>
        Effect.flatMap(CheckoutStore.events(id), (stored) =>
          emit(input.json, stored.map(printableEvent), (list) =>
            list.length === 0
              ? "no events stored for this session"
              : table(
                  ["received_at", "kind", "outcome", "state", "reason"],
                  list.map((e) => [e.received_at, e.kind, e.outcome, eventState(e), e.reason]),
                ),
          ),
        ),
      onNone: () =>
        Effect.flatMap(CheckoutStore.recentEvents({ limit: input.limit }), (stored) =>
          emit(input.json, stored.map(printableEvent), (list) =>
            list.length === 0
              ? "no events stored"
              : table(
                  ["received_at", "session_id", "kind", "outcome", "state", "reason"],
                  list.map((e) => [
                    e.received_at,
                    e.session_id,
                    e.kind,
                    e.outcome,
                    eventState(e),
                    e.reason,
                  ]),
                ),
          ),
        ),
    }).pipe(Effect.provide(storeOf(input.database))),
).pipe(
  Command.withDescription(
    "list a session's webhook events, oldest first, or the most recently received of all, newest first",
  ),
)

/** `ottu store …`. */
export const store = Command.make("store").pipe(
  Command.withDescription("inspect what the checkout store kept (SQLite or PostgreSQL)"),
  Command.withSubcommands([checkouts, events]),
)
