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
import { createCheckout, retrieveCheckout, updateCheckout } from "./checkout.ts"
import { dispatch } from "./delivery.ts"
import { queryStatus } from "./inquiry.ts"
import { issueToken } from "./keycloak.ts"
import { runOperation } from "./operations.ts"
import { listPaymentMethods } from "./paymentMethods.ts"
import { detail, Reply, replyToResponse } from "./reply.ts"
import { authenticate } from "./request.ts"
import { SandboxEnv } from "./state.ts"

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

const router = HttpRouter.empty.pipe(
  HttpRouter.all("/b/checkout/v1/pymt-txn/", endpoint({ POST: createCheckout })),
  HttpRouter.all(
    "/b/checkout/v1/pymt-txn/:session_id/",
    endpoint({ GET: retrieveCheckout, PATCH: updateCheckout("patch"), PUT: updateCheckout("put") }),
  ),
  HttpRouter.all("/b/pbl/v2/payment-methods/", endpoint({ POST: listPaymentMethods })),
  HttpRouter.all("/b/pbl/v2/operation/", endpoint({ POST: runOperation })),
  HttpRouter.all("/b/pbl/v2/inquiry/", endpoint({ POST: queryStatus })),
  HttpRouter.all("/b/pbl/v2/card/", endpoint({ POST: listCards })),
  HttpRouter.all("/b/pbl/v2/card/:token/", endpoint({ DELETE: deleteCard })),
  HttpRouter.all("/b/pbl/v2/auto-debit/", endpoint({ POST: chargeToken })),
  HttpRouter.all("/b/pbl/v2/payment/auto-debit/", endpoint({ POST: chargeToken })),
  // Keycloak's token endpoint takes the client's credentials in its form, not a header.
  HttpRouter.all("/auth/realms/:realm/protocol/openid-connect/token", issueToken),
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
