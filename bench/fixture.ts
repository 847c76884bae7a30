/**
 * The checkout the latency benchmark creates: the endpoint, the caller's input, and the session
 * the stand-in answers with.
 *
 * @module
 */

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
