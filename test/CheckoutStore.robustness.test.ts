/**
 * The store never loses a genuine event: replicas migrating one fresh database at once (an
 * advisory lock on PostgreSQL, the busy timeout before WAL on SQLite), and events whose text a
 * database would refuse (NUL, unpaired surrogates, long ids) or whose keys are `__proto__` and
 * `constructor`, stored and read back exactly on every store.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import process from "node:process"
import { fileURLToPath } from "node:url"
import { PgClient } from "@effect/sql-pg"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted } from "effect"
import { CheckoutStore } from "../src/index.ts"
import { databaseUrl, freshDatabase } from "./support/store.ts"

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
