/**
 * The endpoint table: every Ottu endpoint the SDK calls, with its method, route template, span
 * name, retry class and what automatic persistence saves from its answer. The boundary, the retry
 * policy and tracking read this table; no other module keeps lists of routes.
 *
 * | retry class | meaning |
 * |---|---|
 * | `safe` | a read: sending it twice has the effect of sending it once; retried |
 * | `keyed` | moves money or state, once per `Tracking-Key`: retried only when it carries one |
 * | `never` | Ottu may act on every attempt (or counts them): never re-sent by the SDK |
 *
 * @internal
 */
import type * as HttpMethod from "@effect/platform/HttpMethod"

/** How the SDK may re-send a call after a transient failure. */
export type RetryClass = "safe" | "keyed" | "never"

/**
 * What automatic persistence saves from a successful answer: the checkout session it is, the
 * payment payload it is (saved under its session), or nothing of it but the checkout operated on
 * (read again afterwards).
 */
export type Saves = "checkout" | "payment" | "operation"

/** One endpoint of Ottu's API. */
export interface Endpoint {
  /** The SDK's name of the call, `<Module>.<operation>`; the span is `Ottu.<name>`. */
  readonly name: string
  readonly method: HttpMethod.HttpMethod
  /** The path template (`/b/checkout/v1/pymt-txn/{session_id}/`): spans and errors name it. */
  readonly route: string
  readonly retry: RetryClass
  /** When the path holds a secret (a card token), errors name the route instead of the path. */
  readonly redactPath?: boolean
  readonly saves?: Saves
}

const checkouts = "/b/checkout/v1/pymt-txn/"
const checkout = `${checkouts}{session_id}/`
const cards = "/b/pbl/v2/card/"
const operation = "/b/pbl/v2/operation/"

/** The operations of `/b/pbl/v2/operation/`. */
export type OperationName = "cancel" | "expire" | "delete" | "capture" | "refund" | "void"

/** An operation of `/b/pbl/v2/operation/`: keyed, and the checkout is read again after it. */
const operationOf = (name: OperationName): Endpoint => ({
  name: `Operation.${name}`,
  method: "POST",
  route: operation,
  retry: "keyed",
  saves: "operation",
})

/** Every endpoint the SDK calls. */
export const endpoints = {
  checkoutCreate: {
    name: "Checkout.create",
    method: "POST",
    route: checkouts,
    retry: "never",
    saves: "checkout",
  },
  checkoutRetrieve: {
    name: "Checkout.retrieve",
    method: "GET",
    route: checkout,
    retry: "safe",
    saves: "checkout",
  },
  checkoutUpdate: {
    name: "Checkout.update",
    method: "PATCH",
    route: checkout,
    retry: "never",
    saves: "checkout",
  },
  checkoutReplace: {
    name: "Checkout.replace",
    method: "PUT",
    route: checkout,
    retry: "never",
    saves: "checkout",
  },
  uploadAttachment: {
    name: "Checkout.uploadAttachment",
    method: "POST",
    route: "/b/checkout/v1/upload-attachment/",
    retry: "never",
  },
  paymentMethods: {
    name: "PaymentMethods.list",
    method: "POST",
    route: "/b/pbl/v2/payment-methods/",
    retry: "safe",
  },
  cardsList: { name: "Cards.list", method: "POST", route: cards, retry: "safe" },
  cardsRemove: {
    name: "Cards.remove",
    method: "DELETE",
    route: `${cards}{token}/`,
    retry: "never",
    redactPath: true,
  },
  // Ottu throttles the status query (3 per transaction) and `notify_webhook_url` makes it send a
  // webhook: a re-send spends the budget and can duplicate notifications.
  inquiry: {
    name: "Inquiry.query",
    method: "POST",
    route: "/b/pbl/v2/inquiry/",
    retry: "never",
    saves: "payment",
  },
  autoDebit: {
    name: "AutoDebit.charge",
    method: "POST",
    route: "/b/pbl/v2/auto-debit/",
    retry: "never",
    saves: "payment",
  },
  paymentAutoDebit: {
    name: "AutoDebit.charge",
    method: "POST",
    route: "/b/pbl/v2/payment/auto-debit/",
    retry: "never",
    saves: "payment",
  },
  // An invoice creates a checkout session: never re-sent (each attempt could create one), saved.
  invoiceCreate: {
    name: "Invoice.create",
    method: "POST",
    route: "/b/invoice/v1/invoice/",
    retry: "never",
    saves: "checkout",
  },
  // Notifications are never re-sent: a repeat after a lost answer notifies the customer twice.
  notificationsResend: {
    name: "Notifications.resend",
    method: "POST",
    route: "/b/pbl/v2/message-notification/",
    retry: "never",
  },
  notificationsSend: {
    name: "Notifications.send",
    method: "POST",
    route: "/b/pbl/v2/send-notification/",
    retry: "never",
  },
  notificationsSendOn: {
    name: "Notifications.sendOn",
    method: "POST",
    route: "/b/pbl/v2/notifications/send/{channel}/",
    retry: "never",
  },
  // Cash acknowledgement settles the session (`cod`): never re-sent; its payment payload is saved.
  cashAcknowledge: {
    name: "Cash.acknowledge",
    method: "POST",
    route: "/b/pbl/v2/payment/cash/",
    retry: "never",
    saves: "payment",
  },
  cashAcknowledgeLegacy: {
    name: "Cash.acknowledgeLegacy",
    method: "POST",
    route: "/b/pbl/v2/cash-payment/",
    retry: "never",
    saves: "payment",
  },
  // A native payment charges the payer's wallet on every attempt: never re-sent. Its answer is
  // the payment payload (or, for Google Pay, a 3-D Secure challenge, which tracking skips).
  applePay: {
    name: "NativePayment.applePay",
    method: "POST",
    route: "/b/pbl/v2/payment/apple-pay/",
    retry: "never",
    saves: "payment",
  },
  googlePay: {
    name: "NativePayment.googlePay",
    method: "POST",
    route: "/b/pbl/v2/payment/google-pay/",
    retry: "never",
    saves: "payment",
  },
  walletPayment: {
    name: "NativePayment.wallet",
    method: "POST",
    route: "/b/pbl/v2/payment/wallet/",
    retry: "never",
    saves: "payment",
  },
  // A question to the flex provider (Tabby, Tamara, Taly) about one session: nothing changes.
  prePaymentCheck: {
    name: "PaymentMethods.prePaymentCheck",
    method: "POST",
    route: "/b/checkout/api/sdk/v1/pre-payment-option-check/{session_id}/",
    retry: "safe",
  },
  reportsList: {
    name: "Reports.list",
    method: "GET",
    route: "/b/api/v1/reports/files/",
    retry: "safe",
  },
  // A read, although Ottu counts each download against a budget (25 an hour): a retry after a
  // transient failure spends one more, which is still better than a lost download.
  reportsDownload: {
    name: "Reports.download",
    method: "GET",
    route: "/b/api/v1/reports/files/{token}/download/",
    retry: "safe",
    redactPath: true,
  },
  // The wallet reads are POSTs only to carry their filters in a body: they change nothing, so
  // sending one twice is sending it once.
  walletAccounts: {
    name: "Wallet.accounts",
    method: "POST",
    route: "/b/wallet/ottu/v1/accounts/",
    retry: "safe",
  },
  walletEntries: {
    name: "Wallet.entries",
    method: "POST",
    route: "/b/wallet/ottu/v1/entries/",
    retry: "safe",
  },
  walletOperations: {
    name: "Wallet.operations",
    method: "POST",
    route: "/b/wallet/ottu/v1/operations/",
    retry: "safe",
  },
  walletFinalizationStatus: {
    name: "Wallet.finalizationStatus",
    method: "GET",
    route: "/b/checkout/v1/wallet/payment-sessions/{session_id}/finalization-status/",
    retry: "safe",
  },
  cancel: operationOf("cancel"),
  expire: operationOf("expire"),
  delete: operationOf("delete"),
  capture: operationOf("capture"),
  refund: operationOf("refund"),
  void: operationOf("void"),
} as const satisfies Record<string, Endpoint>

/**
 * The concrete path of `endpoint`: its template with each `{name}` replaced by the percent-encoded
 * value of `params[name]`. The values must have been validated as path segments.
 */
export const pathOf = (endpoint: Endpoint, params?: Readonly<Record<string, string>>): string =>
  params === undefined
    ? endpoint.route
    : endpoint.route.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(params[name] ?? ""),
      )
