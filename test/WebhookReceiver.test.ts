/**
 * The webhook receiver: its answers, JSON and form bodies, the size limit, the key from Config,
 * and the receiver served by the running runtime's own server and by @effect/platform-node.
 */
import { HttpApp, HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Exit, Layer, Logger, Redacted } from "effect"
import { Webhook, WebhookReceiver } from "../src/index.ts"
import { type Served, serve } from "./support/serve.ts"

const key = "receiver-test-key"

const paymentEvent = (fields: Record<string, unknown> = {}) => {
  const payload = {
    session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
    order_no: "ORD-1",
    amount: "20.230",
    currency_code: "KWD",
    customer_first_name: "Fatima",
    result: "success",
    state: "paid",
    reference_number: "ref-1",
    gateway_account: "credit-card",
    ...fields,
  }
  return { ...payload, signature: Webhook.signatureOf(payload, key) }
}

/**
 * A receiver whose handler records the events it gets (or fails when told to), and whose log
 * lines are kept instead of printed.
 */
const recording = (options: Partial<WebhookReceiver.Options<string, never>> = {}) => {
  const events: Array<Webhook.Event> = []
  const logs: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    logs.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  const receiver = WebhookReceiver.webHandler(
    {
      key,
      handler: (event) =>
        event.order_no === "fail"
          ? Effect.fail("cannot apply")
          : Effect.sync(() => events.push(event)),
      ...options,
    },
    Logger.replace(Logger.defaultLogger, logger),
  )
  return { events, logs, receiver }
}

const post = async (
  handler: (request: Request) => Promise<Response>,
  body: BodyInit | null,
  headers: Record<string, string> = { "content-type": "application/json" },
) => {
  const response = await handler(
    new Request("http://merchant.test/ottu/webhook", {
      method: "POST",
      headers,
      body,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit),
  )
  return { status: response.status, body: (await response.json()) as unknown }
}

const form = (payload: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, String(v)])).toString()

const formHeaders = { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" }

describe("WebhookReceiver answers", () => {
  it("200 Success with the decoded event, for a JSON body and for the same event as a form", async () => {
    const { events, receiver } = recording()
    const event = paymentEvent()
    expect(await post(receiver.handler, JSON.stringify(event))).toEqual({
      status: 200,
      body: { detail: "Success" },
    })
    expect(await post(receiver.handler, form(event), formHeaders)).toEqual({
      status: 200,
      body: { detail: "Success" },
    })
    expect(events).toHaveLength(2)
    expect(events[0]).toEqual({ ...event, _tag: "PaymentEvent" })
    expect(events[1]).toEqual(events[0])
  })

  it("reads a repeated form field as its last value, as Django does", async () => {
    const { events, receiver } = recording()
    const event = paymentEvent({ state: "paid" })
    const body = `state=attempted&${form(event)}`
    expect((await post(receiver.handler, body, formHeaders)).status).toBe(200)
    expect(events[0]?._tag === "PaymentEvent" && events[0].state).toBe("paid")
  })

  it("201 when asked to keep the payer on Ottu's page", async () => {
    const { receiver } = recording({ successStatus: 201 })
    expect((await post(receiver.handler, JSON.stringify(paymentEvent()))).status).toBe(201)
  })

  it("401 without calling the handler: missing, empty, wrong or tampered signature, no JSON", async () => {
    const { events, logs, receiver } = recording()
    const event = paymentEvent()
    const refused = { status: 401, body: { detail: "Unable to verify signature" } }
    const { signature: _, ...unsigned } = event
    for (const body of [
      JSON.stringify(unsigned),
      JSON.stringify({ ...event, signature: "" }),
      JSON.stringify({ ...event, signature: "0".repeat(64) }),
      JSON.stringify({ ...event, amount: "2023.000" }),
      JSON.stringify({ ...event, signature: null }),
      "not json",
      "[]",
      "",
    ]) {
      expect(await post(receiver.handler, body)).toEqual(refused)
    }
    expect(await post(receiver.handler, null)).toEqual(refused)
    expect(await post(receiver.handler, form(unsigned), formHeaders)).toEqual(refused)
    expect(events).toEqual([])
    expect(logs).toContain("WARN Ottu webhook refused: The webhook signature does not match")
    expect(logs).toContain("WARN Ottu webhook refused: The webhook body has no signature")
    expect(logs.join("\n")).not.toContain(event.customer_first_name)
  })

  it("400 Invalid webhook event when an authentic body is no event, without calling the handler", async () => {
    const { events, logs, receiver } = recording()
    const response = await post(receiver.handler, JSON.stringify(paymentEvent({ is_sandbox: 1 })))
    expect(response).toEqual({ status: 400, body: { detail: "Invalid webhook event" } })
    expect(events).toEqual([])
    expect(logs[0]).toContain("is_sandbox: Expected boolean")
  })

  it("400 Failed to process webhook when the handler fails", async () => {
    const { receiver } = recording()
    const response = await post(
      receiver.handler,
      JSON.stringify(paymentEvent({ order_no: "fail" })),
    )
    expect(response).toEqual({ status: 400, body: { detail: "Failed to process webhook" } })
  })

  it("500 when the handler dies, as an unexpected exception does in ottu-py", async () => {
    const { receiver } = recording({ handler: () => Effect.die(new Error("bug")) })
    const response = await receiver.handler(
      new Request("http://merchant.test/ottu/webhook", {
        method: "POST",
        body: JSON.stringify(paymentEvent()),
      }),
    )
    expect(response.status).toBe(500)
  })

  it("405 for anything but POST", async () => {
    const { receiver } = recording()
    const response = await receiver.handler(new Request("http://merchant.test/ottu/webhook"))
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe("POST")
  })

  it("413 for a body over the limit, declared or streamed, without reading it all", async () => {
    const { events, receiver } = recording({ maxBodySize: 1024 })
    const event = JSON.stringify(paymentEvent({ padding: "x".repeat(2000) }))
    const tooLarge = { status: 413, body: { detail: "Request body too large" } }
    expect(await post(receiver.handler, event)).toEqual(tooLarge)
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulled++
        controller.enqueue(new Uint8Array(256).fill(0x20))
      },
    })
    expect(await post(receiver.handler, endless)).toEqual(tooLarge)
    expect(pulled).toBeLessThan(64)
    expect(events).toEqual([])
    const { receiver: roomy } = recording({ maxBodySize: 4096 })
    expect((await post(roomy.handler, event)).status).toBe(200)
  })

  it("gives the handler its requirements through a layer", async () => {
    class Ledger extends Context.Tag("test/Ledger")<Ledger, Array<string>>() {}
    const ledger: Array<string> = []
    const receiver = WebhookReceiver.webHandler(
      {
        key: Redacted.make(key),
        handler: (event) => Effect.map(Ledger, (entries) => entries.push(event.session_id)),
      },
      Layer.succeed(Ledger, ledger),
    )
    expect((await post(receiver.handler, JSON.stringify(paymentEvent()))).status).toBe(200)
    expect(ledger).toEqual([paymentEvent().session_id])
    await receiver.dispose()
  })
})

describe("WebhookReceiver key", () => {
  const withEnv = (env: Record<string, string>) =>
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("is read from OTTU_WEBHOOK_KEY when not given (or given empty)", () =>
    Effect.gen(function* () {
      for (const given of [undefined, ""]) {
        const app = yield* WebhookReceiver.make({ key: given, handler: () => Effect.void }).pipe(
          withEnv({ OTTU_WEBHOOK_KEY: key }),
        )
        const response = yield* Effect.promise(() =>
          post(HttpApp.toWebHandler(app), JSON.stringify(paymentEvent())),
        )
        expect(response.status).toBe(200)
      }
    }),
  )

  it.effect("fails with a ConfigError when OTTU_WEBHOOK_KEY is missing or empty", () =>
    Effect.gen(function* () {
      for (const env of [{}, { OTTU_WEBHOOK_KEY: "" }]) {
        const exit = yield* Effect.exit(
          WebhookReceiver.make({ handler: () => Effect.void }).pipe(withEnv(env)),
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect(String(exit)).toContain("OTTU_WEBHOOK_KEY")
      }
    }),
  )
})

describe("WebhookReceiver served by the running runtime's server", () => {
  const { events, receiver } = recording()
  let served: Served | undefined
  beforeAll(async () => {
    served = await serve(receiver.handler)
  })
  afterAll(async () => {
    await served?.close()
  })
  const url = () => `${served?.url}/ottu/webhook`

  it("verifies a JSON and a form delivery over a real socket", async () => {
    const expected = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node"
    expect(served?.runtime).toBe(expected)
    const event = paymentEvent()
    const json = await fetch(url(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    })
    expect(json.status).toBe(200)
    expect(await json.json()).toEqual({ detail: "Success" })
    const asForm = await fetch(url(), { method: "POST", headers: formHeaders, body: form(event) })
    expect(asForm.status).toBe(200)
    const forged = await fetch(url(), {
      method: "POST",
      body: JSON.stringify({ ...event, amount: "0.001" }),
    })
    expect(forged.status).toBe(401)
    await forged.body?.cancel()
    expect(events.map((e) => e.session_id)).toEqual([event.session_id, event.session_id])
  })
})

describe("WebhookReceiver on @effect/platform-node's server", () => {
  it.effect("answers through HttpServer.serve", () =>
    Effect.gen(function* () {
      const app = yield* WebhookReceiver.make({ key, handler: () => Effect.void })
      yield* HttpServer.serveEffect(app)
      const client = yield* HttpClient.HttpClient
      const ok = yield* client.execute(
        HttpClientRequest.post("/ottu/webhook").pipe(
          HttpClientRequest.bodyUnsafeJson(paymentEvent()),
        ),
      )
      expect(ok.status).toBe(200)
      expect(yield* ok.json).toEqual({ detail: "Success" })
      const refused = yield* client.execute(
        HttpClientRequest.post("/ottu/webhook").pipe(
          HttpClientRequest.bodyUnsafeJson({ ...paymentEvent(), state: "refunded" }),
        ),
      )
      expect(refused.status).toBe(401)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpServer.layerTest)),
  )
})
