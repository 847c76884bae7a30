import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import { Checkout, OttuAuth } from "../src/index.ts"
import {
  apiKey,
  configLayer,
  failureOf,
  merchantId,
  minimalCheckout,
  runRecorded,
  sessionBody,
  successOf,
} from "./support/setup.ts"

const minimal = minimalCheckout

describe("Checkout.create", () => {
  it.effect("POSTs the JSON body with auth, user agent and the default customer", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.create({ ...minimal, customer_phone: "+96550000000", order_no: "A-1" }),
        { status: 201, json: sessionBody({ brand_new_field: { kept: true } }) },
      )
      const session = successOf(exit)
      expect(session.session_id).toBe("bb7fc280827c2f177a9690299cfefa4128dbbd60")
      expect(session.state).toBe("created")
      expect(session.brand_new_field).toEqual({ kept: true })
      expect(requests).toHaveLength(1)
      const [req] = requests
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}/b/checkout/v1/pymt-txn/`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.headers["user-agent"]).toBe("effect-ottu/0.1.0")
      expect(req?.headers.accept).toBe("application/json")
      expect(req?.contentType).toBe("application/json")
      expect(req?.json).toEqual({
        ...minimal,
        customer_phone: "+96550000000",
        order_no: "A-1",
        customer_id: "cust-1",
        payment_type: "one_off",
      })
    }),
  )

  it.effect("sends explicit false and keeps the caller's customer", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Checkout.create({
          ...minimal,
          customer_id: "cust-9",
          generate_qr_code: false,
          shortify_checkout_url: false,
          extra: { count: 0, flag: false },
        }),
        { status: 201, json: sessionBody() },
      )
      expect(requests[0]?.json).toMatchObject({
        customer_id: "cust-9",
        generate_qr_code: false,
        shortify_checkout_url: false,
        extra: { count: 0, flag: false },
      })
    }),
  )

  it.effect("sends Basic credentials when configured so", () =>
    Effect.gen(function* () {
      const { requests } = yield* runRecorded(
        Checkout.create(minimal),
        { status: 201, json: sessionBody() },
        configLayer({ auth: OttuAuth.basic("ali", Redacted.make("p@ss")) }),
      )
      expect(requests[0]?.headers.authorization).toBe(`Basic ${btoa("ali:p@ss")}`)
    }),
  )

  it.effect("merges extraFields and refuses ones that repeat a known field", () =>
    Effect.gen(function* () {
      const ok = yield* runRecorded(
        Checkout.create({ ...minimal, extraFields: { mode: "hosted_page", future: null } }),
        { status: 201, json: sessionBody() },
      )
      expect(ok.requests[0]?.json).toMatchObject({ mode: "hosted_page", future: null })
      const clash = yield* runRecorded(
        Checkout.create({ ...minimal, extraFields: { amount: "1.000" } }),
        { status: 201, json: sessionBody() },
      )
      expect(failureOf(clash.exit)._tag).toBe("OttuInvalidInputError")
      expect(clash.requests).toHaveLength(0)
    }),
  )

  const rejected: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["an amount given as a number", { amount: 20.23 }, "amount"],
    ["more than 3 decimals", { amount: "20.2345" }, "amount"],
    ["a negative amount", { amount: "-1.000" }, "amount"],
    ["a zero amount", { amount: "0.000" }, "amount"],
    ["decimals the currency does not have", { amount: "10.123", currency_code: "USD" }, "amount"],
    ["an unknown currency", { currency_code: "KWX" }, "currency_code"],
    ["an empty pg_codes", { pg_codes: [] }, "pg_codes"],
    ["an unknown type", { type: "shop" }, "type"],
    ["an unknown language", { language: "fr" }, "language"],
    ["auto_debit without agreement", { payment_type: "auto_debit" }, "agreement"],
    ["save_card with an amount", { payment_type: "save_card" }, "amount"],
    ["an unknown field", { amout: "1" }, "amout"],
    [
      "an unknown field in a nested object",
      { billing_address: { line1: "1 Gulf Rd", city: "Kuwait", country: "KW", zip: "1" } },
      "billing_address.zip",
    ],
    [
      "an unknown field inside a union member",
      {
        payment_instrument: { instrument_type: "token", payload: { token: "t", cvv: "123" } },
        pg_codes: ["knet"],
      },
      "payment_instrument.payload.cvv",
    ],
    ["a bad webhook URL", { webhook_url: "not a url" }, "webhook_url"],
    [
      "one-step checkout with two gateways",
      {
        pg_codes: ["a", "b"],
        payment_instrument: { instrument_type: "token", payload: { token: "t" } },
      },
      "pg_codes",
    ],
  ]
  for (const [name, change, field] of rejected) {
    it.effect(`rejects ${name} before sending anything`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(
          Checkout.create({ ...minimal, ...change } as unknown as Checkout.CreateInput),
          { status: 201, json: sessionBody() },
        )
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(error.issues.map((i) => i.field)).toContain(field)
          expect(error.method).toBe("POST")
          expect(error.path).toBe("/b/checkout/v1/pymt-txn/")
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("names a bad optional enum field once, with the allowed values", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(
        Checkout.create({
          ...minimal,
          language: "secret-value",
        } as unknown as Checkout.CreateInput),
        { status: 201, json: sessionBody() },
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuInvalidInputError")
      if (error._tag === "OttuInvalidInputError") {
        expect(error.issues.map((i) => i.field)).toEqual(["language"])
        expect(error.issues[0]?.message).toBe('Expected "en" | "ar", actual "secret-value"')
      }
    }),
  )

  it.effect("accepts a save-card checkout with amount 0", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.create({ ...minimal, amount: "0", payment_type: "save_card" }),
        { status: 201, json: sessionBody({ amount: "0.000" }) },
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests[0]?.json).toMatchObject({ amount: "0", customer_id: "cust-1" })
    }),
  )
})

describe("Checkout attachments", () => {
  it.effect("sends multipart with repeated pg_codes and the file", () =>
    Effect.gen(function* () {
      const bytes = new TextEncoder().encode("%PDF-1.4 invoice")
      const { exit, requests } = yield* runRecorded(
        Checkout.create({
          ...minimal,
          pg_codes: ["knet", "credit-card"],
          generate_qr_code: false,
          attachment: { name: "invoice.pdf", data: bytes },
        }),
        { status: 201, json: sessionBody() },
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      const form = requests[0]?.form
      expect(form).toBeDefined()
      expect(form?.getAll("pg_codes")).toEqual(["knet", "credit-card"])
      expect(form?.get("amount")).toBe("20.230")
      expect(form?.get("generate_qr_code")).toBe("false")
      const file = form?.get("attachment")
      expect(file).toBeInstanceOf(Blob)
      expect((file as File).name).toBe("invoice.pdf")
      expect(yield* Effect.promise(() => (file as Blob).text())).toBe("%PDF-1.4 invoice")
    }),
  )

  it.effect("reads a file path and names the part after the file", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "ottu-")))
      const path = join(dir, "terms.txt")
      yield* Effect.promise(() => writeFile(path, "terms and conditions"))
      const { requests } = yield* runRecorded(
        Checkout.update("bb7fc280827c2f177a9690299cfefa4128dbbd60", {
          amount: "5.000",
          attachment: path,
        }),
        { status: 200, json: sessionBody() },
      )
      const file = requests[0]?.form?.get("attachment") as File
      expect(requests[0]?.method).toBe("PATCH")
      expect(file.name).toBe("terms.txt")
      expect(yield* Effect.promise(() => file.text())).toBe("terms and conditions")
    }),
  )

  const refused: ReadonlyArray<readonly [string, Partial<Checkout.CreateInput>, string]> = [
    [
      "nested objects",
      {
        billing_address: { line1: "Street 1", city: "Kuwait", country: "KW" },
        attachment: new Blob(["x"]),
      },
      "billing_address",
    ],
    [
      "a disallowed extension",
      { attachment: { name: "run.exe", data: new Uint8Array(1) } },
      "attachment",
    ],
    ["a missing file", { attachment: "/nonexistent/dir/file.pdf" }, "attachment"],
  ]
  for (const [name, change, field] of refused) {
    it.effect(`refuses ${name} with a typed error and sends nothing`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(Checkout.create({ ...minimal, ...change }), {
          status: 201,
          json: sessionBody(),
        })
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(error.issues[0]?.field).toContain(field)
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("uploads an attachment to the upload endpoint", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.uploadAttachment(
          { name: "logo.png", data: new Uint8Array([137, 80, 78, 71]) },
          { session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60", shortify_attachment_url: true },
        ),
        {
          status: 200,
          json: {
            file_url: "payment_transactions/attachments/logo_1F31q4q.png",
            original_filename: "logo.png",
          },
        },
      )
      expect(successOf(exit).file_url).toBe("payment_transactions/attachments/logo_1F31q4q.png")
      const req = requests[0]
      expect(req?.path).toBe("/b/checkout/v1/upload-attachment/")
      expect(req?.form?.get("session_id")).toBe("bb7fc280827c2f177a9690299cfefa4128dbbd60")
      expect(req?.form?.get("shortify_attachment_url")).toBe("true")
      expect((req?.form?.get("file") as File | undefined)?.name).toBe("logo.png")
    }),
  )

  it.effect("refuses an upload naming both session_id and order_no", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.uploadAttachment(new File(["x"], "a.pdf"), { session_id: "s1", order_no: "o1" }),
        { status: 200, json: {} },
      )
      expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
      expect(requests).toHaveLength(0)
    }),
  )
})

describe("Checkout.retrieve, update, replace", () => {
  const id = "bb7fc280827c2f177a9690299cfefa4128dbbd60"

  it.effect("retrieves with GET and a trailing slash", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(Checkout.retrieve(id), {
        status: 200,
        json: sessionBody({ state: "paid" }),
      })
      expect(successOf(exit).state).toBe("paid")
      expect(requests[0]?.method).toBe("GET")
      expect(requests[0]?.path).toBe(`/b/checkout/v1/pymt-txn/${id}/`)
      expect(requests[0]?.text ?? "").toBe("")
    }),
  )

  it.effect("refuses a session id that would escape the path", () =>
    Effect.gen(function* () {
      for (const bad of ["../card", "a/b", "", "a b"]) {
        const { exit, requests } = yield* runRecorded(Checkout.retrieve(bad), {
          status: 200,
          json: sessionBody(),
        })
        expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
        expect(requests).toHaveLength(0)
      }
    }),
  )

  it.effect("PATCHes only the given fields", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Checkout.update(id, { amount: "25.500", customer_email: "a@b.kw" }),
        { status: 200, json: sessionBody({ amount: "25.500" }) },
      )
      expect(successOf(exit).amount).toBe("25.500")
      expect(requests[0]?.method).toBe("PATCH")
      expect(requests[0]?.path).toBe(`/b/checkout/v1/pymt-txn/${id}/`)
      expect(requests[0]?.json).toEqual({ amount: "25.500", customer_email: "a@b.kw" })
    }),
  )

  it.effect("PUTs the full set of fields and requires the core ones", () =>
    Effect.gen(function* () {
      const ok = yield* runRecorded(Checkout.replace(id, { ...minimal, amount: "30.000" }), {
        status: 200,
        json: sessionBody({ amount: "30.000" }),
      })
      expect(ok.requests[0]?.method).toBe("PUT")
      expect(ok.requests[0]?.json).toEqual({ ...minimal, amount: "30.000" })
      const missing = yield* runRecorded(
        Checkout.replace(id, { amount: "30.000" } as unknown as Checkout.CreateInput),
        { status: 200, json: sessionBody() },
      )
      expect(failureOf(missing.exit)._tag).toBe("OttuInvalidInputError")
      expect(missing.requests).toHaveLength(0)
    }),
  )
})

describe("unreadable input", () => {
  it.effect("an object whose toString is not a function is refused, not a crash", () =>
    Effect.gen(function* () {
      const weird = {
        type: [{ toString: null }],
        amount: "1.000",
        currency_code: "KWD",
        pg_codes: ["k"],
      }
      const { exit, requests } = yield* runRecorded(
        Checkout.create(weird as unknown as Checkout.CreateInput),
        { status: 201, json: sessionBody() },
      )
      expect(failureOf(exit)._tag).toBe("OttuInvalidInputError")
      expect(requests).toHaveLength(0)
    }),
  )
})
