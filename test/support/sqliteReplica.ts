/**
 * A replica for the store's start-up race: a process that opens `CheckoutStore.layerSqlite` on
 * each file named on its stdin (one per line) and answers `ok` or `failed: <reason>` per line. It
 * prints `ready` once SQLite is loaded, so that the replicas' opens can start together.
 *
 * @module
 */

import process from "node:process"
import { createInterface } from "node:readline"
import { Effect, Layer } from "effect"
import * as CheckoutStore from "../../src/CheckoutStore.ts"

const open = (file: string) =>
  Effect.runPromise(
    Effect.match(Effect.scoped(Layer.build(CheckoutStore.layerSqlite(file))), {
      onFailure: (error) => `failed: ${error.message}`,
      onSuccess: () => "ok",
    }),
  )

await open(":memory:")
process.stdout.write("ready\n")
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${await open(line)}\n`)
}
