/**
 * Invoicing: create an itemised invoice (the SDK checks its totals against Ottu's arithmetic
 * before sending), send its payment link by SMS and e-mail, show what the sandbox logged as
 * sent, and have the customer pay it.
 *
 * Runs on the embedded sandbox (notifications are logged, the payment is simulated) unless
 * `OTTU_MERCHANT_ID` and `OTTU_API_KEY` are set; then the notifications really go out (the
 * templates `payment-link-sms` and `payment-link-email` must exist on your instance) and it waits
 * for you to pay.
 *
 *   deno run -A examples/invoice.ts
 *   bun examples/invoice.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Checkout, Invoice, Notifications, OttuSandbox } from "../src/index.ts"
import { customerPays, OttuLive, run } from "./ottu.ts"

const program = Effect.gen(function* () {
  const invoice = yield* Invoice.create({
    type: "payment_request",
    currency_code: "KWD",
    pg_codes: ["knet"],
    invoice_number: `INV-${Date.now()}`,
    due_date: "2026-12-31",
    customer_email: "ali@example.kw",
    customer_phone: "+96599999999",
    tax_rate: "5",
    shipping_excl_tax: "1.500",
    invoice_items: [
      { sku: "W-1", description: "Widget", quantity: "3", unit_price: "1.250" },
      {
        sku: "G-2",
        description: "Gadget",
        quantity: "1",
        unit_price: "10.000",
        discount_percentage: "10",
      },
    ],
    // Optional: the SDK refuses the invoice, sending nothing, when a total differs from Ottu's.
    total_incl_tax: "14.888",
  })
  yield* Console.log(
    `invoice   ${invoice.invoice_number} (#${invoice.invoice_id}): ${invoice.amount} KWD, ${invoice.status}`,
  )
  yield* Console.log(`          subtotal ${invoice.subtotal}, tax ${invoice.tax_amount}`)

  const link = invoice.checkout_url ?? ""
  const context = { invoice_number: invoice.invoice_number, payment_link: link }
  yield* Notifications.sendOn("sms", {
    template_id: "payment-link-sms",
    to: "+96599999999",
    context,
  })
  yield* Notifications.send({
    channel: "email",
    template_id: "payment-link-email",
    to: "ali@example.kw",
    subject: `Invoice ${invoice.invoice_number}`,
    context,
  })

  const sandbox = yield* Effect.serviceOption(OttuSandbox.OttuSandbox)
  if (Option.isSome(sandbox)) {
    for (const sent of yield* sandbox.value.notifications) {
      yield* Console.log(`notified  ${sent.channel} to ${sent.to} (${sent.kind})`)
    }
  }

  yield* customerPays(invoice)
  const paid = yield* Checkout.retrieve(invoice.session_id)
  yield* Console.log(`paid      state ${paid.state}, invoice ${String(paid.status)}`)
})

run(program.pipe(Effect.provide(OttuLive)))
