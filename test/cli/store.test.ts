/**
 * `ottu store checkouts | events` as processes on Deno and Bun, on what the SDK's store wrote to
 * a SQLite file and, when `DATABASE_URL` is set (`npm test` sets it through `.ci/postgres.sh`), to
 * a PostgreSQL database of its own: a checkout by session id and by order number, a session's
 * events, the newest checkouts and events (`--limit`), a missing database refused.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted, Scope, TestClock, TestContext } from "effect"
import * as CheckoutStore from "../../src/CheckoutStore.ts"
import { answer, databaseUrl, freshDatabase, freshId, paymentEvent } from "../support/store.ts"
import { describeProcesses, type Runtime, run, sourceRuntimes } from "./process.ts"

const session = freshId()
const older = freshId()

/**
 * What the store holds, at fixed instants (the test clock starts at the epoch): `older` saved,
 * a second later `session`, and a second after that its payment event.
 */
const seed = (store: Layer.Layer<CheckoutStore.CheckoutStore, unknown>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* CheckoutStore.save(answer(older, { order_no: "older-order" }))
      yield* TestClock.adjust("1 second")
      yield* CheckoutStore.save(answer(session, { order_no: "store-order" }))
      yield* TestClock.adjust("1 second")
      yield* CheckoutStore.record(paymentEvent(session, { order_no: "store-order" }))
    }).pipe(Effect.provide(store), Effect.provide(TestContext.TestContext)),
  )

/** The commands' behaviour on a database, given by `database()` as flags. */
const reads = (runtime: Runtime, database: () => ReadonlyArray<string>) => {
  const ottu = (...args: Array<string>) => run(runtime, ["store", ...args, ...database()])

  it("shows a stored checkout by session id", async () => {
    const ran = await ottu("checkouts", session)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain(
      `session_id:  ${session}\nstate:       paid\namount:      20.230 KWD`,
    )
  })

  it("finds it by order number, as JSON", async () => {
    const ran = await ottu("checkouts", "--order-no", "store-order", "--json")
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({
      session_id: session,
      state: "paid",
      revision: 2,
      updated_at: "1970-01-01T00:00:02.000Z",
    })
  })

  it("lists the most recently updated checkouts, newest first", async () => {
    const ran = await ottu("checkouts")
    expect(ran.code).toBe(0)
    expect(ran.stdout).toBe(
      [
        "updated_at                session_id                                state    amount      order_no     customer_id",
        `1970-01-01T00:00:02.000Z  ${session}  paid     20.230 KWD  store-order  cust-7`,
        `1970-01-01T00:00:00.000Z  ${older}  created  20.230 KWD  older-order  cust-7`,
        "",
      ].join("\n"),
    )
    const one = await ottu("checkouts", "--limit", "1", "--json")
    expect(one.code).toBe(0)
    expect(JSON.parse(one.stdout).map((c: { session_id: string }) => c.session_id)).toEqual([
      session,
    ])
    const refused = await ottu("checkouts", "--limit", "0")
    expect(refused.code).toBe(2)
    expect(refused.stdout + refused.stderr).toContain("--limit must be a whole number")
  })

  it("lists a session's events, and the newest events of all", async () => {
    const ran = await ottu("events", session, "--json")
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject([{ kind: "payment", outcome: "applied" }])
    const text = await ottu("events", session)
    expect(text.stdout).toBe(
      "received_at               kind     outcome  state  reason\n" +
        "1970-01-01T00:00:02.000Z  payment  applied  paid   -\n",
    )
    const all = await ottu("events", "--limit", "5")
    expect(all.code).toBe(0)
    expect(all.stdout).toBe(
      "received_at               session_id                                kind     outcome  state  reason\n" +
        `1970-01-01T00:00:02.000Z  ${session}  payment  applied  paid   -\n`,
    )
    const none = await ottu("events", older)
    expect(none).toMatchObject({ code: 0, stdout: "no events stored for this session\n" })
  })

  it("says when the checkout is not there", async () => {
    const missing = await ottu("checkouts", freshId())
    expect(missing).toMatchObject({ code: 1, stderr: "error: no such checkout in the store\n" })
  })
}

describeProcesses("ottu store", () => {
  describe("on a SQLite file", () => {
    let directory = ""
    let db = ""
    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), "ottu-store-"))
      db = join(directory, "ottu.sqlite")
      await seed(CheckoutStore.layerSqlite(db))
    })
    afterAll(() => rmSync(directory, { recursive: true, force: true }))

    describe.each(sourceRuntimes)("on $name", (runtime) => {
      reads(runtime, () => ["--db", db])

      it("needs a database", async () => {
        const none = await run(runtime, ["store", "events", session])
        expect(none.code).toBe(1)
        expect(none.stderr).toContain("--db FILE or --database-url URL")
      })
    })
  })

  describe.skipIf(databaseUrl === undefined)(
    `on PostgreSQL${databaseUrl === undefined ? " (skipped: DATABASE_URL is not set; `npm test` sets it through .ci/postgres.sh)" : ""}`,
    () => {
      const scope = Effect.runSync(Scope.make())
      let url = ""
      beforeAll(async () => {
        url = await Effect.runPromise(Scope.extend(freshDatabase(databaseUrl ?? ""), scope))
        await seed(
          CheckoutStore.layerSql.pipe(
            Layer.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })),
          ),
        )
      })
      afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

      describe.each(sourceRuntimes)("on $name", (runtime) => {
        reads(runtime, () => ["--database-url", url])

        it("takes the database from DATABASE_URL", async () => {
          const ran = await run(runtime, ["store", "checkouts", "--limit", "1", "--json"], {
            env: { DATABASE_URL: url },
          })
          expect(ran.code).toBe(0)
          expect(JSON.parse(ran.stdout)).toMatchObject([{ session_id: session, state: "paid" }])
        })
      })
    },
  )
})
