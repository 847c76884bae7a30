/**
 * Fixtures of the checkout-store suite: the stores it runs against (memory, the runtime's SQLite,
 * and a fresh PostgreSQL database when `DATABASE_URL` is set), signed webhook events, and the SDK
 * on a sandbox under `CheckoutStore.tracking`.
 *
 * @module
 */
import process from "node:process"
import type * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Effect, Either, Layer, Option, Redacted, type Scope } from "effect"
import * as CheckoutStore from "../../src/CheckoutStore.ts"
import { OttuAuth, OttuConfig, Session, Webhook } from "../../src/index.ts"
import { contractSandbox, sandboxKey } from "./sandbox.ts"

/** The PostgreSQL server of the suite (`.ci/postgres.sh` sets it), if any. */
export const databaseUrl = process.env.DATABASE_URL || undefined

/** A fresh 40-hex session id, as Ottu's. */
export const freshId = (): string =>
  (crypto.randomUUID() + crypto.randomUUID()).replaceAll("-", "").slice(0, 40)

/**
 * The URL of a database of its own on the `DATABASE_URL` server for as long as the scope lives:
 * created now, dropped when the scope closes, so runs on several runtimes never meet.
 */
export const freshDatabase = (serverUrl: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.gen(function* () {
    const name = `effect_ottu_test_${freshId().slice(0, 16)}`
    const admin = PgClient.layer({ url: Redacted.make(serverUrl), maxConnections: 1 })
    const run = (statement: string) =>
      Effect.flatMap(PgClient.PgClient, (sql) => sql.unsafe(statement)).pipe(
        Effect.provide(admin),
        Effect.orDie,
      )
    yield* Effect.acquireRelease(run(`CREATE DATABASE ${name}`), () =>
      run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    )
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    return url.toString()
  })

/** A client of a {@link freshDatabase}, for as long as the layer lives. */
const pgDatabase = (serverUrl: string): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient> =>
  Layer.unwrapScoped(
    Effect.map(freshDatabase(serverUrl), (url) => PgClient.layer({ url: Redacted.make(url) })),
  ).pipe(Layer.orDie)

/** A store the suite runs against. */
export interface Backend {
  readonly name: string
  /** Skipped when its server is not available. */
  readonly skip: boolean
  readonly layer: Layer.Layer<CheckoutStore.CheckoutStore>
  /** The same store with the `SqlClient` it runs on, for the SQL stores. */
  readonly sql?: Layer.Layer<CheckoutStore.CheckoutStore | SqlClient.SqlClient>
}

const sqlite = CheckoutStore.layerSqlite(":memory:").pipe(Layer.orDie)

const postgres = CheckoutStore.layerSql.pipe(
  Layer.provideMerge(pgDatabase(databaseUrl ?? "postgres://unset")),
  Layer.orDie,
)

/** Memory, SQLite (the runtime's own driver), and PostgreSQL when `DATABASE_URL` is set. */
export const backends: ReadonlyArray<Backend> = [
  { name: "memory", skip: false, layer: CheckoutStore.layerMemory },
  { name: "SQLite", skip: false, layer: sqlite, sql: sqlite },
  { name: "PostgreSQL", skip: databaseUrl === undefined, layer: postgres, sql: postgres },
]

/** The webhook key the suite signs its events with. */
export const webhookKey = "store-suite-webhook-key"

/**
 * A webhook body as Ottu sends it: the payload signed with the suite's key in `scheme` (the
 * standard one unless told), as JSON text.
 */
export const signedBody = (
  payload: Readonly<Record<string, unknown>>,
  scheme: Webhook.Scheme = "standard",
): string => {
  const { signature: _, ...unsigned } = payload
  return JSON.stringify({
    ...unsigned,
    signature: Webhook.signatureOf(unsigned, webhookKey, scheme),
  })
}

/** A webhook body as Ottu would sign it, verified and decoded as the receiver does, with its scheme. */
export const verified = (
  payload: Readonly<Record<string, unknown>>,
  scheme: Webhook.Scheme = "standard",
): Webhook.Verified =>
  Either.getOrThrow(Webhook.verifyScheme(signedBody(payload, scheme), webhookKey))

/** A webhook body as Ottu would sign it, verified and decoded as the receiver does. */
export const delivered = (
  payload: Readonly<Record<string, unknown>>,
  scheme: Webhook.Scheme = "standard",
): Webhook.Event => verified(payload, scheme).event

/** The payload of a payment webhook for `session_id`: a paid KWD payment unless `fields` say otherwise. */
export const paymentPayload = (
  session_id: string,
  fields: Readonly<Record<string, unknown>> = {},
): Readonly<Record<string, unknown>> => ({
  session_id,
  order_no: null,
  amount: "20.230",
  currency_code: "KWD",
  result: "success",
  state: "paid",
  customer_id: "cust-7",
  payment_type: "one_off",
  reference_number: "REF-1",
  gateway_account: "credit-card",
  timestamp_utc: "2026-11-27 09:00:07",
  ...fields,
})

/** A payment webhook for `session_id`, delivered (see {@link paymentPayload}). */
export const paymentEvent = (session_id: string, fields: Readonly<Record<string, unknown>> = {}) =>
  delivered(paymentPayload(session_id, fields))

/**
 * A payment webhook for `session_id` signed with the subscription scheme (which signs the
 * session, the agreement and the card), recorded as the receiver's handler would.
 */
export const recordSubscription = (
  session_id: string,
  fields: Readonly<Record<string, unknown>> = {},
) =>
  CheckoutStore.record(delivered(paymentPayload(session_id, fields), "subscription"), {
    scheme: "subscription",
  })

/** An operation webhook (a refund of `session_id` unless `fields` say otherwise). */
export const operationEvent = (
  session_id: string,
  fields: Readonly<Record<string, unknown>> = {},
) =>
  delivered({
    session_id,
    order_no: "",
    amount: "5.000",
    operation: "refund",
    result: "success",
    success: true,
    source: "input",
    reference_number: "OP-1",
    pg_code: "credit-card",
    txn: {
      session_id: freshId(),
      amount: "5.000",
      currency_code: "KWD",
      order_no: "",
      state: "refunded",
    },
    timestamp_utc: "2026-11-27 10:00:00",
    ...fields,
  })

/**
 * Saves the checkout a webhook body is about, with the fields the store cross-checks events
 * against, as the tracking layer does when the checkout is created through the SDK.
 */
export const knownCheckout = (payload: Readonly<Record<string, unknown>>) =>
  CheckoutStore.save({
    session_id: String(payload.session_id),
    order_no: payload.order_no,
    customer_id: payload.customer_id,
    amount: payload.amount,
    currency_code: payload.currency_code,
    state: "created",
  })

/** The default `webhook_url` the tracked SDK is configured with. */
export const defaultWebhookUrl = "https://merchant.example/ottu/webhook"

/**
 * The SDK on a fresh contract-checked sandbox, tracked into the context's store, configured with
 * the default `webhook_url`, with a current session.
 */
export const trackedSandbox = () =>
  Layer.mergeAll(
    OttuConfig.layer({
      merchantId: "sandbox.ottu.test",
      auth: OttuAuth.apiKey(sandboxKey),
      customerId: "cust-7",
      webhookUrl: defaultWebhookUrl,
    }),
    Session.layer,
  ).pipe(
    Layer.provideMerge(
      CheckoutStore.tracking.pipe(
        Layer.provideMerge(contractSandbox({ inquiryThrottling: false })),
      ),
    ),
  )

/** A checkout answer as Ottu gives it, for saving directly. */
export const answer = (session_id: string, fields: Readonly<Record<string, unknown>> = {}) => ({
  session_id,
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  state: "created",
  customer_id: "cust-7",
  payment_type: "one_off",
  ...fields,
})

/** The stored checkout of a session; a defect when there is none. */
export const stored = (sessionId: string) =>
  Effect.map(
    CheckoutStore.get(sessionId),
    Option.getOrThrowWith(() => `no checkout ${sessionId}`),
  )
