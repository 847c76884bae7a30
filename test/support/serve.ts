/**
 * Serves a web handler `(Request) => Promise<Response>` on a free loopback port with the running
 * runtime's own server: `Bun.serve` on Bun, `Deno.serve` on Deno, `node:http` on Node.
 *
 * @module
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll } from "@effect/vitest"
import { OttuSandbox } from "../../src/index.ts"

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
