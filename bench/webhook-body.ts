/**
 * What reading a webhook body costs when it comes in one-byte chunks, the worst a client can
 * send: the receiver reading and verifying a body of n bytes, beside merely pulling the same
 * one-byte request body (the floor) and draining it as @effect/platform's `request.stream` (what
 * the receiver reads it through), for growing n. Linear reading keeps the ratios flat as n
 * grows; a quadratic one (issue 11: copying the list of chunks on every chunk) makes them grow.
 *
 *   node --import tsx bench/webhook-body.ts     (or: bun bench/webhook-body.ts,
 *   deno run -A bench/webhook-body.ts)          add --smoke for small bodies only
 *
 * @module
 */
import process from "node:process"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Webhook from "../src/Webhook.ts"
import * as WebhookReceiver from "../src/WebhookReceiver.ts"
import { currentRuntime, median } from "./measure.ts"

const smoke = process.argv.includes("--smoke")
const sizes = smoke ? [1024, 4096] : [16 * 1024, 64 * 1024, 256 * 1024]
const rounds = smoke ? 1 : 5

const key = "whk_live_5f2b9c0e7a1d4e8b9c3f6a2d1e0b7c4a"

/** An authentic webhook body of about `size` bytes (an unsigned field pads it). */
const bodyOf = (size: number): Uint8Array => {
  const payload = {
    session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
    order_no: "ORD-2026-000123",
    amount: "86.000",
    currency_code: "KWD",
    result: "success",
    state: "paid",
    padding: "x".repeat(size),
  }
  return new TextEncoder().encode(
    JSON.stringify({ ...payload, signature: Webhook.signatureOf(payload, key) }),
  )
}

/** `bytes` as a stream of one-byte chunks. */
const oneByteChunks = (bytes: Uint8Array): ReadableStream<Uint8Array> => {
  let at = 0
  return new ReadableStream({
    pull: (controller) => {
      if (at === bytes.length) return controller.close()
      controller.enqueue(bytes.subarray(at, ++at))
    },
  })
}

/** A POST of `bytes` in one-byte chunks, as a server hands it to a web handler. */
const requestOf = (bytes: Uint8Array): Request =>
  new Request("http://merchant.test/ottu/webhook", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: oneByteChunks(bytes),
    duplex: "half",
  } as RequestInit)

/** Milliseconds to merely pull every chunk of the request's body. */
const pull = async (bytes: Uint8Array): Promise<number> => {
  const start = performance.now()
  const reader = (requestOf(bytes).body as ReadableStream<Uint8Array>).getReader()
  while (!(await reader.read()).done) {}
  return performance.now() - start
}

/** Milliseconds to drain the body as @effect/platform's `request.stream`, doing nothing else. */
const drain = async (bytes: Uint8Array): Promise<number> => {
  const start = performance.now()
  await Effect.runPromise(
    Stream.runDrain(HttpServerRequest.fromWeb(requestOf(bytes)).stream).pipe(Effect.orDie),
  )
  return performance.now() - start
}

const receiver = WebhookReceiver.webHandler({
  key,
  handler: () => Effect.void,
  maxBodySize: 4 * 1024 * 1024,
  readTimeout: "1 hour",
})

/** Milliseconds for the receiver to read, verify and answer the body. */
const receive = async (bytes: Uint8Array): Promise<number> => {
  const start = performance.now()
  const response = await receiver.handler(requestOf(bytes))
  if (response.status !== 200) throw new Error(`the receiver answered ${response.status}`)
  await response.arrayBuffer()
  return performance.now() - start
}

console.log(`webhook body in one-byte chunks on ${currentRuntime()}`)
console.log(
  "| body | pull (ms) | `request.stream` drain (ms) | receiver (ms) | receiver ÷ pull | receiver ÷ drain |",
)
console.log("|---:|---:|---:|---:|---:|---:|")
for (const size of sizes) {
  const bytes = bodyOf(size)
  const pulls: Array<number> = []
  const drains: Array<number> = []
  const receives: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    pulls.push(await pull(bytes))
    drains.push(await drain(bytes))
    receives.push(await receive(bytes))
  }
  const [floor, drained, read] = [median(pulls), median(drains), median(receives)]
  console.log(
    `| ${Math.round(bytes.length / 1024)} kB | ${floor.toFixed(0)} | ${drained.toFixed(0)} | ${read.toFixed(0)} | ${(read / floor).toFixed(1)} | ${(read / drained).toFixed(1)} |`,
  )
}
await receiver.dispose()
