/**
 * Secrets beyond the credentials of a checkout call: the webhook key through the receiver, card
 * tokens through the card calls, and the API key through retries, request options and the
 * configuration's retry settings. Logs and spans are captured and searched.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Redacted } from "effect"
import {
  Cards,
  Checkout,
  OttuAuth,
  OttuConfig,
  RequestOptions,
  Webhook,
  WebhookReceiver,
} from "../src/index.ts"
import { apiKey, cardBody, configLayer, runRecorded } from "./support/setup.ts"
import { captureTelemetry, type RecordedSpan } from "./support/telemetry.ts"

const webhookKey = "whk_Q2hlY2tNZUlmWW91Q2Fu"
const token = "9923965822244314"
const otherToken = "8812854711133203"

/** Everything a value can be turned into text by. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  Inspectable.format(value),
]

const textsOf = (spans: ReadonlyArray<RecordedSpan>, lines: ReadonlyArray<string>) => [
  ...spans.flatMap((s) => [s.name, ...[...s.attributes.entries()].map(String)]),
  ...spans.flatMap((s) => s.events.map((e) => JSON.stringify(e))),
  ...lines,
]

const expectAbsent = (texts: ReadonlyArray<string>, secrets: ReadonlyArray<string>) => {
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret)
}

const payload = {
  session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
  order_no: "ORD-1",
  amount: "20.230",
  currency_code: "KWD",
  result: "success",
  state: "paid",
  reference_number: "ref-1",
  gateway_account: "credit-card",
}

/** Posts `body` to a receiver keyed with the webhook key, whose handler fails when told to. */
const receive = (body: unknown, failing: boolean) =>
  Effect.gen(function* () {
    const app = yield* WebhookReceiver.make({
      key: Redacted.make(webhookKey),
      handler: () => (failing ? Effect.fail(new Error("cannot apply")) : Effect.void),
    })
    const request = HttpServerRequest.fromWeb(
      new Request("http://merchant.test/ottu/webhook", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    )
    const response = yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, request)
    return HttpServerResponse.toWeb(response).status
  })

describe("the webhook key", () => {
  const signed = { ...payload, signature: Webhook.signatureOf(payload, webhookKey) }
  for (const [name, body, failing, status] of [
    ["an authentic event", signed, false, 200],
    ["an event whose handler fails", signed, true, 400],
    ["a forged signature", { ...payload, signature: "0".repeat(64) }, false, 401],
    ["an event without a signature", payload, false, 401],
    [
      "an authentic body of the wrong shape",
      { signature: Webhook.signatureOf({ a: 1 }, webhookKey), a: 1 },
      false,
      400,
    ],
  ] as const) {
    it.effect(`never appears in logs or spans for ${name}`, () =>
      Effect.gen(function* () {
        const { exit, spans, lines } = yield* captureTelemetry(receive(body, failing))
        expect(exit).toStrictEqual(Exit.succeed(status))
        expect(spans.map((s) => s.name)).toContain("Ottu.WebhookReceiver.receive")
        expectAbsent(textsOf(spans, lines), [webhookKey])
      }),
    )
  }

  it("never appears in the errors of verify", () => {
    for (const body of [payload, { ...payload, signature: "bad" }, "not json"]) {
      const result = Webhook.verify(body, Redacted.make(webhookKey))
      expect(result._tag).toBe("Left")
      expectAbsent(renderings(result), [webhookKey])
    }
  })
})

describe("card tokens", () => {
  const card = (cardToken: string) => cardBody({ token: cardToken, agreements: [] })

  for (const status of [204, 404, 409, 500]) {
    it.effect(`a removal answered ${status} keeps the token out of errors, logs and spans`, () =>
      Effect.gen(function* () {
        const { exit, spans, lines } = yield* captureTelemetry(
          runRecorded(Cards.remove(token), { status, json: { detail: "no" } }).pipe(
            Effect.tap(({ exit }) =>
              Exit.isFailure(exit) ? Effect.logError("removal failed", exit.cause) : Effect.void,
            ),
          ),
        )
        if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
        // The token was really sent, in the path.
        expect(exit.value.requests[0]?.path).toContain(token)
        expectAbsent(textsOf(spans, lines), [token, apiKey])
        const result = exit.value.exit
        if (Exit.isFailure(result)) {
          expectAbsent(
            [Cause.pretty(result.cause), ...renderings(Cause.squash(result.cause))],
            [token],
          )
        }
      }),
    )
  }

  it.effect("a card list keeps the tokens it returns out of logs and spans", () =>
    Effect.gen(function* () {
      const { exit, spans, lines } = yield* captureTelemetry(
        runRecorded(Cards.list(), { status: 200, json: [card(token), card(otherToken)] }),
      )
      if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
      expect(Exit.isSuccess(exit.value.exit)).toBe(true)
      expect(spans.map((s) => s.name)).toContain("Ottu.Cards.list")
      expectAbsent(textsOf(spans, lines), [token, otherToken, apiKey])
    }),
  )
})

describe("the API key and Basic password with request options", () => {
  const password = "pw-UmV0cnlTZWNyZXQ"

  it.live("never appear after retried failures, in errors, logs or spans", () =>
    Effect.gen(function* () {
      for (const config of [
        configLayer({ retry: { base: "1 millis", cap: "1 millis" } }),
        configLayer({
          auth: OttuAuth.basic("ali", Redacted.make(password)),
          retry: { base: "1 millis", cap: "1 millis" },
        }),
      ]) {
        const { exit, spans, lines } = yield* captureTelemetry(
          runRecorded(
            Checkout.retrieve("bb7fc280827c2f177a9690299cfefa4128dbbd60").pipe(
              RequestOptions.withRequestOptions({ timeout: "5 seconds", retry: { times: 1 } }),
              Effect.tapErrorCause((cause) => Effect.logError("retrieve failed", cause)),
            ),
            { status: 503, json: { detail: "down" } },
            config,
          ),
        )
        if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
        const result = exit.value.exit
        expect(Exit.isFailure(result)).toBe(true)
        const texts = [
          ...textsOf(spans, lines),
          ...(Exit.isFailure(result)
            ? [Cause.pretty(result.cause), ...renderings(Cause.squash(result.cause))]
            : []),
        ]
        expectAbsent(texts, [apiKey, password, btoa(`ali:${password}`)])
      }
    }),
  )

  it("never appear when a configuration with retry settings is printed", () => {
    const config = Effect.runSync(
      OttuConfig.make({
        merchantId: "m.ottu.test",
        auth: OttuAuth.basic("ali", Redacted.make(password)),
        retry: { times: 3, cap: "2 seconds" },
      }),
    )
    expectAbsent(renderings(config), [password, btoa(`ali:${password}`)])
    expect(config.retry.times).toBe(3)
  })
})
