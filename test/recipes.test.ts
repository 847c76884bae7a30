/**
 * The framework recipes of `examples/frameworks`: each gets a signed event through its framework
 * to the receiver's handler and answers 200, and answers 401 to a forged one without calling it.
 */
import type { AddressInfo } from "node:net"
import { afterAll, afterEach, describe, expect, it, vi } from "@effect/vitest"
import { Effect } from "effect"
import express from "express"
import { Hono } from "hono"
import { ottuWebhooks as expressWebhooks } from "../examples/frameworks/express.ts"
import { ottuWebhooks as honoWebhooks } from "../examples/frameworks/hono.ts"
import { Webhook, WebhookReceiver } from "../src/index.ts"
import { serve } from "./support/serve.ts"

const key = "recipes-test-key"

const fields = {
  session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
  order_no: "ORD-7",
  amount: "20.230",
  currency_code: "KWD",
  result: "success",
  state: "paid",
}

const signed = JSON.stringify({ ...fields, signature: Webhook.signatureOf(fields, key) })
const forged = JSON.stringify({ ...fields, signature: Webhook.signatureOf(fields, "other-key") })

/**
 * A body whose signed `amount` is the JSON number `86.000`, which Ottu's Python signs as `86.0`:
 * it verifies only when its text reaches the receiver as sent, not parsed and serialised again.
 */
const signedAs = { ...fields, order_no: "ORD-8", amount: "86.0" }
const literal = JSON.stringify({
  ...signedAs,
  signature: Webhook.signatureOf(signedAs, key),
}).replace('"amount":"86.0"', '"amount":86.000')

/** A receiver whose handler records the order number of each event it gets. */
const recording = () => {
  const orders: Array<string | null | undefined> = []
  const receiver = WebhookReceiver.webHandler({
    key,
    handler: (event) => Effect.sync(() => orders.push(event.order_no)),
  })
  return { orders, receiver }
}

/** A POST of `body` as JSON, answered by `fetch` (a framework's or a server's). */
const post = async (
  fetch: (request: Request) => Response | Promise<Response>,
  url: string,
  body: string,
) => {
  const response = await fetch(
    new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body }),
  )
  return { status: response.status, body: (await response.json()) as unknown }
}

const ok = { status: 200, body: { detail: "Success" } }
const refused = { status: 401, body: { detail: "Unable to verify signature" } }

describe("Hono recipe", () => {
  const app = (receiver: WebhookReceiver.WebHandler) =>
    new Hono().route("/ottu/webhook", honoWebhooks(receiver))

  it("app.fetch: a signed event reaches the handler, a forged one gets 401", async () => {
    const { orders, receiver } = recording()
    const { fetch } = app(receiver)
    expect(await post(fetch, "http://shop.test/ottu/webhook", signed)).toEqual(ok)
    expect(await post(fetch, "http://shop.test/ottu/webhook", forged)).toEqual(refused)
    expect(await post(fetch, "http://shop.test/ottu/webhook", literal)).toEqual(ok)
    expect(orders).toEqual(["ORD-7", "ORD-8"])
  })

  it("served by the runtime's own server, over a socket", async () => {
    const { orders, receiver } = recording()
    const { fetch: handler } = app(receiver)
    const served = await serve(async (request) => handler(request))
    try {
      expect(await post(fetch, `${served.url}/ottu/webhook`, signed)).toEqual(ok)
      expect(await post(fetch, `${served.url}/ottu/webhook`, forged)).toEqual(refused)
      expect(orders).toEqual(["ORD-7"])
    } finally {
      await served.close()
    }
  })
})

describe("Express recipe", () => {
  const { orders, receiver } = recording()
  const app = express()
  app.use("/ottu/webhook", expressWebhooks(receiver))
  app.use(express.json())
  app.post("/echo", (req, res) => {
    res.json(req.body)
  })
  const server = app.listen(0, "127.0.0.1")
  const url = new Promise<string>((resolve) =>
    server.once("listening", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  )
  afterAll(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  )

  it("keeps the raw body: signed events reach the handler, numbers as written; forged get 401", async () => {
    expect(await post(fetch, `${await url}/ottu/webhook`, signed)).toEqual(ok)
    expect(await post(fetch, `${await url}/ottu/webhook`, forged)).toEqual(refused)
    expect(await post(fetch, `${await url}/ottu/webhook`, literal)).toEqual(ok)
    expect(orders).toEqual(["ORD-7", "ORD-8"])
    expect(await post(fetch, `${await url}/echo`, '{"a":1}')).toEqual({
      status: 200,
      body: { a: 1 },
    })
  })
})

describe("Next.js route recipe", () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
  })

  it("POST(request): a signed event reaches the handler, a forged one gets 401", async () => {
    vi.stubEnv("OTTU_WEBHOOK_KEY", key)
    const logged: Array<string> = []
    vi.spyOn(console, "log").mockImplementation((...line: Array<unknown>) => {
      logged.push(line.join(" "))
    })
    const { POST } = await import("../examples/frameworks/next-route.ts")
    expect(await post(POST, "http://shop.test/ottu/webhook", signed)).toEqual(ok)
    expect(await post(POST, "http://shop.test/ottu/webhook", forged)).toEqual(refused)
    expect(logged).toHaveLength(2)
    expect(logged[0]).toContain("order ORD-7: paid, 20.230 KWD")
    expect(logged[1]).toContain("Ottu webhook refused")
  })
})
