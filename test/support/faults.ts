/**
 * A real loopback HTTP server that misbehaves on request: resets, stalls, error statuses,
 * throttling, HTML, truncated JSON, wrong content types, huge bodies. It counts what it
 * received, so a test can prove that no money-moving request without a `Tracking-Key` arrived
 * twice, and lets a test wait for what happened to it (requests received, connections closed)
 * instead of for time to pass.
 *
 * @module
 */
import { createHash } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { gzipSync } from "node:zlib"
import { Effect } from "effect"

/** What the server does with one request. */
export type Fault =
  | { readonly _tag: "Ok"; readonly status?: number; readonly json: unknown }
  | { readonly _tag: "ResetBeforeAnswer" }
  | { readonly _tag: "ResetMidBody" }
  | { readonly _tag: "StallHeaders" }
  | { readonly _tag: "StallBody" }
  | { readonly _tag: "Status"; readonly status: number; readonly json?: unknown }
  | { readonly _tag: "RateLimited"; readonly retryAfter: string }
  | { readonly _tag: "Html" }
  | { readonly _tag: "TruncatedJson" }
  | { readonly _tag: "WrongContentType" }
  | { readonly _tag: "HugeBody"; readonly bytes: number }
  /** The JSON without a `Content-Length`, in two chunks. */
  | { readonly _tag: "Chunked"; readonly json: unknown }
  /** The JSON gzip-compressed, without a `Content-Length`. */
  | { readonly _tag: "Gzip"; readonly json: unknown }
  /** An endless body without a `Content-Length`, written until the client closes. */
  | { readonly _tag: "EndlessChunked" }

/** One request as the server received it. */
export interface Received {
  readonly method: string
  readonly path: string
  readonly trackingKey: string | undefined
  /** A digest of the body, to tell identical requests apart from distinct ones. */
  readonly bodyDigest: string
  readonly body: string
}

/** A running fault server. */
export interface FaultServer {
  readonly url: string
  /** Faults for the next requests, in order; once used up, `fallback` answers. */
  readonly plan: (...faults: ReadonlyArray<Fault>) => void
  readonly received: () => ReadonlyArray<Received>
  /** How many connections the server has accepted in all. */
  readonly connections: () => number
  readonly reset: () => void
  /** Completes once the server has received `count` requests in all (at once if it has). */
  readonly awaitReceived: (count: number) => Effect.Effect<void>
  /** Completes once no connection to the server is open (at once if none is). */
  readonly awaitNoConnections: Effect.Effect<void>
}

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) })
  res.end(body)
}

const answer = (fault: Fault, req: IncomingMessage, res: ServerResponse) => {
  switch (fault._tag) {
    case "Ok":
      return send(res, fault.status ?? 200, "application/json", JSON.stringify(fault.json))
    case "ResetBeforeAnswer":
      return req.socket.destroy()
    case "ResetMidBody":
      res.writeHead(200, { "content-type": "application/json", "content-length": "4096" })
      res.write('{"session_id":"')
      return setTimeout(() => req.socket.destroy(), 5)
    case "StallHeaders":
      return undefined
    case "StallBody":
      res.writeHead(200, { "content-type": "application/json", "content-length": "4096" })
      return res.write('{"session_id":"')
    case "Status":
      return send(
        res,
        fault.status,
        "application/json",
        JSON.stringify(fault.json ?? { detail: "failure" }),
      )
    case "RateLimited":
      res.setHeader("retry-after", fault.retryAfter)
      return send(res, 429, "application/json", '{"detail":"Request was throttled."}')
    case "Html":
      return send(res, 200, "text/html", "<html><body>Maintenance</body></html>")
    case "TruncatedJson":
      return send(res, 200, "application/json", '{"session_id":"abc","amount":')
    case "WrongContentType":
      return send(res, 200, "text/plain", "all good")
    case "Chunked": {
      const body = JSON.stringify(fault.json)
      const half = Math.floor(body.length / 2)
      res.writeHead(200, { "content-type": "application/json" })
      res.write(body.slice(0, half))
      return res.end(body.slice(half))
    }
    case "Gzip":
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
      return res.end(gzipSync(JSON.stringify(fault.json)))
    case "EndlessChunked": {
      res.writeHead(200, { "content-type": "application/json" })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once("drain", pump)
      }
      return pump()
    }
    case "HugeBody": {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(fault.bytes),
      })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let left = fault.bytes
      const pump = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
          left -= piece.length
          if (!res.write(piece)) return res.once("drain", pump)
        }
        return res.end()
      }
      return pump()
    }
  }
}

/**
 * Starts a fault server on 127.0.0.1 for the scope; `fallback` answers requests no planned fault
 * is left for. Every connection is destroyed when the scope closes, so stalled ones end too.
 */
export const faultServer = (fallback: (received: Received) => Fault) =>
  Effect.acquireRelease(
    Effect.async<FaultServer & { readonly close: () => Promise<void> }>((resume) => {
      const planned: Array<Fault> = []
      const log: Array<Received> = []
      const sockets = new Set<Socket>()
      let accepted = 0
      /** Checks of the waiting effects, run after every request received and connection closed. */
      const waiting = new Set<() => void>()
      const changed = () => {
        for (const check of [...waiting]) check()
      }
      const when = (holds: () => boolean) =>
        Effect.async<void>((resume) => {
          const check = () => {
            if (!holds()) return
            waiting.delete(check)
            resume(Effect.void)
          }
          waiting.add(check)
          check()
          return Effect.sync(() => {
            waiting.delete(check)
          })
        })
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8")
          const trackingKey = req.headers["tracking-key"]
          const received: Received = {
            method: req.method ?? "GET",
            path: new URL(req.url ?? "/", "http://x").pathname,
            trackingKey: typeof trackingKey === "string" ? trackingKey : undefined,
            bodyDigest: createHash("sha256").update(body).digest("hex"),
            body,
          }
          log.push(received)
          answer(planned.shift() ?? fallback(received), req, res)
          changed()
        })
      })
      server.on("connection", (socket) => {
        accepted++
        sockets.add(socket)
        socket.on("close", () => {
          sockets.delete(socket)
          changed()
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            plan: (...faults) => {
              planned.push(...faults)
            },
            received: () => [...log],
            connections: () => accepted,
            reset: () => {
              planned.length = 0
              log.length = 0
            },
            awaitReceived: (count) => when(() => log.length >= count),
            awaitNoConnections: when(() => sockets.size === 0),
            close: () =>
              new Promise<void>((done) => {
                for (const socket of sockets) socket.destroy()
                server.close(() => done())
              }),
          }),
        ),
      )
    }),
    (server) => Effect.promise(() => server.close()),
  )

/**
 * The requests that moved money without a `Tracking-Key` and arrived more than once (same
 * method, path and body): what a blind retry would produce.
 */
export const blindRepeats = (
  received: ReadonlyArray<Received>,
  movesMoney: (r: Received) => boolean,
): ReadonlyArray<Received> => {
  const seen = new Map<string, number>()
  for (const r of received) {
    if (!movesMoney(r) || r.trackingKey !== undefined) continue
    const key = `${r.method} ${r.path} ${r.bodyDigest}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  return received.filter(
    (r) =>
      movesMoney(r) &&
      r.trackingKey === undefined &&
      (seen.get(`${r.method} ${r.path} ${r.bodyDigest}`) ?? 0) > 1,
  )
}
