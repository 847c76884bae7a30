/**
 * `Invoice.create`: the request held to the contract, the totals checked against Ottu's
 * arithmetic before sending, the answer decoded, the sandbox's invoice route (a payable session,
 * Ottu's 400s), and automatic persistence of the session it creates.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import { invoiceTotals } from "../src/Invoice/totals.ts"
import { Checkout, Invoice, OttuSandbox } from "../src/index.ts"
import { onSandbox, postToSandbox } from "./support/sandbox.ts"
import {
  apiKey,
  configLayer,
  failureOf,
  merchantId,
  runRecorded,
  sessionBody,
  successOf,
} from "./support/setup.ts"
import { trackedSandbox } from "./support/store.ts"
import { captureTelemetry } from "./support/telemetry.ts"

const path = "/b/invoice/v1/invoice/"

/**
 * 3 × 1.250 = 3.750; 1 × 10.000 less 10% = 9.000; subtotal 12.750; 5% tax 0.6375 → 0.638;
 * total 13.388 KWD.
 */
const invoice = {
  type: "payment_request",
  currency_code: "KWD",
  pg_codes: ["knet"],
  invoice_number: "INV-1001",
  due_date: "2026-12-31",
  tax_rate: "5",
  invoice_items: [
    { sku: "A-1", description: "Widget", quantity: "3", unit_price: "1.250" },
    {
      sku: "B-2",
      description: "Gadget",
      quantity: "1",
      unit_price: "10.000",
      discount_percentage: "10",
    },
  ],
} as const satisfies Invoice.CreateInvoiceInput

/** Ottu's answer: the checkout session plus the invoice. */
const answer = sessionBody({
  type: "payment_request",
  amount: "13.388",
  invoice_id: 7,
  invoice_number: "INV-1001",
  status: "sent",
  due_date: "2026-12-31",
  subtotal: "12.750",
  tax_amount: 0.638,
  total_incl_tax: "13.388",
  invoice_items: [
    { id: 1, sku: "A-1", description: "Widget", quantity: "3.000", unit_price: "1.250" },
  ],
  invoice_pdf_url: "https://merchant.ottu.test/invoice/7.pdf",
  brand_new_field: { kept: true },
})

const issuesOf = (error: { readonly issues: ReadonlyArray<{ readonly field: string }> }) =>
  error.issues.map((issue) => issue.field)

describe("Invoice totals: Ottu's arithmetic on decimal strings", () => {
  it("computes items, subtotal, discount, tax and shipping, rounding half up at each step", () => {
    const totals = invoiceTotals({
      currency_code: "KWD",
      invoice_items: [
        { quantity: "1.111", unit_price: "2.345", tax_rate: "15" },
        { quantity: "2", unit_price: "0.005", discount_amount: "0.001" },
      ],
      discount_percentage: "2.5",
      tax_rate: "5",
      shipping_excl_tax: "1.005",
      shipping_tax_rate: "10",
    })
    // 1.111 × 2.345 = 2.605295 → 2.605; tax 0.39075 → 0.391; total 2.996.
    expect(totals.items[0]).toEqual({
      quantity_price: "2.605",
      discount: "0.000",
      total_excl_tax: "2.605",
      tax_amount: "0.391",
      total_incl_tax: "2.996",
    })
    // 2 × 0.005 = 0.010; less 0.001 = 0.009; no tax.
    expect(totals.items[1]?.total_incl_tax).toBe("0.009")
    // subtotal 3.005; 2.5% = 0.075125 → 0.075; excl 2.930; tax 0.1465 → 0.147;
    // shipping 1.005 + 0.1005 → 0.101 = 1.106; total 2.930 + 0.147 + 1.106 = 4.183.
    expect(totals).toMatchObject({
      subtotal: "3.005",
      discount: "0.075",
      total_excl_tax: "2.930",
      tax_amount: "0.147",
      shipping_incl_tax: "1.106",
      total_incl_tax: "4.183",
      amount: "4.183",
    })
  })

  it("rounds half up to the currency's decimals (USD 2, JPY 0)", () => {
    const usd = invoiceTotals({
      currency_code: "USD",
      invoice_items: [{ quantity: "3", unit_price: "0.335" }],
    })
    expect(usd.amount).toBe("1.01") // 1.005 → 1.01, where a float gives 1.00
    const jpy = invoiceTotals({
      currency_code: "JPY",
      invoice_items: [{ quantity: "1", unit_price: "100", tax_rate: "10.5" }],
    })
    expect(jpy.amount).toBe("111") // 100 + 10.5 → 11
  })

  it("adds amounts no float can hold exactly", () => {
    const totals = invoiceTotals({
      currency_code: "KWD",
      invoice_items: [
        { quantity: "1", unit_price: "9999999999999.999" },
        { quantity: "1", unit_price: "0.001" },
      ],
    })
    expect(totals.amount).toBe("10000000000000.000")
  })
})

describe("Invoice.create: the request", () => {
  it.effect("POSTs the invoice as JSON, each item in the invoice's currency", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Invoice.create({ ...invoice, total_incl_tax: "13.388", subtotal: "12.75" }),
        { status: 201, json: answer },
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(requests).toHaveLength(1)
      const req = requests[0]
      expect(req?.method).toBe("POST")
      expect(req?.url.href).toBe(`https://${merchantId}${path}`)
      expect(req?.headers.authorization).toBe(`Api-Key ${apiKey}`)
      expect(req?.contentType).toBe("application/json")
      expect(req?.json).toEqual({
        ...invoice,
        customer_id: "cust-1",
        total_incl_tax: "13.388",
        subtotal: "12.75",
        invoice_items: invoice.invoice_items.map((item) => ({ ...item, currency_code: "KWD" })),
      })
    }),
  )

  const refused: ReadonlyArray<readonly [string, Record<string, unknown>, ReadonlyArray<string>]> =
    [
      ["a wrong total", { total_incl_tax: "13.387" }, ["total_incl_tax"]],
      ["a wrong amount", { amount: "13.39" }, ["amount"]],
      ["a wrong subtotal", { subtotal: "12.751" }, ["subtotal"]],
      ["a wrong invoice tax", { tax_amount: "0.637" }, ["tax_amount"]],
      [
        "a wrong item total",
        {
          invoice_items: [
            invoice.invoice_items[0],
            { ...invoice.invoice_items[1], total_incl_tax: "10.000" },
          ],
        },
        ["invoice_items.1.total_incl_tax"],
      ],
      [
        "an item price with more decimals than the currency",
        {
          currency_code: "USD",
          invoice_items: [{ sku: "A", description: "A", quantity: "1", unit_price: "1.005" }],
        },
        ["invoice_items.0.unit_price"],
      ],
      [
        "both discounts on an item",
        {
          invoice_items: [{ ...invoice.invoice_items[1], discount_amount: "1.000" }],
        },
        ["invoice_items.0.discount_percentage"],
      ],
      [
        "both discounts on the invoice",
        { discount_amount: "1", discount_percentage: "5" },
        ["discount_percentage"],
      ],
      [
        "an item discount above its price",
        {
          invoice_items: [
            {
              sku: "A",
              description: "A",
              quantity: "1",
              unit_price: "1.000",
              discount_amount: "2",
            },
          ],
        },
        ["invoice_items.0.discount_amount"],
      ],
      ["an invoice discount above the subtotal", { discount_amount: "20" }, ["discount_amount"]],
      ["a zero tax rate (leave it out)", { tax_rate: "0" }, ["tax_rate"]],
      ["a rate with 3 decimals", { tax_rate: "5.125" }, ["tax_rate"]],
      ["a discount above 100%", { discount_percentage: "120" }, ["discount_percentage"]],
      [
        "an item in another currency",
        { invoice_items: [{ ...invoice.invoice_items[0], currency_code: "USD" }] },
        ["invoice_items.0.currency_code"],
      ],
      [
        "a zero quantity",
        { invoice_items: [{ ...invoice.invoice_items[0], quantity: "0" }] },
        ["invoice_items.0.quantity"],
      ],
      ["no items", { invoice_items: [] }, ["invoice_items"]],
      ["a bad due date", { due_date: "31/12/2026" }, ["due_date"]],
      ["a blank invoice number", { invoice_number: " " }, ["invoice_number"]],
      ["a number for an amount", { shipping_excl_tax: 1.5 }, ["shipping_excl_tax"]],
      ["an unknown field", { invoice_total: "1" }, ["invoice_total"]],
    ]
  for (const [label, change, fields] of refused) {
    it.effect(`refuses ${label}, naming the field, and sends nothing`, () =>
      Effect.gen(function* () {
        const { exit, requests } = yield* runRecorded(
          Invoice.create({ ...invoice, ...change } as Invoice.CreateInvoiceInput),
          { status: 201, json: answer },
        )
        const error = failureOf(exit)
        expect(error._tag).toBe("OttuInvalidInputError")
        if (error._tag === "OttuInvalidInputError") {
          expect(issuesOf(error)).toEqual(fields)
          expect(error.path).toBe(path)
        }
        expect(requests).toHaveLength(0)
      }),
    )
  }

  it.effect("names the computed value when a total differs", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Invoice.create({ ...invoice, total_incl_tax: "13.39" }), {
        status: 201,
        json: answer,
      })
      const error = failureOf(exit)
      expect(error._tag === "OttuInvalidInputError" && error.issues[0]?.message).toContain("13.388")
    }),
  )
})

describe("Invoice.create: the answer", () => {
  it.effect("decodes the session and the invoice, amounts as strings, unknown fields kept", () =>
    Effect.gen(function* () {
      const { exit } = yield* runRecorded(Invoice.create(invoice), { status: 201, json: answer })
      const created = successOf(exit)
      expect(created.session_id).toBe(answer.session_id)
      expect(created.invoice_id).toBe(7)
      expect(created.status).toBe("sent")
      expect(created.tax_amount).toBe("0.638")
      expect(created.invoice_items?.[0]?.quantity).toBe("3.000")
      expect(created.brand_new_field).toEqual({ kept: true })
    }),
  )

  it.effect("an answer without invoice_id is an OttuDecodeError", () =>
    Effect.gen(function* () {
      const { invoice_id: _id, ...without } = answer as Record<string, unknown>
      const { exit } = yield* runRecorded(Invoice.create(invoice), { status: 201, json: without })
      expect(failureOf(exit)).toMatchObject({ _tag: "OttuDecodeError", status: 201, path })
    }),
  )

  it.effect("a 400 with nested item errors is an OttuBadRequestError with dotted fields", () =>
    Effect.gen(function* () {
      const body = { invoice_items: [{}, { quantity: ["A valid number is required."] }] }
      const { exit } = yield* runRecorded(Invoice.create(invoice), { status: 400, json: body })
      const error = failureOf(exit)
      expect(error._tag).toBe("OttuBadRequestError")
      if (error._tag === "OttuBadRequestError") {
        expect(error.errors).toEqual({
          "invoice_items.1.quantity": ["A valid number is required."],
        })
      }
    }),
  )

  it.effect("is never re-sent, even with retries on and a transient failure", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* runRecorded(
        Invoice.create(invoice),
        { status: 503, json: {} },
        configLayer({ retry: { times: 5, base: "1 millis" } }),
      )
      expect(failureOf(exit)._tag).toBe("OttuServerError")
      expect(requests).toHaveLength(1)
    }),
  )

  it.effect("runs in span Ottu.Invoice.create naming the invoice number", () =>
    Effect.gen(function* () {
      const { spans } = yield* captureTelemetry(
        runRecorded(Invoice.create(invoice), { status: 201, json: answer }),
      )
      const span = spans.find((s) => s.name === "Ottu.Invoice.create")
      expect(span?.attributes.get("ottu.invoice_number")).toBe("INV-1001")
      expect(span?.attributes.get("http.route")).toBe(path)
    }),
  )
})

describe("Invoice.create on the sandbox", () => {
  it.effect("creates a payable session whose invoice status follows it", () =>
    Effect.gen(function* () {
      const created = yield* Invoice.create({ ...invoice, total_incl_tax: "13.388" })
      expect(created.amount).toBe("13.388")
      expect(created.state).toBe("created")
      expect(created.status).toBe("sent")
      expect(created.subtotal).toBe("12.750")
      expect(created.tax_amount).toBe("0.638")
      expect(created.invoice_items?.map((item) => item.total_incl_tax)).toEqual(["3.750", "9.000"])
      const paid = yield* OttuSandbox.pay(created.session_id)
      expect(paid.state).toBe("paid")
      expect(paid.amount).toBe("13.388")
      const read = yield* Checkout.retrieve(created.session_id)
      expect(read.state).toBe("paid")
      expect(read.status).toBe("paid")
      expect(read.invoice_number).toBe("INV-1001")
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("refuses a duplicate invoice number with Ottu's field error", () =>
    Effect.gen(function* () {
      yield* Invoice.create(invoice)
      const error = yield* Effect.flip(Invoice.create(invoice))
      expect(error).toMatchObject({
        _tag: "OttuBadRequestError",
        errors: { invoice_number: ["invoice with this invoice number already exists."] },
      })
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("refuses an authorize gateway: invoices need a purchase gateway", () =>
    Effect.gen(function* () {
      const authorize = OttuSandbox.gateways.find((g) => g.operation === "authorize")
      const error = yield* Effect.flip(
        Invoice.create({ ...invoice, pg_codes: [authorize?.code ?? ""] }),
      )
      expect(error._tag).toBe("OttuBadRequestError")
      expect(error._tag === "OttuBadRequestError" && Object.keys(error.errors)).toEqual([
        "pg_codes",
      ])
    }).pipe(Effect.provide(onSandbox())),
  )

  it.effect("is saved by automatic persistence, as any checkout session", () =>
    Effect.gen(function* () {
      const created = yield* Invoice.create(invoice)
      const kept = yield* CheckoutStore.get(created.session_id)
      expect(Option.map(kept, (checkout) => checkout.amount)).toEqual(Option.some("13.388"))
    }).pipe(Effect.provide(trackedSandbox().pipe(Layer.provideMerge(CheckoutStore.layerMemory)))),
  )
})

describe("the sandbox's invoice route answers as Ottu", () => {
  it.effect("a wrong total: 400 naming it and the computed value", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox(path, { ...invoice, total_incl_tax: "13.000" })
      expect(status).toBe(400)
      expect(json).toEqual({
        total_incl_tax: ["The given value does not match the computed value 13.388."],
      })
    }),
  )

  it.effect("bad items: 400 in DRF's list shape, {} for the valid ones", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox(path, {
        ...invoice,
        invoice_items: [invoice.invoice_items[0], { sku: "B", quantity: "x", unit_price: "1" }],
      })
      expect(status).toBe(400)
      expect(json).toEqual({
        invoice_items: [
          {},
          { description: ["This field is required."], quantity: ["A valid number is required."] },
        ],
      })
    }),
  )

  it.effect("reads JSON numbers as decimals, as Ottu's examples send them", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox(path, {
        ...invoice,
        invoice_items: [{ sku: "A", description: "A", quantity: 1.111, unit_price: 2 }],
        tax_rate: undefined,
      })
      expect(status).toBe(201)
      expect(json).toMatchObject({ amount: "2.222", status: "sent", invoice_id: 1 })
    }),
  )

  it.effect("missing invoice fields: 400 field errors", () =>
    Effect.gen(function* () {
      const { status, json } = yield* postToSandbox(path, {
        type: "e_commerce",
        currency_code: "KWD",
        pg_codes: ["knet"],
      })
      expect(status).toBe(400)
      expect(json).toEqual({
        invoice_number: ["This field is required."],
        due_date: ["This field is required."],
        invoice_items: ["This field is required."],
      })
    }),
  )
})
