/**
 * The SQLite `SqlClient` adapter behind `CheckoutStore.layerSqlite`, on the running runtime's own
 * driver (bun:sqlite on Bun, node:sqlite on Node and Deno): queries, parameters,
 * transactions (commit, rollback, savepoints, serialised writers), errors and WAL on a file; and
 * the store on a file across restarts.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Statement from "@effect/sql/Statement"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Layer, Option, Stream } from "effect"
import * as SqliteClient from "../src/CheckoutStore/sqliteClient.ts"
import { runtimeDriver } from "../src/CheckoutStore/sqliteDriver.ts"
import * as CheckoutStore from "../src/CheckoutStore.ts"

const scratch = mkdtempSync(join(tmpdir(), "effect-ottu-sqlite-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const expectedDriver = "Bun" in globalThis ? "bun:sqlite" : "node:sqlite"

const table = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, flag INTEGER)`,
)

describe("SQLite adapter", () => {
  it("picks the runtime's own driver", () => {
    expect(runtimeDriver()).toBe(expectedDriver)
  })

  it.effect("runs queries with parameters, inserts with RETURNING and reads rows back", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* table
      const inserted = yield* sql<{
        id: number
      }>`INSERT INTO notes (body, flag) VALUES (${"first"}, ${true}) RETURNING id`
      expect(inserted).toEqual([{ id: 1 }])
      yield* sql`INSERT INTO notes ${sql.insert([
        { body: "second", flag: false },
        { body: "third", flag: null },
      ])}`
      const rows = yield* sql<{
        body: string
        flag: number | null
      }>`SELECT body, flag FROM notes WHERE id IN ${sql.in([1, 2, 3])} ORDER BY id`
      expect(rows.map((row) => ({ ...row }))).toEqual([
        { body: "first", flag: 1 },
        { body: "second", flag: 0 },
        { body: "third", flag: null },
      ])
      const values = yield* sql`SELECT id, body FROM notes ORDER BY id`.values
      expect(values).toEqual([
        [1, "first"],
        [2, "second"],
        [3, "third"],
      ])
      const streamed = yield* Stream.runCollect(sql`SELECT body FROM notes ORDER BY id`.stream)
      expect(Chunk.toArray(streamed).map((row) => row.body)).toEqual(["first", "second", "third"])
    }).pipe(Effect.provide(SqliteClient.layer(":memory:"))),
  )

  it.effect("binds undefined as NULL and dates as ISO-8601 text on every driver", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const at = new Date("2026-11-27T09:00:07.000Z")
      const [row] = yield* sql.unsafe<{ absent: unknown; at: string }>(
        "SELECT ? AS absent, ? AS at",
        [undefined, at],
      )
      expect({ ...row }).toEqual({ absent: null, at: "2026-11-27T09:00:07.000Z" })
    }).pipe(Effect.provide(SqliteClient.layer(":memory:"))),
  )

  it.effect("commits a transaction, and rolls back a failed one and a failed savepoint", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* table
      const insert = (body: string) => sql`INSERT INTO notes (body) VALUES (${body})`
      yield* sql.withTransaction(insert("kept"))
      const failed = yield* Effect.exit(
        sql.withTransaction(Effect.zipRight(insert("lost"), Effect.fail("boom" as const))),
      )
      expect(failed).toEqual(Exit.fail("boom"))
      yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* insert("outer")
          yield* Effect.exit(
            sql.withTransaction(Effect.zipRight(insert("inner"), Effect.fail("inner" as const))),
          )
        }),
      )
      const bodies = yield* sql<{ body: string }>`SELECT body FROM notes ORDER BY id`
      expect(bodies.map((row) => row.body)).toEqual(["kept", "outer"])
    }).pipe(Effect.provide(SqliteClient.layer(":memory:"))),
  )

  it.effect("serialises transactions: concurrent read-modify-write loses no update", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE counter (n INTEGER NOT NULL)`
      yield* sql`INSERT INTO counter (n) VALUES (0)`
      const increment = sql.withTransaction(
        Effect.gen(function* () {
          const [row] = yield* sql<{ n: number }>`SELECT n FROM counter`
          yield* Effect.yieldNow()
          yield* sql`UPDATE counter SET n = ${(row?.n ?? 0) + 1}`
        }),
      )
      yield* Effect.all(
        Array.from({ length: 50 }, () => increment),
        { concurrency: "unbounded" },
      )
      const [row] = yield* sql<{ n: number }>`SELECT n FROM counter`
      expect(row?.n).toBe(50)
    }).pipe(Effect.provide(SqliteClient.layer(":memory:"))),
  )

  it.effect("fails with a SqlError naming the driver, and keeps working afterwards", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const error = yield* Effect.flip(sql`SELECT * FROM missing_table`)
      expect(error._tag).toBe("SqlError")
      expect(error.message).toContain(expectedDriver)
      expect(String(error.cause)).toContain("missing_table")
      const [row] = yield* sql<{ one: number }>`SELECT 1 AS one`
      expect(row?.one).toBe(1)
    }).pipe(Effect.provide(SqliteClient.layer(":memory:"))),
  )

  it.effect("a file database is in WAL mode, enforces foreign keys and keeps its data", () =>
    Effect.gen(function* () {
      const file = join(scratch, "adapter.sqlite")
      yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const [mode] = yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
        expect(mode?.journal_mode).toBe("wal")
        yield* sql`CREATE TABLE parent (id TEXT PRIMARY KEY)`
        yield* sql`CREATE TABLE child (parent_id TEXT NOT NULL REFERENCES parent (id))`
        const orphan = yield* Effect.exit(sql`INSERT INTO child (parent_id) VALUES (${"none"})`)
        expect(Exit.isFailure(orphan)).toBe(true)
        yield* sql`INSERT INTO parent (id) VALUES (${"kept"})`
      }).pipe(Effect.provide(SqliteClient.layer(file)))
      const reopened = yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        return yield* sql<{ id: string }>`SELECT id FROM parent`
      }).pipe(Effect.provide(SqliteClient.layer(file)))
      expect(reopened.map((row) => row.id)).toEqual(["kept"])
    }),
  )

  it.effect("a database that cannot be opened is a SqlError when the layer is built", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(SqliteClient.layer(join(scratch, "no", "such", "dir", "x.sqlite"))).pipe(
          Effect.scoped,
        ),
      )
      expect(error._tag).toBe("SqlError")
    }),
  )
})

describe("CheckoutStore on SQLite files", () => {
  it.effect(
    "a file store keeps its checkouts and events across restarts; migrations run once",
    () =>
      Effect.gen(function* () {
        const file = join(scratch, "store.sqlite")
        const sessionId = "0f4b2a6c1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"
        const answer = { session_id: sessionId, state: "created", amount: "20.230" }
        const saved = yield* CheckoutStore.save(answer).pipe(
          Effect.provide(CheckoutStore.layerSqlite(file)),
        )
        const reopened = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [mode] = yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
          expect(mode?.journal_mode).toBe("wal")
          expect(yield* CheckoutStore.migrate).toEqual([])
          return yield* CheckoutStore.get(sessionId)
        }).pipe(Effect.provide(CheckoutStore.layerSqlite(file)))
        expect(reopened).toEqual(Option.some(saved))
      }),
  )

  it.effect("a file that cannot be opened is an OttuStoreError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(CheckoutStore.layerSqlite(join(scratch, "missing", "dir", "x.sqlite"))).pipe(
          Effect.scoped,
        ),
      )
      expect(error).toMatchObject({ _tag: "OttuStoreError", operation: "open" })
    }),
  )

  it.effect("layerSql refuses a database other than SQLite and PostgreSQL", () =>
    Effect.gen(function* () {
      const mysql = Layer.effect(
        SqlClient.SqlClient,
        SqlClient.make({
          acquirer: Effect.dieMessage("no connection"),
          compiler: Statement.makeCompiler({
            dialect: "mysql",
            placeholder: () => "?",
            onIdentifier: (name) => name,
            onRecordUpdate: () => ["", []],
            onCustom: () => ["", []],
          }),
          spanAttributes: [],
        }),
      ).pipe(Layer.provide(Reactivity.layer))
      const error = yield* Effect.flip(
        Layer.build(CheckoutStore.layerSql.pipe(Layer.provide(mysql))).pipe(Effect.scoped),
      )
      expect(error).toMatchObject({
        _tag: "OttuStoreError",
        operation: "open",
        reason: "the checkout store runs on SQLite and PostgreSQL only",
      })
    }),
  )
})
