/**
 * The receiver against slow and fragmented bodies: a body in one-byte chunks is read in time
 * linear in its size (in process, and over TCP on the running runtime's server), one over the
 * limit is refused 413 however it is chunked, and a body that stops arriving is answered 408
 * after the read deadline while the server goes on answering others.
 *
 * None of these tests measures time: on a quadratic reader the fragmented bodies cannot be read
 * within the test's budget, and without a deadline the stalled request is never answered.
 */
import { createServer } from "node:http"
import { connect, type Socket } from "node:net"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { Webhook, WebhookReceiver } from "../src/index.ts"
import { serve } from "./support/serve.ts"

const key = "receiver-dos-test-key"

/** An authentic JSON body of about `size` bytes (an unsigned `padding` field makes it long). */
const signedBody = (size: number): Uint8Array => {
  const payload = {
    session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
    order_no: "ORD-1",
    amount: "20.230",
    currency_code: "KWD",
    result: "success",
    state: "paid",
    padding: "x".repeat(size),
  }
  return new TextEncoder().encode(
    JSON.stringify({ ...payload, signature: Webhook.signatureOf(payload, key) }),
  )
}

/**
 * A receiver whose handler records the session ids of the events it gets. Its read deadline is
 * far away unless given: the tests of fragmented bodies are about work, not time.
 */
const recording = (options: Partial<WebhookReceiver.Options<never, never>> = {}) => {
  const sessions: Array<string> = []
  const options_: WebhookReceiver.Options<never, never> = {
    key,
    readTimeout: "1 hour",
    handler: (event) => Effect.sync(() => sessions.push(event.session_id)),
    ...options,
  }
  return { sessions, options: options_ }
}

/** `bytes` as a stream handing out one byte per pull; counts the pulls. */
const oneByteChunks = (bytes: Uint8Array) => {
  const stream = {
    pulled: 0,
    body: new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (stream.pulled === bytes.length) return controller.close()
        controller.enqueue(bytes.subarray(stream.pulled, stream.pulled + 1))
        stream.pulled++
      },
    }),
  }
  return stream
}

const postStream = async (
  handler: (request: Request) => Promise<Response>,
  body: ReadableStream<Uint8Array>,
) => {
  const response = await handler(
    new Request("http://merchant.test/ottu/webhook", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit),
  )
  return { status: response.status, body: (await response.json()) as unknown }
}

const tooLarge = { status: 413, body: { detail: "Request body too large" } }
const success = { status: 200, body: { detail: "Success" } }

describe("WebhookReceiver in process", () => {
  it("reads and verifies a 256 kB body sent in one-byte chunks", { timeout: 180_000 }, async () => {
    const { sessions, options } = recording()
    const receiver = WebhookReceiver.webHandler(options)
    const body = signedBody(256 * 1024)
    const stream = oneByteChunks(body)
    expect(await postStream(receiver.handler, stream.body)).toEqual(success)
    expect(stream.pulled).toBe(body.length)
    expect(sessions).toHaveLength(1)
  })

  it("refuses 413 a body over the limit sent in one-byte chunks, with no length declared", async () => {
    const { sessions, options } = recording({ maxBodySize: 64 * 1024 })
    const receiver = WebhookReceiver.webHandler(options)
    const stream = oneByteChunks(signedBody(256 * 1024))
    expect(await postStream(receiver.handler, stream.body)).toEqual(tooLarge)
    expect(stream.pulled).toBeLessThan(64 * 1024 + 64)
    expect(sessions).toEqual([])
  }, 180_000)
})

/** A receiver served on 127.0.0.1 by the running runtime's server; its port and its stop. */
interface Running {
  readonly port: number
  readonly close: () => Promise<void>
}

/**
 * Serves the receiver as it is served in production on the running runtime: `Deno.serve` and
 * `Bun.serve` through `webHandler`, Node through `@effect/platform-node`'s `NodeHttpServer`.
 */
const serveReceiver = async (options: WebhookReceiver.Options<never, never>): Promise<Running> => {
  if ("Bun" in globalThis || "Deno" in globalThis) {
    const receiver = WebhookReceiver.webHandler(options)
    const served = await serve(receiver.handler)
    return {
      port: Number(new URL(served.url).port),
      close: () => served.close().then(receiver.dispose),
    }
  }
  const scope = Effect.runSync(Scope.make())
  const app = Effect.runSync(WebhookReceiver.make(options))
  const context = await Effect.runPromise(
    Layer.buildWithScope(
      HttpServer.serve(app).pipe(
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
      ),
      scope,
    ),
  )
  const address = Context.get(context, HttpServer.HttpServer).address
  return {
    port: address._tag === "TcpAddress" ? address.port : 0,
    close: () => Effect.runPromise(Scope.close(scope, Exit.void)),
  }
}

/** An HTTP/1.1 response as read off a socket. */
interface Answer {
  readonly status: number
  readonly body: unknown
}

/** The response in `data` once it is complete (by `Content-Length` or chunked), else undefined. */
const completeAnswer = (data: Buffer): Answer | undefined => {
  const end = data.indexOf("\r\n\r\n")
  if (end === -1) return undefined
  const head = data.subarray(0, end).toString("latin1").split("\r\n")
  const headers = new Map(
    head.slice(1).map((line) => {
      const colon = line.indexOf(":")
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const
    }),
  )
  const status = Number(head[0]?.split(" ")[1])
  const rest = data.subarray(end + 4)
  let text: string | undefined
  if (headers.get("transfer-encoding")?.toLowerCase() === "chunked") {
    const raw = rest.toString("latin1")
    if (!raw.endsWith("0\r\n\r\n")) return undefined
    text = ""
    let at = 0
    for (;;) {
      const lineEnd = raw.indexOf("\r\n", at)
      const length = Number.parseInt(raw.slice(at, lineEnd), 16)
      if (length === 0) break
      text += raw.slice(lineEnd + 2, lineEnd + 2 + length)
      at = lineEnd + 2 + length + 2
    }
  } else {
    const length = Number(headers.get("content-length") ?? 0)
    if (rest.length < length) return undefined
    text = rest.subarray(0, length).toString("latin1")
  }
  return { status, body: text === "" ? undefined : JSON.parse(text) }
}

/**
 * Writes `parts` to a fresh connection (and nothing more: the request may be left incomplete)
 * and resolves with the response once it has fully arrived. The socket is destroyed then.
 */
const exchange = (port: number, parts: ReadonlyArray<string | Uint8Array>): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const received: Array<Buffer> = []
    const socket: Socket = connect(port, "127.0.0.1", () => {
      for (const part of parts) socket.write(part)
    })
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk)
      const answer = completeAnswer(Buffer.concat(received))
      if (answer !== undefined) {
        socket.destroy()
        resolve(answer)
      }
    })
    socket.on("error", reject)
    socket.on("close", () => reject(new Error("the connection closed before a whole response")))
  })

const head = (headers: string) =>
  `POST /ottu/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`

/** `bytes` as an HTTP/1.1 chunked body of one-byte chunks: the finest a server can be fed. */
const chunkedOneByOne = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(bytes.length * 6 + 5)
  let at = 0
  for (const byte of bytes) {
    out.set([0x31, 0x0d, 0x0a, byte, 0x0d, 0x0a], at)
    at += 6
  }
  out.set([0x30, 0x0d, 0x0a, 0x0d, 0x0a], at)
  return out
}

describe("WebhookReceiver over TCP on the running runtime's server", () => {
  it("reads and verifies a 256 kB body sent as one-byte HTTP chunks", {
    timeout: 180_000,
  }, async () => {
    const { sessions, options } = recording()
    const running = await serveReceiver(options)
    try {
      const answer = await exchange(running.port, [
        head("Transfer-Encoding: chunked\r\nConnection: close\r\n"),
        chunkedOneByOne(signedBody(256 * 1024)),
      ])
      expect(answer).toEqual(success)
      expect(sessions).toHaveLength(1)
    } finally {
      await running.close()
    }
  })

  it("refuses 413 a body over the limit sent as one-byte HTTP chunks", {
    timeout: 180_000,
  }, async () => {
    const { sessions, options } = recording({ maxBodySize: 64 * 1024 })
    const running = await serveReceiver(options)
    try {
      // The client then waits, without the last chunk: with nothing left unread, closing the
      // connection after the answer cannot reset it before the client reads the 413.
      const answer = await exchange(running.port, [
        head("Transfer-Encoding: chunked\r\n"),
        chunkedOneByOne(signedBody(96 * 1024)).subarray(0, -5),
      ])
      expect(answer).toEqual(tooLarge)
      expect(sessions).toEqual([])
    } finally {
      await running.close()
    }
  })

  it("answers 408 to a body that stops arriving, and other requests meanwhile", {
    timeout: 180_000,
  }, async () => {
    const { sessions, options } = recording({ readTimeout: "500 millis" })
    const running = await serveReceiver(options)
    try {
      const body = signedBody(1024)
      const stalled = exchange(running.port, [
        head(`Content-Length: ${body.length}\r\n`),
        body.subarray(0, 100),
      ])
      const meanwhile = await exchange(running.port, [
        head(`Content-Length: ${body.length}\r\nConnection: close\r\n`),
        body,
      ])
      expect(meanwhile).toEqual(success)
      expect(await stalled).toEqual({
        status: 408,
        body: { detail: "Request body not received in time" },
      })
      expect(sessions).toHaveLength(1)
    } finally {
      await running.close()
    }
  })
})
