/**
 * Serves a web handler `(Request) => Promise<Response>` on a free loopback port with the running
 * runtime's own server: `Bun.serve` on Bun, `Deno.serve` on Deno, `node:http` on Node.
 *
 * @module
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { HttpClient } from "@effect/platform"
import { afterAll, beforeAll, expect } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import { Checkout, type OttuConfig, OttuSandbox, PaymentMethods } from "../../src/index.ts"

/** A running server. */
export interface Served {
  readonly runtime: "bun" | "deno" | "node"
  readonly url: string
  readonly close: () => Promise<void>
}

type Handler = (request: Request) => Promise<Response>

interface BunLike {
  serve(options: { hostname: string; port: number; fetch: Handler }): {
    readonly port: number
    stop(force: boolean): Promise<void> | void
  }
}

interface DenoLike {
  serve(
    options: { hostname: string; port: number; signal: AbortSignal; onListen: () => void },
    handler: Handler,
  ): { readonly addr: { readonly port: number }; readonly finished: Promise<void> }
}

const runtimes = globalThis as { readonly Bun?: BunLike; readonly Deno?: DenoLike }

const serveNode = (handler: Handler): Promise<Served> =>
  new Promise((resolve) => {
    const server = createServer(async (req, res) => {
      const chunks: Array<Uint8Array> = []
      for await (const chunk of req) chunks.push(chunk as Uint8Array)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value)
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
      }
      const method = req.method ?? "GET"
      const response = await handler(
        new Request(`http://127.0.0.1${req.url ?? "/"}`, {
          method,
          headers,
          ...(method === "GET" || method === "HEAD" ? {} : { body: Buffer.concat(chunks) }),
        }),
      )
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        runtime: "node",
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      }),
    )
  })

/** Serves `handler` on 127.0.0.1 with the running runtime's server. */
export const serve = async (handler: Handler): Promise<Served> => {
  if (runtimes.Bun !== undefined) {
    const server = runtimes.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler })
    return {
      runtime: "bun",
      url: `http://127.0.0.1:${server.port}`,
      close: async () => {
        await server.stop(true)
      },
    }
  }
  if (runtimes.Deno !== undefined) {
    const abort = new AbortController()
    const server = runtimes.Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
      handler,
    )
    return {
      runtime: "deno",
      url: `http://127.0.0.1:${server.addr.port}`,
      close: async () => {
        abort.abort()
        await server.finished
      },
    }
  }
  return serveNode(handler)
}

/** Serves `handler` for the scope of the test: stopped when the scope closes. */
export const serveScoped = (handler: Handler): Effect.Effect<Served, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => serve(handler)),
    (server) => Effect.promise(() => server.close()),
  )

/** A request a download server received: its path and its `Authorization` header. */
export interface Seen {
  readonly path: string
  readonly authorization: string | null
}

/**
 * Serves a report download for the scope of the test: `downloadPath` answers with a same-origin
 * redirect to `/storage/daily.csv?signature=s3cr3t`, any other path with `file()`. `seen` lists
 * each request's path and `Authorization` header, in order.
 */
export const serveRedirectedDownload = (
  downloadPath: string,
  file: () => Response,
): Effect.Effect<
  { readonly url: string; readonly seen: ReadonlyArray<Seen> },
  never,
  Scope.Scope
> =>
  Effect.gen(function* () {
    const seen: Array<Seen> = []
    let origin = ""
    const server = yield* serveScoped(async (request) => {
      const url = new URL(request.url)
      seen.push({ path: url.pathname, authorization: request.headers.get("authorization") })
      if (url.pathname === downloadPath) {
        return new Response(null, {
          status: 302,
          headers: { location: `${origin}/storage/daily.csv?signature=s3cr3t` },
        })
      }
      return file()
    })
    origin = server.url
    return { url: server.url, seen }
  })

/**
 * The SDK's checkout round trip against a served sandbox: lists the payment methods, creates a
 * checkout with the first one, updates its amount and reads it back, checking each answer.
 * Returns the checkout as created.
 */
export const checkoutRoundTrip: Effect.Effect<
  Checkout.CheckoutSession,
  Checkout.CheckoutError,
  OttuConfig.OttuConfig | HttpClient.HttpClient
> = Effect.gen(function* () {
  const methods = yield* PaymentMethods.list({ plugin: "e_commerce", currencies: ["KWD"] })
  const code = methods.payment_methods[0]?.code ?? "missing"
  const created = yield* Checkout.create({
    type: "e_commerce",
    amount: "20.23",
    currency_code: "KWD",
    pg_codes: [code],
  })
  expect(created.amount).toBe("20.230")
  const updated = yield* Checkout.update(created.session_id, { amount: "21.000" })
  expect(updated.amount).toBe("21.000")
  expect((yield* Checkout.retrieve(created.session_id)).amount).toBe("21.000")
  return created
})

/**
 * Serves a fresh sandbox for the tests of the calling file: started before them, stopped after.
 * Returns a getter for the running server (valid inside tests).
 */
export const serveSandboxForTests = (options: OttuSandbox.SandboxOptions): (() => Served) => {
  const sandbox = OttuSandbox.webHandler(options)
  let served: Served | undefined
  beforeAll(async () => {
    served = await serve(sandbox.handler)
  })
  afterAll(async () => {
    await served?.close()
    await sandbox.dispose()
  })
  return () => {
    if (served === undefined) throw new Error("the sandbox is not being served yet")
    return served
  }
}
