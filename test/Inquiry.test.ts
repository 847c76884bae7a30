import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit } from "effect"
import { Inquiry } from "../src/index.ts"
import {
  cardBody,
  configLayer,
  onlyRequest,
  runFailed,
  runRecorded,
  successOf,
} from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const path = "/b/pbl/v2/inquiry/"
const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"

/** The distinct fields an invalid-input error names (an optional field may be named twice). */
const fieldsOf = (error: { readonly issues: ReadonlyArray<{ readonly field: string }> }) => [
  ...new Set(error.issues.map((i) => i.field)),
]

/** A payment payload (`SchemaWebhook`) as Ottu answers a status query. */
const payment = {
  agreement: {},
  amount: "20.230",
  amount_details: {
    amount: "20.230",
    currency_code: "KWD",
    fee: "0.000",
    total: "20.230",
  },
  card_acceptance_criteria: { min_expiry_time: 30 },
  currency_code: "KWD",
  customer_address_country: "KW",
  customer_email: "ali@example.kw",
  customer_id: "cust-1",
  extra: { cart: "c-9" },
  fee: "0.000 KWD",
  gateway_account: "credit-card",
  gateway_name: "mpgs",
  gateway_response: { result: "SUCCESS", order: { id: "1234567890" } },
  is_sandbox: true,
  message: "Payment successful.",
  order_no: "1234567890",
  paid_amount: 20.23,
  payment_type: "one_off",
  pg_params: { auth_code: "831000", card_number: "512345******0008", rrn: "330609000123" },
  reference_number: "staging4AQ64A",
  refunded_amount: 0,
  remaining_amount: 0,
  result: "success",
  session_id: id,
  settled_amount: 20.23,
  signature: "6d3bb0a1c9e2f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3",
  state: "paid",
  timestamp_utc: "2026-11-27 10:00:00",
  token: cardBody(),

  transactions: [],
  voided_amount: "0.000",
  brand_new_field: { kept: true },
}

describe("Inquiry.query: the request", () => {
  it.effect("POSTs {session_id} as JSON with the API key", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Inquiry.query({ session_id: id }), {
        status: 200,
        json: payment,
      })
      expect(Exit.isSuccess(exit)).toBe(true)
      const req = onlyRequest(requests, "POST", path)
      expect(req.contentType).toBe("application/json")
      expect(req.json).toEqual({ session_id: id })
    }),
  )

  it.effect("POSTs {order_no, webhook_url, notify_webhook_url}", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Inquiry.query(
          { order_no: "1234567890" },
          { webhook_url: "https://shop.example.kw/ottu/webhook", notify_webhook_url: true },
        ),
        { status: 200, json: payment },
      )
      expect(requests[0]?.json).toEqual({
        order_no: "1234567890",
        webhook_url: "https://shop.example.kw/ottu/webhook",
        notify_webhook_url: true,
      })
    }),
  )

  it.effect("sends an explicit notify_webhook_url false", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Inquiry.query({ session_id: id }, { notify_webhook_url: false }),
        { status: 200, json: payment },
      )
      expect(requests[0]?.json).toEqual({ session_id: id, notify_webhook_url: false })
    }),
  )

  const refused: ReadonlyArray<readonly [string, unknown, unknown, string]> = [
    [
      "a webhook_url that is not a URL",
      { session_id: id },
      { webhook_url: "not a url" },
      "webhook_url",
    ],
    [
      "a webhook_url that is not http(s)",
      { session_id: id },
      { webhook_url: "ftp://shop.example.kw/hook" },
      "webhook_url",
    ],
    [
      "a webhook_url over 200 characters",
      { session_id: id },
      { webhook_url: `https://shop.example.kw/${"a".repeat(190)}` },
      "webhook_url",
    ],
    [
      "a notify_webhook_url that is not a boolean",
      { session_id: id },
      { notify_webhook_url: "yes" },
      "notify_webhook_url",
    ],
    ["an unknown option", { session_id: id }, { webhook: "https://x.kw/" }, "webhook"],
    ["both identifiers", { session_id: id, order_no: "1234567890" }, undefined, "session_id"],
    ["no identifier", {}, undefined, "session_id"],
    ["a blank order_no", { order_no: " " }, undefined, "order_no"],
  ]
  for (const [label, target, options, field] of refused) {
    it.effect(`refuses ${label} and sends nothing`, () =>
      Effect.gen(function* () {
        const { error, requests } = yield* runFailed(
          Inquiry.query(
            target as Inquiry.Target,
            options as typeof Inquiry.QueryOptions.Encoded | undefined,
          ),
          { status: 200, json: payment },
        )
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(fieldsOf(error)).toEqual([field])
          expect(error.method).toBe("POST")
          expect(error.path).toBe(path)
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }
})

describe("Inquiry.query: the answer", () => {
  it.effect("decodes the payment payload: numbers as strings, card token, unknown fields", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Inquiry.query({ session_id: id }), {
        status: 200,
        json: payment,
      })
      const status = successOf(exit)
      expect(status).toEqual({
        ...payment,
        paid_amount: "20.23",
        settled_amount: "20.23",
        remaining_amount: "0",
        refunded_amount: "0",
      })
      expect(status.paid_amount).toBe("20.23")
      expect(status.settled_amount).toBe("20.23")
      expect(status.remaining_amount).toBe("0")
      expect(status.voided_amount).toBe("0.000")
      expect(status.amount).toBe("20.230")
      expect(status.state).toBe("paid")
      expect(status.result).toBe("success")
      expect(status.token?.token).toBe("9923965822244314")
      expect(status.token?.cvv_required).toBe(false)
      expect(status.token?.agreements).toEqual(["A123456789"])
      expect(status.brand_new_field).toEqual({ kept: true })
      expect(status.gateway_response).toEqual(payment.gateway_response)
    }),
  )

  it.effect("keeps string amounts as they are and a null token", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Inquiry.query({ order_no: "1234567890" }), {
        status: 200,
        json: {
          ...payment,
          state: "pending",
          result: "pending",
          paid_amount: "0.000",
          settled_amount: "0.000",
          remaining_amount: "20.230",
          token: null,
        },
      })
      const status = successOf(exit)
      expect(status.paid_amount).toBe("0.000")
      expect(status.remaining_amount).toBe("20.230")
      expect(status.token).toBeNull()
    }),
  )

  it.effect("a payload without result is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { result: _result, ...withoutResult } = payment
      const { error } = yield* runFailed(Inquiry.query({ session_id: id }), {
        status: 200,
        json: withoutResult,
      })
      expect(error).toMatchObject({ _tag: "OttuDecodeError", status: 200, path })
    }),
  )

  it.effect("a token card without its token is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { token: _token, ...card } = payment.token
      const { error } = yield* runFailed(Inquiry.query({ session_id: id }), {
        status: 200,
        json: { ...payment, token: card },
      })
      expect(error._tag).toBe("OttuDecodeError")
    }),
  )

  it.effect(
    "a throttled call answered 400 {detail, result: failed} is an OttuBadRequestError",
    () =>
      Effect.gen(function* () {
        const body = {
          detail: "Request was throttled. Expected available in 1800 seconds.",
          result: "failed",
        }
        const { error, requests } = yield* runFailed(Inquiry.query({ session_id: id }), {
          status: 400,
          json: body,
        })
        expect(error).toMatchObject({
          _tag: "OttuBadRequestError",
          method: "POST",
          path,
          status: 400,
          body,
          detail: "Request was throttled. Expected available in 1800 seconds.",
        })
        expect(requests).toHaveLength(1)
      }),
  )

  it.effect("429 with Retry-After is an OttuRateLimitedError carrying the wait", () =>
    Effect.gen(function* () {
      const { error, requests } = yield* runFailed(Inquiry.query({ session_id: id }), {
        status: 429,
        json: { detail: "Request was throttled. Expected available in 60 seconds." },
        headers: { "retry-after": "60" },
      })
      expect(error._tag).toBe("OttuRateLimitedError")
      expect(error).toMatchObject({
        status: 429,
        path,
        detail: "Request was throttled. Expected available in 60 seconds.",
      })
      if (error._tag === "OttuRateLimitedError") {
        expect(error.retryAfter && Duration.toMillis(error.retryAfter)).toBe(60_000)
      }
      // A status query is never retried in a tight loop.
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("is never re-sent by the SDK, even with retries on and a transient failure", () =>
    Effect.gen(function* () {
      // Ottu allows 3 queries per transaction and may notify the webhook on each.
      for (const status of [502, 503, 504]) {
        const { error, requests } = yield* runFailed(
          Inquiry.query({ session_id: id }, { notify_webhook_url: true }),
          { status, json: {} },
          configLayer({ retry: { times: 5, base: "1 millis" } }),
        )
        expect(error).toMatchObject({ _tag: "OttuServerError", status })
        expect(requests).toHaveLength(1)
      }
    }),
  )

  it.effect("404 for an unknown order is an OttuNotFoundError", () =>
    Effect.gen(function* () {
      const { error } = yield* runFailed(Inquiry.query({ order_no: "nope" }), {
        status: 404,
        json: { detail: "Not found." },
      })
      expect(error).toMatchObject({
        _tag: "OttuNotFoundError",
        detail: "Not found.",
        path,
      })
    }),
  )

  it.effect("runs in span Ottu.Inquiry.query naming the session", () =>
    Effect.gen(function* () {
      const { spans } = yield* captureTelemetry(
        runRecorded(Inquiry.query({ session_id: id }), { status: 200, json: payment }),
      )
      const span = spans.find((s) => s.name === "Ottu.Inquiry.query")
      expect(span?.attributes.get("ottu.session_id")).toBe(id)
      expect(span?.attributes.get("http.route")).toBe(path)
    }),
  )
})
