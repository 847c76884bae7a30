/**
 * The checkout the latency benchmark creates: the endpoint, the headers and the caller's input,
 * and the session the stand-in answers with; the same purchase for the Stripe peer.
 *
 * @module
 */
import { version } from "../src/internal/version.ts"

/** The benchmark's API key (the stand-in accepts anything). */
export const apiKey = "sk_bench_Zm9vYmFyYmF6"

/** The headers the SDK sends with a JSON body. */
export const headers = {
  accept: "application/json",
  authorization: `Api-Key ${apiKey}`,
  "content-type": "application/json",
  "user-agent": `effect-ottu/${version}`,
}

/** The endpoint of checkout create. */
export const checkoutPath = "/b/checkout/v1/pymt-txn/"

/** A typical checkout create: the required fields, a customer, URLs and an order number. */
export const params = {
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["knet", "credit-card"],
  customer_id: "cust-1",
  customer_phone: "+96550000000",
  customer_email: "buyer@example.com",
  customer_first_name: "Ali",
  customer_last_name: "Salem",
  order_no: "bench-0001",
  language: "en",
  redirect_url: "https://shop.example.com/ottu/return",
  webhook_url: "https://shop.example.com/ottu/webhook",
  extra: { cart: "c-42" },
} as const

const host = "bench.ottu.test"
const sessionId = "5a3b1f0c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b"
const checkoutUrl = `https://${host}/b/checkout/redirect/start/?session_id=${sessionId}`

/** Ottu's answer to {@link params}: the echoed fields, the state, URLs and gateways (~2 kB). */
export const session = {
  ...params,
  session_id: sessionId,
  state: "created",
  operation: "purchase",
  payment_type: "one_off",
  checkout_url: checkoutUrl,
  checkout_short_url: null,
  expiration_time: "1 00:00:00",
  due_datetime: "27/11/2026 10:00:00",
  vendor_name: null,
  attachment: null,
  initiator_id: null,
  billing_address: null,
  payment_methods: params.pg_codes.map((code) => ({
    code,
    name: code === "knet" ? "KNET" : "Credit Card",
    type: params.type,
    amount: params.amount,
    currency_code: params.currency_code,
    fee: "0.000",
    fee_description: "",
    icon: `https://${host}/static/gateways/${code}.svg`,
    icons: {
      svg: `https://${host}/static/gateways/${code}.svg`,
      webp: `https://${host}/static/gateways/${code}.webp`,
    },
    flow: "redirect",
    redirect_url: `${checkoutUrl}&pg_code=${code}`,
  })),
}

/** The endpoint of Stripe's checkout session create, as stripe-node calls it. */
export const stripeCheckoutPath = "/v1/checkout/sessions"

/** The same purchase as {@link params}, as a Stripe checkout session create. */
export const stripeParams = {
  mode: "payment" as const,
  line_items: [
    {
      price_data: {
        currency: "kwd",
        product_data: { name: "Order bench-0001" },
        unit_amount: 20230,
      },
      quantity: 1,
    },
  ],
  customer_email: params.customer_email,
  client_reference_id: params.order_no,
  locale: "en",
  success_url: params.redirect_url,
  cancel_url: params.redirect_url,
  metadata: { cart: "c-42" },
}

const stripeSessionId = "cs_test_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6"

/** Stripe's answer to {@link stripeParams}: a checkout session as its API returns it (~2 kB). */
export const stripeSession = {
  id: stripeSessionId,
  object: "checkout.session",
  adaptive_pricing: { enabled: false },
  after_expiration: null,
  allow_promotion_codes: null,
  amount_subtotal: 20230,
  amount_total: 20230,
  automatic_tax: { enabled: false, liability: null, provider: null, status: null },
  billing_address_collection: null,
  cancel_url: stripeParams.cancel_url,
  client_reference_id: stripeParams.client_reference_id,
  client_secret: null,
  collected_information: null,
  consent: null,
  consent_collection: null,
  created: 1795770000,
  currency: "kwd",
  currency_conversion: null,
  custom_fields: [],
  custom_text: {
    after_submit: null,
    shipping_address: null,
    submit: null,
    terms_of_service_acceptance: null,
  },
  customer: null,
  customer_creation: "if_required",
  customer_details: {
    address: null,
    email: stripeParams.customer_email,
    name: null,
    phone: null,
    tax_exempt: "none",
    tax_ids: null,
  },
  customer_email: stripeParams.customer_email,
  discounts: [],
  expires_at: 1795856400,
  invoice: null,
  invoice_creation: {
    enabled: false,
    invoice_data: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: null,
      metadata: {},
      rendering_options: null,
    },
  },
  livemode: false,
  locale: "en",
  metadata: stripeParams.metadata,
  mode: "payment",
  origin_context: null,
  payment_intent: null,
  payment_link: null,
  payment_method_collection: "if_required",
  payment_method_configuration_details: { id: "pmc_1Q2w3E4r5T6y7U8i", parent: null },
  payment_method_options: { card: { request_three_d_secure: "automatic" } },
  payment_method_types: ["card", "link"],
  payment_status: "unpaid",
  permissions: null,
  phone_number_collection: { enabled: false },
  recovered_from: null,
  saved_payment_method_options: null,
  setup_intent: null,
  shipping_address_collection: null,
  shipping_cost: null,
  shipping_options: [],
  status: "open",
  submit_type: null,
  subscription: null,
  success_url: stripeParams.success_url,
  total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
  ui_mode: "hosted",
  url: `https://checkout.stripe.com/c/pay/${stripeSessionId}#fidkdWxOYHwnPyd1blpxYHZxWjA0`,
  wallet_options: null,
}
