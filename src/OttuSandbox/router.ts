/**
 * The sandbox's HTTP application: every path and the methods it answers, authentication before
 * dispatch, and the protocol answers (401 from authentication, 404 for an unknown path, 405 for
 * a method a path does not have, every `Reply` as JSON).
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpMethod from "@effect/platform/HttpMethod"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import { chargeToken } from "./autoDebit.ts"
import { deleteCard, listCards } from "./cards.ts"
import { acknowledgeCash } from "./cash.ts"
import { createCheckout, retrieveCheckout, updateCheckout } from "./checkout.ts"
import { dispatch } from "./delivery.ts"
import { queryStatus } from "./inquiry.ts"
import { createInvoice } from "./invoice.ts"
import { issueToken } from "./keycloak.ts"
import { applePay, googlePay, walletPayment } from "./nativePayment.ts"
import { resendNotifications, sendChannelNotification, sendNotification } from "./notifications.ts"
import { runOperation } from "./operations.ts"
import { listPaymentMethods } from "./paymentMethods.ts"
import { prePaymentCheck } from "./prePayment.ts"
import { detail, Reply, replyToResponse } from "./reply.ts"
import { downloadReport, listReports, storageFile } from "./reports.ts"
import { authenticate } from "./request.ts"
import { SandboxEnv } from "./state.ts"
import { finalizationStatus, listAccounts, listEntries, operationDetails } from "./wallet.ts"

type Handler = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  Reply,
  | SandboxEnv
  | HttpServerRequest.HttpServerRequest
  | HttpServerRequest.ParsedSearchParams
  | HttpRouter.RouteContext
>

/** One path: authenticates, then dispatches on the method, answering 405 for the others. */
const endpoint = (methods: Partial<Record<HttpMethod.HttpMethod, Handler>>) =>
  Effect.gen(function* () {
    yield* authenticate
    const request = yield* HttpServerRequest.HttpServerRequest
    const handler = methods[request.method]
    if (handler === undefined) {
      return yield* new Reply({
        status: 405,
        body: { detail: `Method "${request.method}" not allowed.` },
        headers: { allow: Object.keys(methods).join(", ") },
      })
    }
    return yield* handler
  })

/** Every path the sandbox serves, with its handler. */
const routes: ReadonlyArray<readonly [HttpRouter.PathInput, Handler]> = [
  ["/b/checkout/v1/pymt-txn/", endpoint({ POST: createCheckout })],
  [
    "/b/checkout/v1/pymt-txn/:session_id/",
    endpoint({ GET: retrieveCheckout, PATCH: updateCheckout("patch"), PUT: updateCheckout("put") }),
  ],
  ["/b/pbl/v2/payment-methods/", endpoint({ POST: listPaymentMethods })],
  ["/b/pbl/v2/operation/", endpoint({ POST: runOperation })],
  ["/b/pbl/v2/inquiry/", endpoint({ POST: queryStatus })],
  ["/b/pbl/v2/card/", endpoint({ POST: listCards })],
  ["/b/pbl/v2/card/:token/", endpoint({ DELETE: deleteCard })],
  ["/b/pbl/v2/auto-debit/", endpoint({ POST: chargeToken })],
  ["/b/pbl/v2/payment/auto-debit/", endpoint({ POST: chargeToken })],
  // Keycloak's token endpoint takes the client's credentials in its form, not a header.
  ["/auth/realms/:realm/protocol/openid-connect/token", issueToken],
  ["/b/invoice/v1/invoice/", endpoint({ POST: createInvoice })],
  ["/b/pbl/v2/message-notification/", endpoint({ POST: resendNotifications })],
  ["/b/pbl/v2/send-notification/", endpoint({ POST: sendNotification })],
  ["/b/pbl/v2/notifications/send/:channel/", endpoint({ POST: sendChannelNotification })],
  ["/b/pbl/v2/payment/cash/", endpoint({ POST: acknowledgeCash })],
  ["/b/pbl/v2/cash-payment/", endpoint({ POST: acknowledgeCash })],
  ["/b/pbl/v2/payment/apple-pay/", endpoint({ POST: applePay })],
  ["/b/pbl/v2/payment/google-pay/", endpoint({ POST: googlePay })],
  ["/b/pbl/v2/payment/wallet/", endpoint({ POST: walletPayment })],
  [
    "/b/checkout/api/sdk/v1/pre-payment-option-check/:session_id/",
    endpoint({ POST: prePaymentCheck }),
  ],
  ["/b/api/v1/reports/files/", endpoint({ GET: listReports })],
  ["/b/api/v1/reports/files/:token/download/", endpoint({ GET: downloadReport })],
  // Pre-signed storage: no Ottu authentication, and a request with an Authorization is refused.
  ["/sandbox/storage/reports/:key/:name", storageFile],
  ["/b/wallet/ottu/v1/accounts/", endpoint({ POST: listAccounts })],
  ["/b/wallet/ottu/v1/entries/", endpoint({ POST: listEntries })],
  ["/b/wallet/ottu/v1/operations/", endpoint({ POST: operationDetails })],
  [
    "/b/checkout/v1/wallet/payment-sessions/:session_id/finalization-status/",
    endpoint({ GET: finalizationStatus }),
  ],
]

const router = routes.reduce(
  (router, [path, handler]) => HttpRouter.all(router, path, handler),
  HttpRouter.empty as HttpRouter.HttpRouter<Reply, SandboxEnv>,
)

/**
 * The whole sandbox as an `HttpApp`; it needs only the instance's `SandboxEnv`. After every
 * request, the webhook events it logged are handed to delivery.
 */
export const app: HttpApp.Default<never, SandboxEnv> = router.pipe(
  Effect.catchTag("RouteNotFound", () => Effect.fail(detail(404, "Not found."))),
  Effect.catchTag("Reply", (reply) => Effect.succeed(replyToResponse(reply))),
  Effect.ensuring(Effect.flatMap(SandboxEnv, (env) => dispatch(env.courier, env.state))),
)
