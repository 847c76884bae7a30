/**
 * The SDK against a real loopback server that misbehaves: each fault gives its documented tagged
 * error, or a successful retry where the policy allows one; over more than 1,000 injected faults
 * no money-moving request without a `Tracking-Key` reaches the server twice; interrupted calls
 * abort their requests and let the process exit.
 *
 * Nothing here waits for time to pass: the faults one by one run under the `TestClock`, so a
 * timeout strikes only when a test moves the clock, after the server has received the request
 * it stalls; the bulk run has no timeout at all (its faults answer at once); the cancellation
 * test waits for the server to hold every request before it interrupts them.
 *
 * Needs the retry policy wired into `src/internal/http.ts`.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Layer, Redacted, TestClock } from "effect"
import {
  Checkout,
  Operation,
  OttuAuth,
  OttuConfig,
  OttuHttpClient,
  PaymentMethods,
  RequestOptions,
} from "../../src/index.ts"
import { sleeping } from "../support/events.ts"
import {
  blindRepeats,
  type Fault,
  type FaultServer,
  faultServer,
  type Received,
} from "../support/faults.ts"
import { failureOf, sessionBody } from "../support/setup.ts"

const sessionId = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const checkoutPath = "/b/checkout/v1/pymt-txn/"
const operationPath = "/b/pbl/v2/operation/"

/** The answer of a healthy Ottu for each endpoint the suite calls. */
const healthy = (received: Received): Fault => {
  if (received.path === operationPath) {
    const { operation } = JSON.parse(received.body) as { readonly operation: string }
    return { _tag: "Ok", json: { detail: "done", operation, result: "success" } }
  }
  if (received.path === "/b/pbl/v2/payment-methods/") {
    return { _tag: "Ok", json: { customer_payment_methods: [], payment_methods: [] } }
  }
  return { _tag: "Ok", status: received.method === "POST" ? 201 : 200, json: sessionBody() }
}

const movesMoney = (r: Received) =>
  r.method === "POST" && (r.path === checkoutPath || r.path === operationPath)

/** The SDK's timeout in the faults one by one (on the `TestClock`). */
const timeout = Duration.millis(400)

/** The transports every fault runs over: the platform's fetch client and the SDK's own. */
const transports = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["OttuHttpClient", OttuHttpClient.layer],
] as const

type Transport = Layer.Layer<HttpClient.HttpClient>

/**
 * The SDK on the fault server. Retries do not wait (when they happen is `retry.test.ts`'s
 * business), so they need no clock moved.
 */
const sdk = (url: string, transport: Transport, callTimeout: Duration.Duration = timeout) =>
  Layer.merge(
    OttuConfig.layer({
      merchantId: "faults.ottu.test",
      auth: OttuAuth.apiKey(Redacted.make("fault-key")),
      baseUrl: url,
      timeout: callTimeout,
      retry: { base: Duration.zero, cap: Duration.zero },
    }),
    transport,
  )

/** The faults that never answer: only the timeout ends them. */
const stalls: ReadonlySet<Fault["_tag"]> = new Set(["StallHeaders", "StallBody"])

/**
 * Runs `call` on the fault server under the `TestClock` and returns its exit. When the server
 * was told to stall, the clock moves past the timeout once the server holds the request and the
 * timeout is set; no other attempt can ever time out.
 */
const attempt = <A, E extends { readonly _tag: string }>(
  server: FaultServer,
  fault: Fault,
  call: Effect.Effect<A, E, OttuConfig.OttuConfig | HttpClient.HttpClient>,
  transport: Transport,
) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Effect.exit(call.pipe(Effect.provide(sdk(server.url, transport)))),
    )
    if (stalls.has(fault._tag)) {
      yield* server.awaitReceived(1)
      yield* sleeping(Duration.toMillis(timeout))
      yield* TestClock.adjust(timeout)
    }
    return yield* Fiber.join(fiber)
  })

const create = (order: string) =>
  Checkout.create({
    type: "e_commerce",
    amount: "20.230",
    currency_code: "KWD",
    pg_codes: ["knet"],
    order_no: order,
  })

/** Each fault once, with what an idempotent and a money-moving call end with. */
const table: ReadonlyArray<{
  readonly fault: Fault
  /** The error tag, or `"retried"` when the next attempt succeeds. */
  readonly idempotent: string
  readonly moving: string
}> = [
  { fault: { _tag: "ResetBeforeAnswer" }, idempotent: "retried", moving: "OttuTransportError" },
  { fault: { _tag: "ResetMidBody" }, idempotent: "retried", moving: "OttuTransportError" },
  { fault: { _tag: "StallHeaders" }, idempotent: "retried", moving: "OttuTimeoutError" },
  { fault: { _tag: "StallBody" }, idempotent: "retried", moving: "OttuTimeoutError" },
  ...[500, 502, 503, 504].map((status) => ({
    fault: { _tag: "Status", status } as const,
    idempotent: "retried",
    moving: "OttuServerError",
  })),
  {
    fault: { _tag: "Status", status: 408 },
    idempotent: "retried",
    moving: "OttuUnexpectedStatusError",
  },
  {
    fault: { _tag: "Status", status: 501 },
    idempotent: "OttuServerError",
    moving: "OttuServerError",
  },
  {
    fault: { _tag: "Status", status: 404 },
    idempotent: "OttuNotFoundError",
    moving: "OttuNotFoundError",
  },
  {
    fault: { _tag: "RateLimited", retryAfter: "0" },
    idempotent: "retried",
    moving: "OttuRateLimitedError",
  },
  {
    fault: { _tag: "RateLimited", retryAfter: "Thu, 01 Jan 1970 00:00:00 GMT" },
    idempotent: "retried",
    moving: "OttuRateLimitedError",
  },
  {
    fault: { _tag: "RateLimited", retryAfter: "120" },
    idempotent: "OttuRateLimitedError",
    moving: "OttuRateLimitedError",
  },
  { fault: { _tag: "Html" }, idempotent: "OttuDecodeError", moving: "OttuDecodeError" },
  { fault: { _tag: "TruncatedJson" }, idempotent: "OttuDecodeError", moving: "OttuDecodeError" },
  { fault: { _tag: "WrongContentType" }, idempotent: "OttuDecodeError", moving: "OttuDecodeError" },
  {
    fault: { _tag: "HugeBody", bytes: 64 * 1024 * 1024 },
    idempotent: "OttuDecodeError",
    moving: "OttuDecodeError",
  },
]

describe.each(transports)("faults, one by one, over %s", (_, transport) => {
  for (const { fault, idempotent, moving } of table) {
    const name = `${fault._tag}${"status" in fault ? ` ${fault.status}` : ""}${"retryAfter" in fault ? ` (Retry-After: ${fault.retryAfter})` : ""}`

    it.effect(
      `${name}: a retrieve ${idempotent === "retried" ? "succeeds on retry" : `fails with ${idempotent}`}`,
      () =>
        Effect.gen(function* () {
          const server = yield* faultServer(healthy)
          server.plan(fault)
          const exit = yield* attempt(server, fault, Checkout.retrieve(sessionId), transport)
          if (idempotent === "retried") {
            expect(Exit.isSuccess(exit)).toBe(true)
            expect(server.received()).toHaveLength(2)
          } else {
            expect(failureOf(exit)._tag).toBe(idempotent)
            expect(server.received()).toHaveLength(1)
          }
        }).pipe(Effect.scoped),
    )

    it.effect(`${name}: a checkout create fails with ${moving}, sent once`, () =>
      Effect.gen(function* () {
        const server = yield* faultServer(healthy)
        server.plan(fault)
        const exit = yield* attempt(server, fault, create("order-1"), transport)
        expect(failureOf(exit)._tag).toBe(moving)
        expect(server.received()).toHaveLength(1)
      }).pipe(Effect.scoped),
    )
  }

  it.effect("a 429 carries Retry-After when the SDK gives up", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(healthy)
      const fault: Fault = { _tag: "RateLimited", retryAfter: "120" }
      server.plan(fault)
      const exit = yield* attempt(server, fault, Checkout.retrieve(sessionId), transport)
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuRateLimitedError",
        retryAfter: Duration.seconds(120),
      })
    }).pipe(Effect.scoped),
  )

  it.effect("retries stop after two: the third failure is returned", () =>
    Effect.gen(function* () {
      const server = yield* faultServer(healthy)
      const fault: Fault = { _tag: "Status", status: 503 }
      server.plan(fault, fault, fault)
      const exit = yield* attempt(server, fault, Checkout.retrieve(sessionId), transport)
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuServerError", status: 503 })
      expect(server.received()).toHaveLength(3)
    }).pipe(Effect.scoped),
  )
})

/** A tiny deterministic generator, so a failing run can be replayed. */
const generator = (seed: number) => {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

/** A call of the bulk run: its kind, and its exit as a value. */
const call = <A, E extends { readonly _tag: string }, R>(
  kind: "moving" | "keyed" | "read",
  effect: Effect.Effect<A, E, R>,
) =>
  Effect.map(Effect.exit(effect), (exit) => ({
    kind,
    exit: exit as Exit.Exit<unknown, { readonly _tag: string }>,
  }))

/** Faults that answer at once (the stalls are covered above). */
const quickFaults: ReadonlyArray<Fault> = [
  { _tag: "ResetBeforeAnswer" },
  { _tag: "ResetMidBody" },
  { _tag: "Status", status: 500 },
  { _tag: "Status", status: 502 },
  { _tag: "Status", status: 503 },
  { _tag: "Status", status: 504 },
  { _tag: "RateLimited", retryAfter: "0" },
]

const transientTags = new Set(["OttuTransportError", "OttuServerError", "OttuRateLimitedError"])

describe.each(transports)("faults in bulk, over %s", (_, transport) => {
  // Heavy work, not a wait: some 1,900 exchanges over real sockets take about 10 s on an idle
  // 2-core machine and several times that under load, so the test gets more than the default.
  it.live(
    "over 1,000 injected faults, no money-moving request without a key arrives twice",
    () =>
      Effect.gen(function* () {
        const random = generator(7)
        let injected = 0
        const server = yield* faultServer((received) => {
          if (random() < 0.6) {
            injected++
            return quickFaults[Math.floor(random() * quickFaults.length)] as Fault
          }
          return healthy(received)
        })
        const kinds = ["moving", "moving", "keyed", "read", "read"] as const
        const calls = Array.from({ length: 1200 }, (_, i) => {
          const target = { session_id: `s${i.toString(16).padStart(8, "0")}` }
          switch (i % 5) {
            case 0:
              return call("moving", create(`order-${i}`))
            case 1:
              return call("moving", Operation.refund(target, { amount: "1.000" }))
            case 2:
              return call(
                "keyed",
                Operation.capture(target).pipe(
                  RequestOptions.withRequestOptions({ trackingKey: "auto" }),
                ),
              )
            case 3:
              return call("read", Checkout.retrieve(sessionId))
            default:
              return call(
                "read",
                PaymentMethods.list({ plugin: "e_commerce", currencies: ["KWD"] }),
              )
          }
        })
        const count = (kind: string) => calls.filter((_, i) => kinds[i % 5] === kind).length
        // No timeout: these faults answer at once, and a timeout could only strike because the
        // machine is slow (an OttuTimeoutError that says nothing about the SDK).
        const exits = yield* Effect.all(calls, { concurrency: 16 }).pipe(
          Effect.provide(sdk(server.url, transport, Duration.infinity)),
        )
        const received = server.received()

        expect(injected).toBeGreaterThanOrEqual(1000)
        expect(blindRepeats(received, movesMoney)).toStrictEqual([])
        // Each unkeyed money-moving call reached the server exactly once.
        const unkeyed = received.filter((r) => movesMoney(r) && r.trackingKey === undefined)
        expect(unkeyed).toHaveLength(count("moving"))
        // Keyed operations were retried, always under the same key with the same body.
        const byKey = new Map<string, Set<string>>()
        for (const r of received) {
          if (r.trackingKey === undefined) continue
          byKey.set(r.trackingKey, (byKey.get(r.trackingKey) ?? new Set()).add(r.bodyDigest))
        }
        expect(byKey.size).toBe(count("keyed"))
        for (const digests of byKey.values()) expect(digests.size).toBe(1)
        expect(received.filter((r) => r.trackingKey !== undefined).length).toBeGreaterThan(
          byKey.size,
        )
        // Every failure is a documented transient error; retried calls mostly succeed.
        for (const { exit } of exits) {
          if (Exit.isFailure(exit)) expect(transientTags).toContain(failureOf(exit)._tag)
        }
        const succeeded = (kind: string) =>
          exits.filter((e) => e.kind === kind && Exit.isSuccess(e.exit)).length /
          exits.filter((e) => e.kind === kind).length
        expect(succeeded("read")).toBeGreaterThan(succeeded("moving"))
        expect(succeeded("keyed")).toBeGreaterThan(succeeded("moving"))
      }).pipe(Effect.scoped),
    180_000,
  )
})

describe("connections over OttuHttpClient", () => {
  it.live(
    "money-moving calls share connections, and one closed after the request arrived is not re-sent",
    () =>
      Effect.gen(function* () {
        const server = yield* faultServer(healthy)
        yield* Effect.gen(function* () {
          for (let i = 0; i < 10; i++) yield* create(`order-${i}`)
          const opened = server.connections()
          expect(opened).toBeLessThan(10)
          // The server reads the next create, then closes the (reused) connection unanswered:
          // what makes Deno's fetch re-send a request whose body it can replay.
          server.plan({ _tag: "ResetBeforeAnswer" })
          const exit = yield* Effect.exit(create("order-closed"))
          expect(failureOf(exit)._tag).toBe("OttuTransportError")
          expect(server.connections()).toBe(opened)
        }).pipe(Effect.provide(sdk(server.url, OttuHttpClient.layer, Duration.infinity)))
        const closed = server.received().filter((r) => r.body.includes("order-closed"))
        expect(closed).toHaveLength(1)
        expect(blindRepeats(server.received(), movesMoney)).toStrictEqual([])
      }).pipe(Effect.scoped),
  )

  it.live.runIf((globalThis as { readonly Deno?: unknown }).Deno !== undefined)(
    "on Deno, the same close makes a plain fetch with a string body send the request twice",
    () =>
      Effect.gen(function* () {
        const server = yield* faultServer(healthy)
        const post = (body: string) =>
          Effect.promise(() =>
            fetch(server.url + checkoutPath, { method: "POST", body }).then(
              (response) => response.text(),
              () => "failed",
            ),
          )
        yield* post('{"order_no":"warm"}')
        server.plan({ _tag: "ResetBeforeAnswer" })
        yield* post('{"order_no":"closed"}')
        expect(server.received().filter((r) => r.body.includes('"closed"'))).toHaveLength(2)
      }).pipe(Effect.scoped),
  )
})

/** A child process of the running runtime, killed with the scope if it is still running. */
const runScript = (script: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const runtime = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
      const args =
        runtime.Bun !== undefined
          ? [script]
          : runtime.Deno !== undefined
            ? ["run", "-A", script]
            : ["--import", "tsx", script]
      const child = spawn(process.execPath, args, {
        env: { ...process.env, ...env, DENO_NO_UPDATE_CHECK: "1" },
        stdio: ["pipe", "pipe", "inherit"],
      })
      let output = ""
      let exit: { readonly code: number | null } | undefined
      const waiting = new Set<() => void>()
      const changed = () => {
        for (const check of [...waiting]) check()
      }
      const when = <A>(ready: () => A | undefined) =>
        Effect.async<A>((resume) => {
          const check = () => {
            const value = ready()
            if (value === undefined) return
            waiting.delete(check)
            resume(Effect.succeed(value))
          }
          waiting.add(check)
          check()
          return Effect.sync(() => {
            waiting.delete(check)
          })
        })
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        changed()
      })
      child.on("exit", (code) => {
        exit = { code }
        changed()
      })
      return {
        /** Writes a line to the child's stdin. */
        send: (line: string) => child.stdin.write(`${line}\n`),
        /** Closes the child's stdin. */
        endInput: () => child.stdin.end(),
        /** Completes once the child has printed `text`. */
        printed: (text: string) => when(() => (output.includes(text) ? output : undefined)),
        /** Completes with the exit code once the child has exited. */
        exited: when(() => exit),
        kill: () => {
          if (exit === undefined) child.kill("SIGKILL")
        },
      }
    }),
    (child) => Effect.sync(child.kill),
  )

describe.each(transports)("cancellation, over %s", (name) => {
  // Heavy work, not a wait: starting a second runtime that compiles the SDK takes 5 to 20 s on a
  // loaded 2-core machine; the budget only bounds a process that never exits.
  it.live(
    "answered, refused and interrupted calls leave nothing behind: the process exits on its own",
    () =>
      Effect.gen(function* () {
        const server = yield* faultServer(() => ({ _tag: "StallHeaders" }))
        server.plan(
          { _tag: "Ok", json: sessionBody() },
          { _tag: "Status", status: 404, json: { detail: "Not found." } },
        )
        const burst = yield* runScript(fileURLToPath(new URL("./burst.ts", import.meta.url)), {
          FAULT_URL: server.url,
          TRANSPORT: name,
        })
        yield* burst.printed("answered, then OttuNotFoundError")
        // The server holds all 200 requests before any is interrupted.
        yield* server.awaitReceived(202)
        burst.send("interrupt")
        yield* burst.printed("interrupted 200 calls")
        // Their connections close while the process still runs: the requests were aborted.
        yield* server.awaitNoConnections
        // With stdin closed, nothing is left to keep the process alive: no socket, no timer (the
        // SDK's timeout there is an hour). A process that does not exit fails the test's timeout.
        burst.endInput()
        const { code } = yield* burst.exited
        expect(code).toBe(0)
        expect(server.received()).toHaveLength(202)
      }).pipe(Effect.scoped),
    120_000,
  )
})
