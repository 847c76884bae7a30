/**
 * `CheckoutStore.tracking` over a real socket, with answers as many Ottu instances send them
 * behind a proxy: no `Content-Length` (chunked), gzip-encoded, or past the SDK's size limit.
 * Tracking observes the decoded answer; it never reads the body, so every tracked call succeeds
 * and is saved, and an oversized answer is one typed error with nothing saved.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { gzipSync } from "node:zlib"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import {
  AutoDebit,
  Checkout,
  Inquiry,
  Operation,
  OttuAuth,
  OttuConfig,
  OttuSandbox,
} from "../src/index.ts"
import { sandboxKey } from "./support/sandbox.ts"
import { failureOf } from "./support/setup.ts"

/** How the server sends an answer's body: always without `Content-Length`. */
type Wire = "chunked" | "gzip"

/** Bytes of padding after the JSON of an oversized answer: past the SDK's 10 MiB limit. */
const padding = 11 * 1024 * 1024

/**
 * Serves `handler` over `node:http` (on every runtime), each answer in small pieces with no
 * `Content-Length`, gzipped for `gzip`; the answers of the paths in `oversized` are padded with
 * white space past the size limit.
 */
const serveOverWire = (
  handler: (request: Request) => Promise<Response>,
  wire: Wire,
  oversized: (method: string, path: string) => boolean,
) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly close: () => void }>((resume) => {
      const server = createServer(async (req, res) => {
        res.on("error", () => {})
        const chunks: Array<Uint8Array> = []
        for await (const chunk of req) chunks.push(chunk as Uint8Array)
        const method = req.method ?? "GET"
        const headers = new Headers()
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === "string") headers.set(name, value)
        }
        const answer = await handler(
          new Request(`http://127.0.0.1${req.url ?? "/"}`, {
            method,
            headers,
            ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }),
          }),
        )
        const text = await answer.text()
        const body = Buffer.from(
          oversized(method, new URL(req.url ?? "/", "http://x").pathname)
            ? text + " ".repeat(padding)
            : text,
        )
        const sent = wire === "gzip" ? gzipSync(body) : body
        res.writeHead(answer.status, {
          "content-type": answer.headers.get("content-type") ?? "application/json",
          ...(wire === "gzip" ? { "content-encoding": "gzip" } : {}),
        })
        // Several writes and no length: the body goes out chunked.
        const piece = Math.max(1, Math.ceil(sent.length / 4))
        for (let at = 0; at < sent.length; at += piece) res.write(sent.subarray(at, at + piece))
        res.end()
      })
      server.listen(0, "127.0.0.1", () =>
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            close: () => {
              server.closeAllConnections()
              server.close()
            },
          }),
        ),
      )
    }),
    ({ close }) => Effect.sync(close),
  )

/** The SDK, tracked into a memory store, on a sandbox served over the wire; the sandbox too. */
const trackedOverWire = (
  wire: Wire,
  oversized: (method: string, path: string) => boolean = () => false,
) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const sandbox = yield* OttuSandbox.make({ apiKey: sandboxKey, inquiryThrottling: false })
      const { url } = yield* serveOverWire(sandbox.handler, wire, oversized)
      return Layer.mergeAll(
        Layer.succeed(OttuSandbox.OttuSandbox, sandbox),
        OttuConfig.layer({
          merchantId: "sandbox.ottu.test",
          baseUrl: url,
          auth: OttuAuth.apiKey(sandboxKey),
          customerId: "cust-7",
          retry: false,
        }),
        CheckoutStore.tracking.pipe(Layer.provideMerge(CheckoutStore.layerMemory)),
        FetchHttpClient.layer,
      )
    }),
  )

const order = {
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["mpgs-authorize", "credit-card"],
} as const

/** The state the store holds for a session. */
const stored = (sessionId: string) =>
  Effect.map(
    CheckoutStore.get(sessionId),
    Option.map((checkout) => checkout.state),
  )

describe.each(["chunked", "gzip"] as const)("CheckoutStore.tracking with %s answers", (wire) => {
  it.live("saves every tracked call's answer and never fails one", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create(order)
      const id = created.session_id
      expect(yield* stored(id)).toEqual(Option.some("created"))
      expect((yield* Checkout.retrieve(id)).session_id).toBe(id)
      const updated = yield* Checkout.update(id, { amount: "21.000" })
      expect(updated.amount).toBe("21.000")
      expect(Option.map(yield* CheckoutStore.get(id), (c) => c.amount)).toEqual(
        Option.some("21.000"),
      )
      yield* Checkout.replace(id, { ...order, amount: "22.000" })
      expect(Option.map(yield* CheckoutStore.get(id), (c) => c.amount)).toEqual(
        Option.some("22.000"),
      )

      // An authorization, captured: the operation's checkout is read again and saved.
      yield* OttuSandbox.pay(id, { pg_code: "mpgs-authorize" })
      yield* Checkout.retrieve(id)
      expect(yield* stored(id)).toEqual(Option.some("authorized"))
      expect((yield* Inquiry.query({ session_id: id })).session_id).toBe(id)
      const revision = (c: CheckoutStore.StoredCheckout) => c.revision
      const before = Option.map(yield* CheckoutStore.get(id), revision)
      yield* Operation.capture({ session_id: id })
      // The capture's answer is the child transaction's: the parent is read again and saved.
      expect(Option.map(yield* CheckoutStore.get(id), revision)).toEqual(
        Option.map(before, (n) => n + 1),
      )
      yield* Operation.refund({ session_id: id }, { trackingKey: `wire-${wire}` })
      expect(yield* stored(id)).toEqual(Option.some("refunded"))

      // Auto-debit on both endpoints: the first payment saves the card, the charges use it.
      const agreement = { id: `A-${wire}`, type: "recurring" } as const
      for (const endpoint of ["auto-debit", "payment/auto-debit"] as const) {
        const first = yield* AutoDebit.checkout({
          ...order,
          pg_codes: ["credit-card"],
          agreement,
          customer_id: "cust-7",
        })
        const token = (yield* OttuSandbox.pay(first.session_id)).token?.token ?? ""
        const later = yield* AutoDebit.checkout({
          ...order,
          pg_codes: ["credit-card"],
          agreement,
          customer_id: "cust-7",
        })
        const charged = yield* AutoDebit.charge(
          { session_id: later.session_id, token },
          { endpoint },
        )
        expect(charged.state).toBe("paid")
        expect(yield* stored(later.session_id)).toEqual(Option.some("paid"))
      }
    }).pipe(Effect.provide(trackedOverWire(wire))),
  )

  it.live("an answer over the size limit is one OttuDecodeError, and nothing of it is saved", () =>
    Effect.gen(function* () {
      const created = yield* Checkout.create(order)
      yield* OttuSandbox.pay(created.session_id, { pg_code: "credit-card" })
      const error = failureOf(yield* Effect.exit(Checkout.retrieve(created.session_id)))
      expect(error).toMatchObject({ _tag: "OttuDecodeError", status: 200, method: "GET" })
      expect(error.message).toContain("exceeds")
      // The store keeps what it knew: the paid answer was never decoded, so never saved.
      expect(yield* stored(created.session_id)).toEqual(Option.some("created"))
    }).pipe(Effect.provide(trackedOverWire(wire, (method) => method === "GET"))),
  )
})
