/**
 * `Notifications`: the three endpoints' requests held to the contract, refusals before sending,
 * answers and typed errors, never retried, and the sandbox's notification log.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { Checkout, Notifications, OttuSandbox } from "../src/index.ts"
import { onSandbox, postToSandbox } from "./support/sandbox.ts"
import { apiKey, configLayer, failureOf, merchantId, runRecorded } from "./support/setup.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"
const sent = { status: 200, json: { message: "Notification sent.", result: "success" } }
const notified = { status: 200, json: { message: "Customer notified." } }

const sms = {
  channel: "sms",
  template_id: "payment-link-sms",
  to: "+96599999999",
  language: "ar",
  context: { payment_link: "https://pay.example.kw/s/abc" },
} as const satisfies Notifications.SendInput

const fieldsOf = (error: { readonly issues: ReadonlyArray<{ readonly field: string }> }) => [
  ...new Set(error.issues.map((issue) => issue.field)),
]

describe("Notifications.resend", () => {
  it.effect("POSTs {session_id, channels} to message-notification/", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Notifications.resend({ session_id: id }, ["sms", "whatsapp"]),
        notified,
      )
      expect(Exit.isSuccess(exit) && exit.value.message).toBe("Customer notified.")
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}/b/pbl/v2/message-notification/`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.json).toEqual({ session_id: id, channels: ["sms", "whatsapp"] })
    }),
  )

  it.effect("POSTs {order_no, channels}", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Notifications.resend({ order_no: "A-1" }, ["email"]),
        notified,
      )
      expect(requests[0]?.json).toEqual({ order_no: "A-1", channels: ["email"] })
    }),
  )

  const refused: ReadonlyArray<
    readonly [string, Notifications.Target, ReadonlyArray<string>, string]
  > = [
    ["no channel", { session_id: id }, [], "channels"],
    ["an unknown channel", { session_id: id }, ["fax"], "channels.0"],
    ["both identifiers", { session_id: id, order_no: "A-1" } as never, ["sms"], "session_id"],
    ["no identifier", {} as never, ["sms"], "session_id"],
  ]
  for (const [label, target, channels, field] of refused) {
    it.effect(`refuses ${label} and sends nothing`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(
          Notifications.resend(target, channels as ReadonlyArray<Notifications.Channel>),
          notified,
        )
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") expect(fieldsOf(error)).toEqual([field])
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("Ottu's refusal {session_id, channels, result: failed} is an OttuBadRequestError", () =>
    Effect.gen(function* () {
      const body = { session_id: id, channels: "sms", result: "failed" }
      const { exit } = yield* runRecorded(Notifications.resend({ session_id: id }, ["sms"]), {
        status: 400,
        json: body,
      })
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuBadRequestError", status: 400, body })
    }),
  )

  it.effect("403 is an OttuForbiddenError, 405 an unexpected status", () =>
    Effect.gen(function* () {
      const forbidden = yield* runRecorded(Notifications.resend({ session_id: id }, ["sms"]), {
        status: 403,
        json: { detail: "You do not have permission to perform this action." },
      })
      expect(failureOf(forbidden.exit)._tag).toBe("OttuForbiddenError")
      const method = yield* runRecorded(Notifications.resend({ session_id: id }, ["sms"]), {
        status: 405,
        json: { detail: 'Method "POST" not allowed.' },
      })
      expect(failureOf(method.exit)).toMatchObject({ status: 405 })
    }),
  )
})

describe("Notifications.send and sendOn", () => {
  it.effect("send POSTs the template with its channel to send-notification/", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Notifications.send(sms), sent)
      expect(Exit.isSuccess(exit) && exit.value).toEqual(sent.json)
      const req = requests[0]
      expect(req?.url.href).toBe(`https://${merchantId}/b/pbl/v2/send-notification/`)
      expect(req?.json).toEqual(sms)
    }),
  )

  it.effect("sendOn POSTs the template without channel to notifications/send/{channel}/", () =>
    Effect.gen(function* () {
      const email = {
        template_id: "payment-link-email",
        to: "ali@example.kw",
        cc: ["ops@example.kw"],
        subject: "Your invoice",
        attachments: [{ filename: "invoice.pdf", url: "https://shop.example.kw/invoice.pdf" }],
        trace_id: "t-1",
        tags: ["invoice"],
      }
      const { requests } = yield* runRecorded(Notifications.sendOn("email", email), sent)
      const req = requests[0]
      expect(req?.url.href).toBe(`https://${merchantId}/b/pbl/v2/notifications/send/email/`)
      expect(req?.json).toEqual(email)
    }),
  )

  const refused: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["an sms to an e-mail address", { to: "ali@example.kw" }, "to"],
    ["an sms to a local number", { to: "99999999" }, "to"],
    ["an e-mail to a phone number", { channel: "email", to: "+96599999999" }, "to"],
    ["a WhatsApp message without unit_config", { channel: "whatsapp" }, "unit_config"],
    ["an unknown channel", { channel: "fax" }, "channel"],
    ["a blank template", { template_id: "" }, "template_id"],
    ["a trace_id over 60 characters", { trace_id: "t".repeat(61) }, "trace_id"],
    [
      "an attachment with neither content nor url",
      { attachments: [{ filename: "a.pdf" }] },
      "attachments.0.content",
    ],
    ["an unknown language", { language: "fr" }, "language"],
    ["a bad cc", { cc: ["not-an-email"] }, "cc.0"],
  ]
  for (const [label, change, field] of refused) {
    it.effect(`refuses ${label} and sends nothing`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(
          Notifications.send({ ...sms, ...change } as Notifications.SendInput),
          sent,
        )
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        // An optional list's item is also reported on the list itself ("Expected undefined").
        if (error._tag === "OttuInvalidInputError") {
          expect(fieldsOf(error).filter((name) => !field.startsWith(`${name}.`))).toEqual([field])
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("sendOn refuses a channel that is not one of Ottu's, before the path is built", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Notifications.sendOn("../card" as Notifications.Channel, {
          template_id: "t",
          to: "+96599999999",
        }),
        sent,
      )
      expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
      expect(requests).toHaveLength(0)
    }),
  )

  it.effect("a refusal {detail, result: failed} is an OttuBadRequestError with Ottu's detail", () =>
    Effect.gen(function* () {
      const body = { detail: "Template not found.", result: "failed" }
      const { exit } = yield* runRecorded(Notifications.send(sms), { status: 400, json: body })
      expect(failureOf(exit)).toMatchObject({
        _tag: "OttuBadRequestError",
        detail: "Template not found.",
      })
    }),
  )

  it.effect("none of the three is re-sent, even with retries on and a transient failure", () =>
    Effect.gen(function* () {
      const retrying = configLayer({ retry: { times: 5, base: "1 millis" } })
      for (const call of [
        Notifications.send(sms),
        Notifications.sendOn("sms", { template_id: "t", to: "+96599999999" }),
        Notifications.resend({ session_id: id }, ["sms"]),
      ]) {
        const { exit, requests } = yield* runRecorded(call, { status: 503, json: {} }, retrying)
        expect(failureOf(exit)._tag).toBe("OttuServerError")
        expect(requests).toHaveLength(1)
      }
    }),
  )

  it.effect("spans name the channel and template, never the recipient", () =>
    Effect.gen(function* () {
      const { spans } = yield* captureTelemetry(runRecorded(Notifications.send(sms), sent))
      const span = spans.find((s) => s.name === "Ottu.Notifications.send")
      expect(span?.attributes.get("ottu.channel")).toBe("sms")
      expect(span?.attributes.get("ottu.template_id")).toBe("payment-link-sms")
      expect(JSON.stringify([...(span?.attributes.entries() ?? [])])).not.toContain("96599999999")
    }),
  )
})

describe("Notifications on the sandbox", () => {
  const order = {
    type: "e_commerce",
    amount: "5.000",
    currency_code: "KWD",
    pg_codes: ["knet"],
    customer_phone: "+96550000000",
    customer_email: "ali@example.kw",
    notifications: { sms: ["created", "paid"], email: ["paid"] },
  } as const

  it.effect("resend notifies on the channels whose settings include the current event", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(order)
      yield* Notifications.resend({ session_id: session.session_id }, ["sms", "email"])
      yield* OttuSandbox.pay(session.session_id)
      yield* Notifications.resend({ session_id: session.session_id }, ["sms", "email"])
      const log = yield* OttuSandbox.notifications
      expect(log.map((n) => [n.channel, n.kind === "transaction" && n.event, n.to])).toEqual([
        ["sms", "created", "+96550000000"],
        ["sms", "paid", "+96550000000"],
        ["email", "paid", "ali@example.kw"],
      ])
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("resend with no channel that can notify: 400 result failed, nothing logged", () =>
    Effect.gen(function* () {
      const session = yield* Checkout.create(order)
      const error = yield* Effect.flip(
        Notifications.resend({ session_id: session.session_id }, ["email", "whatsapp"]),
      )
      expect(error).toMatchObject({
        _tag: "OttuBadRequestError",
        body: { session_id: session.session_id, channels: ["email", "whatsapp"], result: "failed" },
      })
      expect(yield* OttuSandbox.notifications).toEqual([])
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("resend for an unknown session is an OttuNotFoundError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Notifications.resend({ session_id: id }, ["sms"]))
      expect(error._tag).toBe("OttuNotFoundError")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("templates are logged with channel, recipient and context", () =>
    Effect.gen(function* () {
      yield* Notifications.send(sms)
      yield* Notifications.sendOn("whatsapp", {
        template_id: "link-wa",
        to: "+96551111111",
        unit_config: 3,
      })
      const log = yield* OttuSandbox.notifications
      expect(log).toMatchObject([
        {
          kind: "template",
          channel: "sms",
          to: "+96599999999",
          template_id: "payment-link-sms",
          language: "ar",
          context: sms.context,
        },
        { kind: "template", channel: "whatsapp", to: "+96551111111", template_id: "link-wa" },
      ])
    }).pipe(Effect.provide(onSandbox())),
  )
})

describe("the sandbox's template routes answer as Ottu", () => {
  it.effect(
    "a recipient that does not fit the channel, WhatsApp without unit: 400 field errors",
    () =>
      Effect.gen(function* () {
        const { status, json } = yield* postToSandbox("/b/pbl/v2/send-notification/", {
          channel: "whatsapp",
          template_id: "t",
          to: "ali@example.kw",
        })
        expect(status).toBe(400)
        expect(json).toEqual({
          to: ["Enter a valid international phone number."],
          unit_config: ["This field is required for WhatsApp notifications."],
        })
      }),
  )

  it.effect("missing fields: 400 field errors", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox("/b/pbl/v2/notifications/send/sms/", {})
      expect(status).toBe(400)
      expect(json).toEqual({
        template_id: ["This field is required."],
        to: ["This field is required."],
      })
    }),
  )

  it.effect("an unknown channel in the path: 400 {detail, result: failed}", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox("/b/pbl/v2/notifications/send/fax/", {
        template_id: "t",
        to: "+96599999999",
      })
      expect(status).toBe(400)
      expect(json).toMatchObject({ result: "failed" })
    }),
  )

  it.effect("a re-send without an identifier: 400", () =>
    Effect.gen(function* () {
      const { status } = yield* postToSandbox("/b/pbl/v2/message-notification/", {
        channels: ["sms"],
      })
      expect(status).toBe(400)
    }),
  )
})
