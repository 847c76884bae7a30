/**
 * The invoice route (`POST /b/invoice/v1/invoice/`, API reference §11.5): validates the invoice
 * fields and items as Ottu does, computes every total with Ottu's arithmetic (the SDK's own
 * `Invoice/totals.ts`), refuses totals the body gives that differ, and creates the checkout
 * session that collects the invoice (amount = the invoice's `total_incl_tax`), answered 201 as
 * the checkout object plus the invoice. The session is an ordinary one: it can be paid,
 * retrieved and operated on, and its invoice `status` follows it.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import { exceeds, type InvoicePricing, invoiceTotals, sameDecimal } from "../Invoice/totals.ts"
import { isCurrencyCode } from "../internal/currency.ts"
import { renderCheckout } from "./checkout.ts"
import { acceptCheckout, checkoutListFields } from "./checkoutInput.ts"
import { amount, type Check, date, type Fields, invalid, object, text } from "./checks.ts"
import { gatewaysOf } from "./gateways.ts"
import { sessionId } from "./ids.ts"
import { json, Reply } from "./reply.ts"
import { readBody } from "./request.ts"
import { field, fieldErrors, listOf, type Rules, validated } from "./rules.ts"
import { newSession, SandboxEnv, type SandboxState, transact, withSession } from "./state.ts"

/** A rate or percentage: a decimal with at most 2 decimals, at most 100 for a discount. */
const rate =
  (max?: number): Check<string> =>
  (value) =>
    Either.flatMap(amount(value), (raw) =>
      (raw.split(".")[1] ?? "").length > 2
        ? invalid("Ensure that there are no more than 2 decimal places.")
        : max !== undefined && Number(raw) > max
          ? invalid(`Ensure this value is less than or equal to ${max}.`)
          : Either.right(raw),
    )

const itemRules: Rules = {
  sku: field(text(255)),
  description: field(text(255)),
  quantity: field(amount),
  unit_price: field(amount),
  tax_rate: field(rate()),
  discount_amount: field(amount),
  discount_percentage: field(rate(100)),
  tax_amount: field(amount),
  total_excl_tax: field(amount),
  total_incl_tax: field(amount),
}

const invoiceRules: Rules = {
  invoice_number: field(text(255)),
  due_date: field(date),
  invoice_items: listOf(object, { allowEmpty: false }),
  company_name: field(text(64)),
  tax_rate: field(rate()),
  discount_amount: field(amount),
  discount_percentage: field(rate(100)),
  shipping_excl_tax: field(amount),
  shipping_method: field(text()),
  shipping_tax_rate: field(rate()),
  subtotal: field(amount),
  total_excl_tax: field(amount),
  total_incl_tax: field(amount),
  tax_amount: field(amount),
  shipping_incl_tax: field(amount),
}

const invoiceFields = Object.keys(invoiceRules)
const itemChecks = ["tax_amount", "total_excl_tax", "total_incl_tax"] as const
const invoiceChecks = [
  "subtotal",
  "total_excl_tax",
  "tax_amount",
  "shipping_incl_tax",
  "total_incl_tax",
] as const

/** DRF's message when a total given differs from the computed one. */
const mismatch = (computed: string) => [
  `The given value does not match the computed value ${computed}.`,
]

/** DRF's message for both discounts at once. */
const bothDiscounts = ["Both discount_amount and discount_percentage cannot be set simultaneously."]

/**
 * The items as the nested serializer checks them (amounts as their text), or the 400 with their
 * field errors in DRF's list shape (`{}` for a valid item). Both discounts at once are refused.
 */
const validItems = (items: ReadonlyArray<Fields>): Effect.Effect<ReadonlyArray<Fields>, Reply> =>
  Effect.flatMap(
    Effect.forEach(items, (item) =>
      Effect.either(
        validated(
          itemRules,
          item,
          ["sku", "description", "quantity", "unit_price"],
          (errors) => new Reply({ status: 400, body: errors }),
        ).pipe(
          Effect.filterOrFail(
            (valid) =>
              valid.discount_amount === undefined || valid.discount_percentage === undefined,
            () => new Reply({ status: 400, body: { discount_percentage: bothDiscounts } }),
          ),
        ),
      ),
    ),
    (results) =>
      results.every(Either.isRight)
        ? Effect.succeed(results.map((result) => result.right))
        : Effect.fail(
            new Reply({
              status: 400,
              body: {
                invoice_items: results.map((result) =>
                  Either.isLeft(result) ? result.left.body : {},
                ),
              },
            }),
          ),
  )

/** The errors of the totals the body gives, against the computed ones. */
const totalErrors = (
  fields: Fields,
  items: ReadonlyArray<Fields>,
  totals: ReturnType<typeof invoiceTotals>,
) => {
  const errors: Record<string, unknown> = {}
  const perItem = items.map((item, i) => {
    const computed = totals.items[i]
    const out: Record<string, ReadonlyArray<string>> = {}
    if (computed !== undefined && exceeds(computed.discount, computed.quantity_price)) {
      out[item.discount_amount !== undefined ? "discount_amount" : "discount_percentage"] = [
        "The discount cannot exceed the item's total value.",
      ]
    }
    for (const name of itemChecks) {
      const given = item[name]
      if (
        computed !== undefined &&
        typeof given === "string" &&
        !sameDecimal(given, computed[name])
      ) {
        out[name] = mismatch(computed[name])
      }
    }
    return out
  })
  if (perItem.some((item) => Object.keys(item).length > 0)) errors.invoice_items = perItem
  const discounted =
    fields.discount_amount !== undefined || fields.discount_percentage !== undefined
  if (discounted && exceeds(totals.discount, totals.subtotal)) {
    errors[fields.discount_amount !== undefined ? "discount_amount" : "discount_percentage"] = [
      "The discount cannot be higher than the subtotal.",
    ]
  }
  for (const name of invoiceChecks) {
    const given = fields[name]
    if (typeof given === "string" && !sameDecimal(given, totals[name])) {
      errors[name] = mismatch(totals[name])
    }
  }
  if (typeof fields.amount === "string" && !sameDecimal(fields.amount, totals.amount)) {
    errors.amount = mismatch(totals.amount)
  }
  return errors
}

/** The invoice fields the sandbox keeps on the session (echoed by every read of it). */
const invoiceRecord = (
  host: string,
  id: number,
  fields: Fields,
  items: ReadonlyArray<Fields>,
  currency: string,
  totals: ReturnType<typeof invoiceTotals>,
) => ({
  ...Object.fromEntries(
    invoiceFields.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]]),
  ),
  invoice_id: id,
  invoice_items: items.map((item, i) => ({
    id: id * 1000 + i + 1,
    invoice: id,
    ...item,
    currency_code: currency,
    tax_amount: totals.items[i]?.tax_amount,
    total_excl_tax: totals.items[i]?.total_excl_tax,
    total_incl_tax: totals.items[i]?.total_incl_tax,
  })),
  subtotal: totals.subtotal,
  total_excl_tax: totals.total_excl_tax,
  tax_amount: totals.tax_amount,
  shipping_incl_tax: totals.shipping_incl_tax,
  total_incl_tax: totals.total_incl_tax,
  invoice_pdf_url: `https://${host}/b/invoice/v1/invoice/${id}/pdf/`,
})

/** POST: the invoice and its session, in the `created` state. */
export const createInvoice = Effect.gen(function* () {
  const { host } = yield* SandboxEnv
  const body = yield* readBody(checkoutListFields)
  const invoicePart = Object.fromEntries(
    Object.entries(body).filter(([name]) => invoiceFields.includes(name)),
  )
  const fields = yield* validated(
    invoiceRules,
    invoicePart,
    ["invoice_number", "due_date", "invoice_items"],
    fieldErrors,
  )
  const items = yield* validItems(fields.invoice_items as ReadonlyArray<Fields>)
  if (fields.discount_amount !== undefined && fields.discount_percentage !== undefined) {
    return yield* fieldErrors({ discount_percentage: bothDiscounts })
  }
  const currency = typeof body.currency_code === "string" ? body.currency_code : ""
  if (!isCurrencyCode(currency)) {
    return yield* fieldErrors({
      currency_code: [
        body.currency_code === undefined
          ? "This field is required."
          : `"${String(body.currency_code)}" is not a valid choice.`,
      ],
    })
  }
  const given = body.amount === undefined ? Either.right(undefined) : amount(body.amount)
  if (Either.isLeft(given)) return yield* fieldErrors({ amount: given.left })
  const pricing = {
    ...fields,
    invoice_items: items,
    currency_code: currency,
  } as unknown as InvoicePricing
  const totals = invoiceTotals(pricing)
  const errors = totalErrors({ ...fields, amount: given.right }, items, totals)
  if (Object.keys(errors).length > 0) return yield* new Reply({ status: 400, body: errors })
  const checkoutPart = Object.fromEntries(
    Object.entries(body).filter(([name]) => !invoiceFields.includes(name)),
  )
  const checkout = yield* acceptCheckout({}, { ...checkoutPart, amount: totals.amount }, "create")
  const authorizing = gatewaysOf(checkout.pg_codes).filter((g) => g.operation !== "purchase")
  if (authorizing.length > 0) {
    return yield* fieldErrors({
      pg_codes: authorizing.map(
        (g) => `Invoices need a purchase gateway: ${g.code} only authorizes.`,
      ),
    })
  }
  const now = yield* Clock.currentTimeMillis
  const id = sessionId()
  const session = yield* transact((state: SandboxState) => {
    const invoices = Array.from(HashMap.values(state.sessions)).filter(
      (s) => s.checkout.invoice_id !== undefined,
    )
    if (invoices.some((s) => s.checkout.invoice_number === fields.invoice_number)) {
      return Either.left(
        fieldErrors({ invoice_number: ["invoice with this invoice number already exists."] }),
      )
    }
    const created = newSession(
      id,
      {
        ...checkout,
        ...invoiceRecord(host, invoices.length + 1, fields, items, currency, totals),
      },
      now,
    )
    return Either.right([created, withSession(state, created)] as const)
  })
  return json(201, renderCheckout(host, session))
})
