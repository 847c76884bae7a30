/**
 * `ottu store checkouts | events` as processes on Deno and Bun, on a SQLite file the SDK's store
 * wrote: a checkout by session id and by order number, its events, a missing database refused.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as CheckoutStore from "../../src/CheckoutStore.ts"
import { answer, freshId, paymentEvent } from "../support/store.ts"
import { run, sourceRuntimes } from "./process.ts"

const directory = mkdtempSync(join(tmpdir(), "ottu-store-"))
const db = join(directory, "ottu.sqlite")
const session = freshId()

beforeAll(() =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* CheckoutStore.save(answer(session, { order_no: "store-order" }))
      yield* CheckoutStore.record(paymentEvent(session, { order_no: "store-order" }))
    }).pipe(Effect.provide(CheckoutStore.layerSqlite(db))),
  ),
)
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe.each(sourceRuntimes)("ottu store on $name", (runtime) => {
  it("shows a stored checkout by session id", async () => {
    const ran = await run(runtime, ["store", "checkouts", "--db", db, session])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain(
      `session_id:  ${session}\nstate:       paid\namount:      20.230 KWD`,
    )
  })

  it("finds it by order number, as JSON", async () => {
    const ran = await run(runtime, [
      "store",
      "checkouts",
      "--db",
      db,
      "--order-no",
      "store-order",
      "--json",
    ])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({
      session_id: session,
      state: "paid",
      revision: 2,
    })
  })

  it("lists the session's events", async () => {
    const ran = await run(runtime, ["store", "events", "--db", db, session, "--json"])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject([{ kind: "payment", outcome: "applied" }])
    const text = await run(runtime, ["store", "events", "--db", db, session])
    expect(text.stdout).toMatch(
      /^received_at +kind +outcome +state +reason\n\S+ +payment +applied +paid +-\n$/,
    )
  })

  it("says when the checkout is not there, and needs a database", async () => {
    const missing = await run(runtime, ["store", "checkouts", "--db", db, freshId()])
    expect(missing).toMatchObject({ code: 1, stderr: "error: no such checkout in the store\n" })
    const none = await run(runtime, ["store", "events", session])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain("--db FILE or --database-url URL")
  })
})
