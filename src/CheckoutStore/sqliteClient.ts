/**
 * An `@effect/sql` `SqlClient` over the runtime's own SQLite (see `sqliteDriver.ts`): one
 * connection, used by one query or one transaction at a time, in WAL mode. Transactions begin
 * with `BEGIN IMMEDIATE`, so a transaction holds SQLite's write lock from its first statement
 * and two processes sharing the file queue (up to the busy timeout) instead of failing to
 * upgrade a read lock.
 *
 * @internal
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlConnection from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Driver from "./sqliteDriver.ts"

/** How long a statement waits for another process's lock on the file before failing. */
const busyTimeoutMillis = 5_000

/** Prepared statements kept per connection; the least recently used one goes first. */
const statementCacheSize = 256

/**
 * A value every driver binds the same way: `undefined` is `NULL`, booleans are `1`/`0` (bun:sqlite
 * and Node 24's node:sqlite take booleans, Node 22's and Deno's refuse them), dates are ISO-8601
 * text.
 */
const bindable = (value: unknown): unknown =>
  value === undefined
    ? null
    : typeof value === "boolean"
      ? Number(value)
      : value instanceof Date
        ? value.toISOString()
        : value

/** The database's statements, prepared once and kept in a small LRU cache. */
const statementsOf = (db: Driver.Database) => {
  const cache = new Map<string, Driver.Statement>()
  return (sql: string): Driver.Statement => {
    const cached = cache.get(sql)
    if (cached !== undefined) {
      cache.delete(sql)
      cache.set(sql, cached)
      return cached
    }
    const prepared = db.prepare(sql)
    cache.set(sql, prepared)
    if (cache.size > statementCacheSize) cache.delete(cache.keys().next().value as string)
    return prepared
  }
}

const connectionOf = (db: Driver.Database): SqlConnection.Connection => {
  const prepared = statementsOf(db)
  const run = (
    sql: string,
    params: ReadonlyArray<unknown>,
    prepare: (sql: string) => Driver.Statement = prepared,
  ): Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError> =>
    Effect.try({
      try: () => prepare(sql).all(params.map(bindable)),
      catch: (cause) =>
        new SqlError({ cause, message: `Failed to execute statement (${db.driver})` }),
    })
  const transformed = (
    rows: Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined,
  ) => (transformRows === undefined ? rows : Effect.map(rows, transformRows))
  return {
    execute: (sql, params, transformRows) => transformed(run(sql, params), transformRows),
    executeRaw: (sql, params) => run(sql, params),
    executeValues: (sql, params) =>
      Effect.map(run(sql, params), (rows) => rows.map((row) => Object.values(row))),
    executeUnprepared: (sql, params, transformRows) =>
      transformed(
        run(sql, params, (text) => db.prepare(text)),
        transformRows,
      ),
    executeStream: (sql, params, transformRows) =>
      Stream.fromIterableEffect(transformed(run(sql, params), transformRows)),
  }
}

/** How often switching to WAL is tried again while another connection holds a lock. */
const walRetryMillis = 10

/** Whether SQLite refused a statement because another connection holds a lock on the file. */
const isBusy = (error: SqlError): boolean => /database is locked/i.test(String(error.cause))

/**
 * Opens the database for the scope's lifetime and sets the busy timeout, WAL mode and foreign
 * keys. A fresh file opened by several processes at once is switched to WAL by one of them:
 *
 * - the busy timeout comes first, so the others' reads wait for the lock instead of failing;
 * - the switch itself takes an exclusive lock without waiting on the busy timeout (SQLite then
 *   answers `database is locked` at once), so it is tried again every 10 ms, for up to the busy
 *   timeout; once another process has switched the file, it succeeds at once.
 */
const openDatabase = (filename: string): Effect.Effect<Driver.Database, SqlError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => Driver.open(filename),
      catch: (cause) =>
        new SqlError({ cause, message: `Failed to open the SQLite database ${filename}` }),
    }),
    (db) => Effect.sync(() => db.close()),
  ).pipe(
    Effect.tap((db) => {
      const connection = connectionOf(db)
      const pragma = (statement: string) => connection.executeUnprepared(statement, [], undefined)
      return Effect.all(
        [
          pragma(`PRAGMA busy_timeout = ${busyTimeoutMillis}`),
          Effect.retry(pragma("PRAGMA journal_mode = WAL"), {
            while: isBusy,
            schedule: Schedule.spaced(walRetryMillis),
            times: busyTimeoutMillis / walRetryMillis,
          }),
          pragma("PRAGMA foreign_keys = ON"),
        ],
        { discard: true },
      )
    }),
  )

/**
 * A `SqlClient` on the SQLite database at `filename` (`":memory:"` for a private in-memory one),
 * closed when the scope closes. Queries outside a transaction take the connection one at a time;
 * a transaction keeps it until it commits or rolls back.
 */
export const make = (
  filename: string,
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const db = yield* openDatabase(filename)
    const connection = connectionOf(db)
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer = semaphore.withPermits(1)(Effect.succeed(connection))
    const transactionAcquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(
          restore(semaphore.take(1)),
          Effect.tap(Effect.scope, (scope) => Scope.addFinalizer(scope, semaphore.release(1))),
        ),
        connection,
      ),
    )
    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer,
      compiler: Statement.makeCompilerSqlite(),
      beginTransaction: "BEGIN IMMEDIATE",
      spanAttributes: [
        ["db.system.name", "sqlite"],
        ["db.driver", db.driver],
      ],
    })
  })

/** {@link make} as a layer. */
export const layer = (filename: string): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.scoped(SqlClient.SqlClient, make(filename)).pipe(Layer.provide(Reactivity.layer))
