/**
 * What the receiver tells about an authentic body: the scheme that signed it, handed to the
 * handler, and, for one that is no event, a reason that names the fields at fault but never
 * their values (card numbers and tokens among them), in the error, the log line and the span.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Webhook, WebhookReceiver } from "../src/index.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const key = "receiver-verified-test-key"

const payload = {
  session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
  order_no: "ORD-1",
  amount: "20.230",
  currency_code: "KWD",
  result: "success",
  state: "paid",
  payment_type: "auto_debit",
  token: { token: "tok-9f2c", customer_id: "cust-1", pg_code: "mpgs" },
}

/** Runs a receiver on one JSON body; its answer and the deliveries its handler got. */
const receive = (body: unknown) =>
  Effect.gen(function* () {
    const deliveries: Array<WebhookReceiver.Delivery> = []
    const app = yield* WebhookReceiver.make({
      key,
      handler: (_event, delivery) => Effect.sync(() => deliveries.push(delivery)),
    })
    const request = HttpServerRequest.fromWeb(
      new Request("http://merchant.test/ottu/webhook", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    )
    const response = yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, request)
    return { status: HttpServerResponse.toWeb(response).status, deliveries }
  })

describe("WebhookReceiver delivery", () => {
  it.effect("hands the handler the scheme that signed the body", () =>
    Effect.gen(function* () {
      for (const scheme of ["standard", "subscription"] as const) {
        const body = { ...payload, signature: Webhook.signatureOf(payload, key, scheme) }
        expect(yield* receive(body)).toEqual({ status: 200, deliveries: [{ scheme }] })
      }
    }),
  )
})

describe("a decode failure", () => {
  const card = 4111111111111111
  const cardText = String(card)
  const withCard = {
    ...payload,
    token: { token: card, number: card, customer_id: "cust-1" },
    card: { pan: cardText },
    is_sandbox: cardText,
  }
  const body = { ...withCard, signature: Webhook.signatureOf(withCard, key) }

  it("names the fields at fault, not their values", () => {
    const result = Webhook.verify(JSON.stringify(body), key)
    expect(Either.isLeft(result)).toBe(true)
    const message = Either.isLeft(result) ? result.left.message : ""
    expect(message).not.toContain("4111")
    expect(message).toContain("token.token: Expected string, actual a number")
    expect(message).toContain("token.number: Expected string | null | undefined, actual a number")
    expect(message).toContain("is_sandbox: Expected boolean | undefined, actual a string")
  })

  it.effect("keeps card values out of the receiver's log line and span", () =>
    Effect.gen(function* () {
      const { exit, spans, lines } = yield* captureTelemetry(receive(body))
      expect(exit).toMatchObject({ _tag: "Success", value: { status: 400, deliveries: [] } })
      const logged = lines.join("\n")
      const traced = JSON.stringify(spans, (_key, value) =>
        value instanceof Map ? Object.fromEntries(value) : value,
      )
      for (const text of [logged, traced]) expect(text).not.toContain("4111")
      expect(logged).toContain("token.token: Expected string, actual a number")
      expect(spans.map((s) => s.name)).toContain("Ottu.WebhookReceiver.receive")
      expect(traced).toContain("token.token: Expected string, actual a number")
    }),
  )
})
