/**
 * The store never loses a genuine event: replicas migrating one fresh database at once (an
 * advisory lock on PostgreSQL, the busy timeout before WAL on SQLite), and events whose text a
 * database would refuse (NUL, unpaired surrogates, long ids) or whose keys are `__proto__` and
 * `constructor`, stored and read back exactly on every store.
 */
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import process from "node:process"
import { fileURLToPath } from "node:url"
import { PgClient } from "@effect/sql-pg"
import { afterAll, describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either, Exit, Layer, Option, Redacted } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import { Webhook } from "../src/index.ts"
import {
  backends,
  databaseUrl,
  freshDatabase,
  freshId,
  knownCheckout,
  paymentPayload,
  signedBody,
  webhookKey,
} from "./support/store.ts"

const scratch = mkdtempSync(join(tmpdir(), "effect-ottu-robustness-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const rounds = 10
const replicas = 8

/** Builds `replicas` stores at once and releases them; the failures, if any, as messages. */
const startAtOnce = <E>(store: () => Layer.Layer<CheckoutStore.CheckoutStore, E>) =>
  Effect.map(
    Effect.all(
      Array.from({ length: replicas }, () => Effect.exit(Effect.scoped(Layer.build(store())))),
      { concurrency: "unbounded" },
    ),
    (exits) => exits.filter(Exit.isFailure).map((exit) => String(exit.cause)),
  )

/** A replica process (`support/sqliteReplica.ts`) on the running runtime, killed with the scope. */
const replicaProcess = Effect.acquireRelease(
  Effect.sync(() => {
    const runtime = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
    const script = fileURLToPath(new URL("./support/sqliteReplica.ts", import.meta.url))
    const args =
      runtime.Bun !== undefined
        ? [script]
        : runtime.Deno !== undefined
          ? ["run", "-A", script]
          : ["--import", "tsx", script]
    const child = spawn(process.execPath, args, {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
      stdio: ["pipe", "pipe", "inherit"],
    })
    const lines: Array<string> = []
    let pending = ""
    let wake = () => {}
    child.stdout.on("data", (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split("\n")
      pending = parts.pop() ?? ""
      lines.push(...parts)
      wake()
    })
    child.on("exit", (code) => {
      lines.push(`exited with ${code}`)
      wake()
    })
    /** The next line the replica prints. */
    const next = Effect.async<string>((resume) => {
      wake = () => {
        const line = lines.shift()
        if (line === undefined) return
        wake = () => {}
        resume(Effect.succeed(line))
      }
      wake()
    })
    return { child, next, open: (file: string) => child.stdin.write(`${file}\n`) }
  }),
  ({ child }) => Effect.sync(() => child.kill()),
)

describe("replicas starting at once", () => {
  it.live(
    `${replicas} SQLite stores opening one fresh file at once, ${rounds} rounds, all start`,
    () =>
      Effect.gen(function* () {
        for (let round = 0; round < rounds; round++) {
          const file = join(scratch, `replicas-${round}.sqlite`)
          expect(yield* startAtOnce(() => CheckoutStore.layerSqlite(file))).toEqual([])
        }
      }),
    120_000,
  )

  it.live(
    `${replicas} SQLite replica processes opening one fresh file at once, ${rounds} rounds, all start`,
    () =>
      Effect.gen(function* () {
        const processes = yield* Effect.all(Array.from({ length: replicas }, () => replicaProcess))
        for (const replica of processes) expect(yield* replica.next).toBe("ready")
        for (let round = 0; round < rounds; round++) {
          const file = join(scratch, `processes-${round}.sqlite`)
          for (const replica of processes) replica.open(file)
          const answers = yield* Effect.forEach(processes, (replica) => replica.next)
          expect(answers).toEqual(Array.from({ length: replicas }, () => "ok"))
        }
      }).pipe(Effect.scoped),
    240_000,
  )

  it.live.skipIf(databaseUrl === undefined)(
    `${replicas} PostgreSQL replicas migrating one fresh database at once, ${rounds} rounds, all start`,
    () =>
      Effect.gen(function* () {
        for (let round = 0; round < rounds; round++) {
          const failures = yield* Effect.scoped(
            Effect.flatMap(freshDatabase(databaseUrl ?? ""), (url) =>
              startAtOnce(() =>
                CheckoutStore.layerSql.pipe(
                  Layer.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 2 })),
                ),
              ),
            ),
          )
          expect(failures).toEqual([])
        }
      }),
    240_000,
  )
})

/** Records the event of a signed body; what was sent (the body parsed) and what the store kept. */
const roundTrip = (body: string) =>
  Effect.gen(function* () {
    const sent = JSON.parse(body) as Record<string, unknown>
    const event = yield* Either.match(Webhook.verify(body, webhookKey), {
      onLeft: Effect.die,
      onRight: Effect.succeed,
    })
    yield* knownCheckout(sent)
    const recorded = yield* CheckoutStore.record(event)
    const sessionId = event.session_id
    const [stored, ...more] = yield* CheckoutStore.events(sessionId)
    const checkout = yield* CheckoutStore.get(sessionId)
    expect(more).toEqual([])
    return {
      sent,
      recorded,
      event: stored?.payload ?? {},
      checkout: Option.getOrThrowWith(checkout, () => `no checkout ${sessionId}`),
    }
  })

for (const backend of backends) {
  layer(backend.layer, { timeout: "60 seconds" })(
    `${backend.name}: events a database could refuse`,
    (it) => {
      it.effect.skipIf(backend.skip)(
        "text with NUL, unpaired surrogates and U+FFFF is stored and read back exactly",
        () =>
          Effect.gen(function* () {
            const id = freshId()
            const orderNo = `ORD-\ud800-\uffff0000-${id.slice(0, 8)}`
            const { sent, recorded, event, checkout } = yield* roundTrip(
              signedBody(
                paymentPayload(id, {
                  order_no: orderNo,
                  customer_id: "cust\u0000-7",
                  customer_first_name: "Ann\u0000\udc00e \ud83d\ude00",
                  extra: { "key\u0000": ["\ud800", "\\u0000"] },
                }),
              ),
            )
            expect(recorded.outcome).toBe("applied")
            expect(event).toEqual(sent)
            expect(checkout.payload).toEqual(sent)
            expect(checkout.order_no).toBe(orderNo)
            expect(checkout.customer_id).toBe("cust\u0000-7")
            const found = yield* CheckoutStore.findByOrderNo(orderNo)
            expect(Option.map(found, (c) => c.session_id)).toEqual(Option.some(id))
          }),
      )

      it.effect.skipIf(backend.skip)(
        "a 200-character session id with a NUL is stored and read back exactly",
        () =>
          Effect.gen(function* () {
            const id = `${freshId()}\u0000${"x".repeat(200)}`.slice(0, 200)
            const { sent, recorded, event, checkout } = yield* roundTrip(
              signedBody(paymentPayload(id)),
            )
            expect(recorded.outcome).toBe("applied")
            expect(event).toEqual(sent)
            expect(checkout.session_id).toBe(id)
            expect(checkout.payload).toEqual(sent)
          }),
      )

      it.effect.skipIf(backend.skip)(
        "`__proto__` and `constructor` keys are stored and read back as plain data",
        () =>
          Effect.gen(function* () {
            const id = freshId()
            const payload = JSON.parse(
              `{"session_id":"${id}","result":"success","amount":"20.230","currency_code":"KWD",` +
                `"__proto__":{"state":"paid","customer_id":"victim"},` +
                `"constructor":{"prototype":{"state":"paid"}},` +
                `"amount_details":{"__proto__":{"currency_code":"USD"},"total":"20.230"}}`,
            ) as Record<string, unknown>
            const { sent, event, checkout } = yield* roundTrip(signedBody(payload))
            for (const stored of [event, checkout.payload]) {
              expect(Object.getPrototypeOf(stored)).toBe(Object.prototype)
              expect(Object.hasOwn(stored, "__proto__")).toBe(true)
              expect(Object.hasOwn(stored, "constructor")).toBe(true)
              expect(stored.state).toBeUndefined()
              expect(stored.customer_id).toBeUndefined()
              const details = stored.amount_details as Record<string, unknown>
              expect(Object.getPrototypeOf(details)).toBe(Object.prototype)
              expect(Object.hasOwn(details, "__proto__")).toBe(true)
              expect(details.currency_code).toBeUndefined()
              expect(stored).toEqual(sent)
            }
            // The checkout keeps the state it was saved with: no inherited `state: "paid"`.
            expect(checkout.state).toBe("created")
            expect(checkout.customer_id).toBeNull()
          }),
      )
    },
  )
}

/**
 * The runtimes, each as the command that runs a TypeScript script: the binaries the dev
 * dependencies install (Node 24 LTS, not the system's Node, whatever `PATH` holds).
 */
const runtimes = {
  node: [fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url)), ["--import", "tsx"]],
  bun: [fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url)), []],
  deno: [fileURLToPath(new URL("../node_modules/.bin/deno", import.meta.url)), ["run", "-A"]],
} as const

const running = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node"

/** Runs `support/recordBody.ts` on `runtime`; its error output when it fails. */
const recordOn = (runtime: keyof typeof runtimes, file: string, body: string) =>
  Effect.async<string>((resume) => {
    const [command, args] = runtimes[runtime]
    const script = fileURLToPath(new URL("./support/recordBody.ts", import.meta.url))
    const child = execFile(
      command,
      [...args, script, file, body],
      { env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" } },
      (error, _stdout, stderr) =>
        resume(Effect.succeed(error === null ? "" : `${error} ${stderr}`)),
    )
    return Effect.sync(() => child.kill())
  })

describe("a body with `__proto__` keys written by one runtime", () => {
  for (const writer of Object.keys(runtimes) as Array<keyof typeof runtimes>) {
    if (writer === running) continue
    it.live(
      `written by ${writer}, read back here (${running}) as plain data`,
      () =>
        Effect.gen(function* () {
          const id = freshId()
          const file = join(scratch, `${writer}-${id}.sqlite`)
          const body = signedBody(
            JSON.parse(
              `{"session_id":"${id}","result":"success","amount":"20.230",` +
                `"currency_code":"KWD","__proto__":{"state":"paid"}}`,
            ),
          )
          expect(yield* recordOn(writer, file, body)).toBe("")
          const [event] = yield* CheckoutStore.events(id).pipe(
            Effect.provide(CheckoutStore.layerSqlite(file)),
          )
          const payload = event?.payload ?? {}
          expect(Object.getPrototypeOf(payload)).toBe(Object.prototype)
          expect(Object.hasOwn(payload, "__proto__")).toBe(true)
          expect(payload.state).toBeUndefined()
          expect(payload).toEqual(JSON.parse(body))
        }),
      120_000,
    )
  }
})
