/**
 * `ottu store checkouts | events`: what the checkout store (`CheckoutStore`) kept, read from a
 * SQLite file (`--db`) or a PostgreSQL database (`--database-url`, or `DATABASE_URL`), through the
 * store's own operations.
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

const checkouts = Command.make(
  "checkouts",
  {
    database,
    sessionId: Args.text({ name: "session_id" }).pipe(Args.optional),
    orderNo: Options.text("order-no").pipe(
      Options.withDescription("the latest checkout with this order number"),
      Options.optional,
    ),
    json,
  },
  (input) =>
    Effect.gen(function* () {
      const found = yield* Option.match(input.sessionId, {
        onSome: CheckoutStore.get,
        onNone: () =>
          Option.match(input.orderNo, {
            onSome: CheckoutStore.findByOrderNo,
            onNone: () => Effect.fail(new Error("give a session_id or --order-no")),
          }),
      })
      if (Option.isNone(found))
        return yield* Effect.fail(new Error("no such checkout in the store"))
      const checkout = found.value
      yield* emit(
        input.json,
        { ...checkout, created_at: iso(checkout.created_at), updated_at: iso(checkout.updated_at) },
        (c) =>
          fields([
            ["session_id", c.session_id],
            ["state", c.state],
            ["amount", c.amount === null ? null : `${c.amount} ${c.currency_code ?? ""}`.trim()],
            ["order_no", c.order_no],
            ["customer_id", c.customer_id],
            ["agreement_id", c.agreement_id],
            ["token", c.token?.token],
            ["revision", c.revision],
            ["updated_at", c.updated_at],
          ]),
      )
    }).pipe(Effect.provide(storeOf(input.database))),
).pipe(Command.withDescription("show a stored checkout"))

const events = Command.make(
  "events",
  { database, sessionId: Args.text({ name: "session_id" }), json },
  (input) =>
    Effect.gen(function* () {
      const stored = yield* CheckoutStore.events(input.sessionId)
      yield* emit(
        input.json,
        stored.map((event) => ({ ...event, received_at: iso(event.received_at) })),
        (list) =>
          list.length === 0
            ? "no events stored for this session"
            : table(
                ["received_at", "kind", "outcome", "state", "reason"],
                list.map((e) => [
                  e.received_at,
                  e.kind,
                  e.outcome,
                  String(e.payload.state ?? e.payload.operation ?? ""),
                  e.reason,
                ]),
              ),
      )
    }).pipe(Effect.provide(storeOf(input.database))),
).pipe(Command.withDescription("list the webhook events stored for a session, oldest first"))

/** `ottu store …`. */
export const store = Command.make("store").pipe(
  Command.withDescription("inspect what the checkout store kept (SQLite or PostgreSQL)"),
  Command.withSubcommands([checkouts, events]),
)
