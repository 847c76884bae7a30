/**
 * Records one signed webhook body into the SQLite store at a path, on whatever runtime runs it:
 * `recordBody.ts <file> <body>`. The store suite reads it back on another runtime.
 *
 * @module
 */
import process from "node:process"
import { Effect, Either } from "effect"
import * as CheckoutStore from "../../src/CheckoutStore.ts"
import { Webhook } from "../../src/index.ts"
import { knownCheckout, webhookKey } from "./store.ts"

const [file, body] = process.argv.slice(2)
if (file === undefined || body === undefined) throw new Error("usage: recordBody.ts <file> <body>")
const event = Either.getOrThrow(Webhook.verify(body, webhookKey))
await Effect.runPromise(
  Effect.zipRight(knownCheckout(JSON.parse(body)), CheckoutStore.record(event)).pipe(
    Effect.provide(CheckoutStore.layerSqlite(file)),
  ),
)
