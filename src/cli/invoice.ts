/**
 * `ottu invoice create`: an itemised invoice and the checkout session that collects it
 * (`Invoice.create`). Each `--item sku:description:quantity:unit_price` is a line; the SDK checks
 * the invoice (and refuses it, sending nothing) before Ottu sees it.
 *
 * @module
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Invoice from "../Invoice.ts"
import * as Connection from "./connection.ts"
import { checkoutType, currencyCode, given, optionalText, pgCodes } from "./options.ts"
import { emit, fields, json } from "./output.ts"

/** An invoice line as given on the command line. */
type Item = Invoice.CreateInvoiceInput["invoice_items"][number]

/**
 * `sku:description:quantity:unit_price`; the description may itself hold colons (the first field
 * is the SKU, the last two the quantity and the unit price).
 */
const itemOf = (text: string): Item => {
  const parts = text.split(":")
  if (parts.length < 4) {
    throw new Error(`--item ${text}: expected sku:description:quantity:unit_price`)
  }
  return {
    sku: parts[0] ?? "",
    description: parts.slice(1, -2).join(":"),
    quantity: parts.at(-2) ?? "",
    unit_price: parts.at(-1) ?? "",
  }
}

const items = Options.text("item").pipe(
  Options.withDescription("a line: sku:description:quantity:unit_price (repeat for each line)"),
  Options.atLeast(1),
  Options.mapTryCatch(
    (given) => given.map(itemOf),
    (error) => HelpDoc.p(error instanceof Error ? error.message : String(error)),
  ),
)

/** An invoice in a few lines. */
const invoiceText = (invoice: Invoice.InvoiceSession): string =>
  fields([
    ["invoice_number", invoice.invoice_number],
    ["invoice_id", invoice.invoice_id],
    ["status", invoice.status],
    ["due_date", invoice.due_date],
    ["items", invoice.invoice_items?.length],
    ["total", `${invoice.amount} ${invoice.currency_code}`],
    ["session_id", invoice.session_id],
    ["state", invoice.state],
    ["checkout_url", invoice.checkout_url],
  ])

const create = Command.make(
  "create",
  {
    connection: Connection.flags,
    currency: currencyCode,
    pgCodes: pgCodes("gateway codes (purchase gateways), comma-separated"),
    invoiceNumber: Options.text("invoice-number").pipe(
      Options.withDescription("your invoice number"),
    ),
    dueDate: Options.text("due-date").pipe(Options.withDescription("YYYY-MM-DD")),
    items,
    type: checkoutType("payment_request"),
    customerId: optionalText("customer-id", "the customer (OTTU_CUSTOMER_ID)"),
    customerEmail: optionalText("customer-email", "where Ottu can e-mail the invoice"),
    customerPhone: optionalText("customer-phone", "where Ottu can text the invoice"),
    json,
  },
  (input) =>
    Invoice.create({
      type: input.type,
      currency_code: input.currency,
      pg_codes: input.pgCodes,
      invoice_number: input.invoiceNumber,
      due_date: input.dueDate,
      invoice_items: input.items,
      ...given("customer_id", input.customerId),
      ...given("customer_email", input.customerEmail),
      ...given("customer_phone", input.customerPhone),
    }).pipe(
      Effect.flatMap((invoice) => emit(input.json, invoice, invoiceText)),
      Effect.provide(Connection.layer(input.connection)),
    ),
).pipe(Command.withDescription("create an invoice and the checkout session that collects it"))

/** `ottu invoice …`. */
export const invoice = Command.make("invoice").pipe(
  Command.withDescription("itemised invoices"),
  Command.withSubcommands([create]),
)
