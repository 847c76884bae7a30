/**
 * Invoices (`POST /b/invoice/v1/invoice/`): an itemised invoice created together with the checkout
 * session that collects it. The line items, discounts, taxes, shipping and every total the caller
 * gives are checked against Ottu's arithmetic before anything is sent.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { CheckoutSession, CreateParams } from "./Checkout/schemas.ts"
import { discrepancies, invoiceTotals } from "./Invoice/totals.ts"
import { endpoints } from "./internal/endpoints.ts"
import { execute } from "./internal/http.ts"
import { validate } from "./internal/input.ts"
import { AmountText } from "./internal/payloads.ts"
import {
  Amount,
  CurrencyCode,
  DateString,
  excessDecimals,
  optionalText,
  Rest,
  Text,
} from "./internal/primitives.ts"
import { OttuConfig } from "./OttuConfig.ts"
import type { OttuCallError } from "./OttuError.ts"

/** A rate or a percentage: a decimal string with at most 2 decimals. */
const Rate: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.pattern(/^\d{1,3}(\.\d{1,2})?$/, {
    message: () => 'must be a percentage with at most 2 decimals, such as "5.25"',
  }),
)

/** A discount percentage: a rate of at most 100. */
const Percentage: Schema.filter<Schema.filter<typeof Schema.String>> = Rate.pipe(
  Schema.filter((rate) => Number(rate) <= 100 || "must be at most 100"),
)

/** A quantity: a positive decimal string with at most 3 decimals. */
const Quantity: Schema.filter<Schema.filter<typeof Schema.String>> = Amount.pipe(
  Schema.filter((quantity) => /[1-9]/.test(quantity) || "must be greater than zero"),
)

const RequiredText = (max: number): Schema.filter<Schema.filter<typeof Schema.String>> =>
  Text(max).pipe(Schema.filter((s) => s.trim() !== "" || "may not be blank"))

type ItemFields = {
  readonly sku: Schema.filter<Schema.filter<typeof Schema.String>>
  readonly description: Schema.filter<Schema.filter<typeof Schema.String>>
  readonly quantity: typeof Quantity
  readonly unit_price: typeof Amount
  readonly tax_rate: Schema.optional<typeof Rate>
  readonly discount_amount: Schema.optional<typeof Amount>
  readonly discount_percentage: Schema.optional<typeof Percentage>
  readonly tax_amount: Schema.optional<typeof Amount>
  readonly total_excl_tax: Schema.optional<typeof Amount>
  readonly total_incl_tax: Schema.optional<typeof Amount>
  readonly currency_code: Schema.optional<typeof CurrencyCode>
}

/**
 * One line of an invoice: `sku`, `description`, `quantity` and `unit_price` (excluding tax) are
 * required; `tax_rate`, and either `discount_amount` or `discount_percentage`, are optional.
 * `tax_amount`, `total_excl_tax` and `total_incl_tax` are optional checks: Ottu computes them,
 * and the SDK refuses values that differ from what Ottu would compute. `currency_code` is the
 * invoice's (the SDK sends it; another one is refused).
 *
 * @since 0.1.0
 * @category schemas
 */
export const InvoiceItem: Schema.Struct<ItemFields> = Schema.Struct({
  sku: RequiredText(255),
  description: RequiredText(255),
  quantity: Quantity,
  unit_price: Amount,
  tax_rate: Schema.optional(Rate),
  discount_amount: Schema.optional(Amount),
  discount_percentage: Schema.optional(Percentage),
  tax_amount: Schema.optional(Amount),
  total_excl_tax: Schema.optional(Amount),
  total_incl_tax: Schema.optional(Amount),
  currency_code: Schema.optional(CurrencyCode),
})

/** The checkout fields, `amount` made an optional check. */
type CheckoutFields = Omit<typeof CreateParams.from.fields, "amount">

type InvoiceFields = CheckoutFields & {
  readonly amount: Schema.optional<typeof Amount>
  readonly invoice_number: Schema.filter<Schema.filter<typeof Schema.String>>
  readonly due_date: typeof DateString
  readonly invoice_items: Schema.filter<Schema.Array$<typeof InvoiceItem>>
  readonly company_name: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly tax_rate: Schema.optional<typeof Rate>
  readonly discount_amount: Schema.optional<typeof Amount>
  readonly discount_percentage: Schema.optional<typeof Percentage>
  readonly shipping_excl_tax: Schema.optional<typeof Amount>
  readonly shipping_method: Schema.optional<Schema.filter<typeof Schema.String>>
  readonly shipping_tax_rate: Schema.optional<typeof Rate>
  readonly subtotal: Schema.optional<typeof Amount>
  readonly total_excl_tax: Schema.optional<typeof Amount>
  readonly total_incl_tax: Schema.optional<typeof Amount>
  readonly tax_amount: Schema.optional<typeof Amount>
  readonly shipping_incl_tax: Schema.optional<typeof Amount>
}

const { amount: _amount, ...checkoutFields } = CreateParams.from.fields

const invoiceFields: InvoiceFields = {
  ...checkoutFields,
  amount: Schema.optional(Amount),
  invoice_number: RequiredText(255),
  due_date: DateString,
  invoice_items: Schema.Array(InvoiceItem).pipe(
    Schema.minItems(1, { message: () => "must list at least one item" }),
  ),
  company_name: Schema.optional(Text(64)),
  tax_rate: Schema.optional(Rate),
  discount_amount: Schema.optional(Amount),
  discount_percentage: Schema.optional(Percentage),
  shipping_excl_tax: Schema.optional(Amount),
  shipping_method: Schema.optional(Text(255)),
  shipping_tax_rate: Schema.optional(Rate),
  subtotal: Schema.optional(Amount),
  total_excl_tax: Schema.optional(Amount),
  total_incl_tax: Schema.optional(Amount),
  tax_amount: Schema.optional(Amount),
  shipping_incl_tax: Schema.optional(Amount),
}

/** The money fields of an item and of an invoice, which take the currency's decimals. */
const itemMoney = [
  "unit_price",
  "discount_amount",
  "tax_amount",
  "total_excl_tax",
  "total_incl_tax",
]
const invoiceMoney = [
  "amount",
  "discount_amount",
  "shipping_excl_tax",
  "subtotal",
  "total_excl_tax",
  "total_incl_tax",
  "tax_amount",
  "shipping_incl_tax",
]
/** The optional inputs Ottu wants left out rather than sent as zero. */
const noZero = ["tax_rate", "discount_amount", "discount_percentage"]
const noZeroInvoice = [...noZero, "shipping_excl_tax", "shipping_tax_rate"]

type Fields = Readonly<Record<string, unknown>>

/** The field-level rules of one level (an item or the invoice), as issues under `path`. */
const levelIssues = (
  fields: Fields,
  currency: string,
  money: ReadonlyArray<string>,
  zeroless: ReadonlyArray<string>,
  path: ReadonlyArray<string | number>,
): Array<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  const at = (field: string, message: string) => issues.push({ path: [...path, field], message })
  for (const name of money) {
    const value = fields[name]
    const excess = typeof value === "string" ? excessDecimals(value, currency) : undefined
    if (excess !== undefined) at(name, excess)
  }
  for (const name of zeroless) {
    const value = fields[name]
    if (typeof value === "string" && !/[1-9]/.test(value)) {
      at(name, "leave it out rather than sending zero (Ottu's rule for optional fields)")
    }
  }
  if (fields.discount_amount !== undefined && fields.discount_percentage !== undefined) {
    at("discount_percentage", "give discount_amount or discount_percentage, not both")
  }
  return issues
}

type Invoice = Schema.Struct.Type<InvoiceFields>

/** Every rule that spans fields: decimals, zeros, discounts, item currencies, then the totals. */
const invoiceIssues = (invoice: Invoice): Array<Schema.FilterIssue> => {
  const currency = invoice.currency_code
  const issues = [
    ...levelIssues(invoice, currency, invoiceMoney, noZeroInvoice, []),
    ...invoice.invoice_items.flatMap((item, i) => [
      ...levelIssues(item, currency, itemMoney, noZero, ["invoice_items", i]),
      ...(item.currency_code === undefined || item.currency_code === currency
        ? []
        : [
            {
              path: ["invoice_items", i, "currency_code"],
              message: `must be the invoice's currency_code (${currency}) or left out`,
            },
          ]),
    ]),
  ]
  if (issues.length > 0) return issues
  return discrepancies(invoice, invoiceTotals(invoice)).map(([field, message]) => ({
    path: field.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    message,
  }))
}

/**
 * The fields of an invoice: every checkout field (API reference §5.1) plus `invoice_number`,
 * `due_date` (`YYYY-MM-DD`) and `invoice_items` (required), `company_name`, `tax_rate`, one of
 * `discount_amount` and `discount_percentage`, `shipping_excl_tax`, `shipping_method` and
 * `shipping_tax_rate`. `amount`, `subtotal`, `total_excl_tax`, `tax_amount`,
 * `shipping_incl_tax` and `total_incl_tax` are optional checks.
 *
 * Checked before sending: money fields are decimal strings with the currency's decimals, rates
 * and percentages have at most 2 decimals, optional inputs are not zero (Ottu asks for them to
 * be left out), a discount is an amount or a percentage but not both and does not exceed what it
 * is taken from, and every total given equals what Ottu computes (API reference §11.5: per item
 * `quantity × unit_price − discount + tax`, then the subtotal, the invoice discount and tax, and
 * shipping with its tax, each step rounded half up) — decimal arithmetic on the strings, never
 * floats. A wrong total is refused naming its field (`invoice_items.1.total_incl_tax`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateInvoiceParams: Schema.filter<Schema.Struct<InvoiceFields>> = Schema.Struct(
  invoiceFields,
).pipe(Schema.filter(invoiceIssues))

/**
 * The input of {@link create}.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateInvoiceInput = typeof CreateInvoiceParams.Encoded

const optionalAmount: Schema.optional<Schema.NullOr<typeof AmountText>> = Schema.optional(
  Schema.NullOr(AmountText),
)

type ItemAnswerFields = {
  readonly id: Schema.optional<Schema.NullOr<typeof Schema.Number>>
  readonly sku: typeof optionalText
  readonly description: typeof optionalText
  readonly quantity: typeof optionalAmount
  readonly unit_price: typeof optionalAmount
  readonly tax_rate: typeof optionalAmount
  readonly tax_amount: typeof optionalAmount
  readonly discount_amount: typeof optionalAmount
  readonly discount_percentage: typeof optionalAmount
  readonly total_excl_tax: typeof optionalAmount
  readonly total_incl_tax: typeof optionalAmount
  readonly currency_code: typeof optionalText
}

/**
 * A line of an invoice as Ottu answers it: the amounts it computed, as strings (a number Ottu
 * sends is read as its text). Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InvoiceItemAnswer: Schema.TypeLiteral<ItemAnswerFields, readonly [typeof Rest]> =
  Schema.Struct(
    {
      id: Schema.optional(Schema.NullOr(Schema.Number)),
      sku: optionalText,
      description: optionalText,
      quantity: optionalAmount,
      unit_price: optionalAmount,
      tax_rate: optionalAmount,
      tax_amount: optionalAmount,
      discount_amount: optionalAmount,
      discount_percentage: optionalAmount,
      total_excl_tax: optionalAmount,
      total_incl_tax: optionalAmount,
      currency_code: optionalText,
    },
    Rest,
  )

type InvoiceAnswerFields = typeof CheckoutSession.fields & {
  readonly invoice_id: typeof Schema.Number
  readonly invoice_number: typeof Schema.String
  readonly status: Schema.Literal<["sent", "paid", "overdue", "canceled"]>
  readonly due_date: typeof optionalText
  readonly invoice_items: Schema.optional<Schema.Array$<typeof InvoiceItemAnswer>>
  readonly invoice_pdf_url: typeof optionalText
  readonly company_name: typeof optionalText
  readonly shipping_method: typeof optionalText
  readonly tax_rate: typeof optionalAmount
  readonly discount_amount: typeof optionalAmount
  readonly discount_percentage: typeof optionalAmount
  readonly shipping_excl_tax: typeof optionalAmount
  readonly shipping_tax_rate: typeof optionalAmount
  readonly shipping_incl_tax: typeof optionalAmount
  readonly subtotal: typeof optionalAmount
  readonly total_excl_tax: typeof optionalAmount
  readonly tax_amount: typeof optionalAmount
  readonly total_incl_tax: typeof optionalAmount
}

/**
 * Ottu's answer to an invoice (the spec's `InvoicePOSTResponse`): the checkout session that
 * collects it — every field of `Checkout.CheckoutSession`, so it can be paid, retrieved and
 * operated on like any session — plus the invoice: `invoice_id`, `invoice_number`, `status`
 * (`sent`, `paid`, `overdue`, `canceled`), the items and totals Ottu computed, and
 * `invoice_pdf_url`. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InvoiceSession: Schema.TypeLiteral<InvoiceAnswerFields, readonly [typeof Rest]> =
  Schema.Struct(
    {
      ...CheckoutSession.fields,
      invoice_id: Schema.Number,
      invoice_number: Schema.String,
      status: Schema.Literal("sent", "paid", "overdue", "canceled"),
      due_date: optionalText,
      invoice_items: Schema.optional(Schema.Array(InvoiceItemAnswer)),
      invoice_pdf_url: optionalText,
      company_name: optionalText,
      shipping_method: optionalText,
      tax_rate: optionalAmount,
      discount_amount: optionalAmount,
      discount_percentage: optionalAmount,
      shipping_excl_tax: optionalAmount,
      shipping_tax_rate: optionalAmount,
      shipping_incl_tax: optionalAmount,
      subtotal: optionalAmount,
      total_excl_tax: optionalAmount,
      tax_amount: optionalAmount,
      total_incl_tax: optionalAmount,
    },
    Rest,
  )

/**
 * @since 0.1.0
 * @category models
 */
export type InvoiceSession = typeof InvoiceSession.Type

const path = endpoints.invoiceCreate.route
const where = { method: "POST", path } as const

/**
 * Creates an invoice and the checkout session that collects it (`POST /b/invoice/v1/invoice/`,
 * 201). `customer_id` and `webhook_url` default to the configured ones. Each item is sent with
 * the invoice's `currency_code` (Ottu overrides an item's currency with the invoice's).
 *
 * **Details**: the input is refused with an `OttuInvalidInputError` naming the field, and nothing
 * is sent, when a total given differs from Ottu's arithmetic (see {@link CreateInvoiceParams}).
 * The session answered can be paid, retrieved (`Checkout.retrieve`) and operated on like any
 * checkout session; automatic persistence (`CheckoutStore.tracking`) saves it.
 *
 * **Gotchas**: invoices are immutable (there is no update: create a new one), need a purchase
 * gateway (authorize gateways are refused by Ottu), and the call is never retried: each attempt
 * could create an invoice.
 *
 * @example
 * ```ts
 * import { Invoice } from "effect-ottu"
 *
 * const invoice = Invoice.create({
 *   type: "payment_request",
 *   currency_code: "KWD",
 *   pg_codes: ["knet"],
 *   invoice_number: "INV-1001",
 *   due_date: "2026-12-31",
 *   tax_rate: "5",
 *   invoice_items: [
 *     { sku: "A-1", description: "Widget", quantity: "3", unit_price: "1.250" },
 *     { sku: "B-2", description: "Gadget", quantity: "1", unit_price: "10.000", discount_percentage: "10" },
 *   ],
 *   total_incl_tax: "13.388",
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  params: CreateInvoiceInput,
): Effect.Effect<InvoiceSession, OttuCallError, OttuConfig | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* OttuConfig
    const customer_id = params.customer_id ?? config.customerId
    const webhook_url = params.webhook_url ?? config.webhookUrl
    const invoice = yield* validate(
      CreateInvoiceParams,
      {
        ...params,
        ...(customer_id === undefined ? {} : { customer_id }),
        ...(webhook_url === undefined ? {} : { webhook_url }),
      },
      where,
    )
    return yield* execute({
      endpoint: endpoints.invoiceCreate,
      path,
      attributes: { "ottu.invoice_number": invoice.invoice_number },
      body: {
        _tag: "Json",
        value: {
          ...invoice,
          invoice_items: invoice.invoice_items.map((item) => ({
            ...item,
            currency_code: invoice.currency_code,
          })),
        },
      },
      success: InvoiceSession,
    })
  })
