/**
 * The `ottu` bin on Node: `.ci/buildCli.ts` bundles `src/cli/main.ts` as the release build does
 * (into a temporary directory here), and the bundle runs on Node 24: help and version, the
 * documentation vector, a served sandbox answering the CLI's own checkout create, Ctrl-C, and
 * the store's SQLite file read through the bundle's `node:sqlite` driver.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as CheckoutStore from "../../src/CheckoutStore.ts"
import { answer, freshId } from "../support/store.ts"
import { checkoutCreate, describeProcesses, nodeOn, type Runtime, run, start } from "./process.ts"

let directory = ""
let bundle = ""
let node: Runtime

describeProcesses("the bundled ottu bin on Node", () => {
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "ottu-bin-"))
    bundle = join(directory, "main.js")
    node = nodeOn(bundle)
    execFileSync(resolve("node_modules/.bin/tsx"), [".ci/buildCli.ts", bundle], { stdio: "pipe" })
  }, 120_000)
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  it("starts with a node shebang", () => {
    expect(readFileSync(bundle, "utf8").split("\n", 1)[0]).toBe("#!/usr/bin/env node")
  })

  it("prints its version and its commands", async () => {
    expect(await run(node, ["--version"])).toMatchObject({ code: 0, stdout: "0.1.0\n\n" })
    const help = await run(node, ["--help"])
    expect(help.code).toBe(0)
    for (const command of [
      "webhook",
      "sandbox",
      "checkout",
      "payment-methods",
      "refund",
      "cards",
      "invoice",
      "notify",
      "reports",
      "wallet",
      "raw",
      "store",
    ]) {
      expect(help.stdout).toContain(command)
    }
  })

  it("signs the documentation's vector", async () => {
    const ran = await run(node, ["webhook", "sign", "--key", "pu9MpX3yPR"], {
      stdin:
        '{"amount": "86.000", "currency_code": "KWD", "customer_first_name": "example-customer"}',
    })
    expect(ran).toMatchObject({
      code: 0,
      stdout: "6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67\n",
    })
  })

  it("serves the sandbox, answers its own checkout create, and stops on SIGINT", async () => {
    const server = await start(node, ["sandbox", "serve", "--port", "0"])
    try {
      const ran = await run(node, checkoutCreate("10.000", "knet"), {
        env: { OTTU_BASE_URL: server.url, OTTU_API_KEY: "any" },
      })
      expect(ran.code).toBe(0)
      expect(ran.stdout).toMatch(
        /^session_id: +[0-9a-f]{40}\nstate: +created\namount: +10\.000 KWD\n/,
      )
    } finally {
      expect(await server.stop()).toBe(130)
    }
    expect(server.output()).toMatch(/ottu sandbox stopped\n$/)
  })

  it("reads the store's SQLite file", async () => {
    const db = join(directory, "ottu.sqlite")
    const session = freshId()
    await Effect.runPromise(
      CheckoutStore.save(answer(session)).pipe(Effect.provide(CheckoutStore.layerSqlite(db))),
    )
    const ran = await run(node, ["store", "checkouts", "--db", db, session, "--json"])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ session_id: session, state: "created" })
  })
})
