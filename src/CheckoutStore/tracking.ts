/**
 * Automatic persistence: an `HttpClient` decorator that saves every checkout the SDK creates,
 * reads, changes, operates on or charges, and gives new checkouts a default `webhook_url`. It
 * sits under the SDK (which sends every call through the context's `HttpClient`), so no module
 * and no caller changes.
 *
 * | call | request | what is saved |
 * |---|---|---|
 * | checkout create, replace | `POST …/pymt-txn/`, `PUT …/pymt-txn/{id}/` | the answer; `webhook_url` added to the body when absent |
 * | checkout retrieve, update | `GET`, `PATCH …/pymt-txn/{id}/` | the answer |
 * | auto-debit charge, payment status query | `POST /b/pbl/v2/auto-debit/`, `…/payment/auto-debit/`, `…/inquiry/` | the payment payload |
 * | operations | `POST /b/pbl/v2/operation/` | the checkout, read again (ottu-py's refresh): an operation's answer does not carry the checkout's new state |
 *
 * @internal
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AutoDebit from "../AutoDebit.ts"
import * as Checkout from "../Checkout.ts"
import * as Operation from "../Operation.ts"
import { OttuNoSavedTokenError } from "../OttuError.ts"
import type { Service } from "./model.ts"

const checkoutCollection = /\/b\/checkout\/v1\/pymt-txn\/$/
const checkoutItem = /\/b\/checkout\/v1\/pymt-txn\/([^/]+)\/$/
const payment = /\/b\/pbl\/v2\/(?:auto-debit|payment\/auto-debit|inquiry)\/$/
const operation = /\/b\/pbl\/v2\/operation\/$/

/** What a tracked call answers with. */
type Route = "checkout" | "payment" | "operation"

const pathOf = (request: HttpClientRequest.HttpClientRequest): string | undefined =>
  URL.canParse(request.url) ? new URL(request.url).pathname : undefined

const routeOf = (request: HttpClientRequest.HttpClientRequest): Route | undefined => {
  const path = pathOf(request)
  if (path === undefined) return undefined
  const method = request.method
  if (method === "POST" && checkoutCollection.test(path)) return "checkout"
  if (["GET", "PATCH", "PUT"].includes(method) && checkoutItem.test(path)) return "checkout"
  if (method === "POST" && payment.test(path)) return "payment"
  if (method === "POST" && operation.test(path)) return "operation"
  return undefined
}

/** Checkout creates and full replacements: the calls that set `webhook_url`. */
const setsWebhookUrl = (request: HttpClientRequest.HttpClientRequest): boolean => {
  const path = pathOf(request) ?? ""
  return (
    (request.method === "POST" && checkoutCollection.test(path)) ||
    (request.method === "PUT" && checkoutItem.test(path))
  )
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The JSON object a request sends, if it sends one. */
const jsonBody = (
  request: HttpClientRequest.HttpClientRequest,
): Record<string, unknown> | undefined => {
  const body = request.body
  if (body._tag !== "Uint8Array" || !body.contentType.startsWith("application/json"))
    return undefined
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body.body))
    return isRecord(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** The request with `webhook_url` added to its JSON or multipart body, when it has none. */
const withWebhookUrl =
  (url: string) =>
  (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
    if (!setsWebhookUrl(request)) return request
    const body = request.body
    if (body._tag === "FormData") {
      if (body.formData.has("webhook_url")) return request
      const form = new FormData()
      for (const [name, value] of body.formData) form.append(name, value)
      form.append("webhook_url", url)
      return HttpClientRequest.setBody(request, HttpBody.formData(form))
    }
    const json = jsonBody(request)
    if (json === undefined || json.webhook_url !== undefined) return request
    return HttpClientRequest.setBody(
      request,
      HttpBody.text(JSON.stringify({ ...json, webhook_url: url }), "application/json"),
    )
  }

const decodeCheckout = Schema.decodeUnknown(Checkout.CheckoutSession)
const decodePayment = Schema.decodeUnknown(AutoDebit.Payment)
const decodeOperation = Schema.decodeUnknown(Operation.OperationResult)

/** A text field of the request body. */
const bodyText = (body: Record<string, unknown> | undefined, field: string): string | undefined => {
  const value = body?.[field]
  return typeof value === "string" && value !== "" ? value : undefined
}

/**
 * The session a payment or an operation was about: named by the answer or the request, or found
 * by the order number the request named.
 */
const sessionOf = (
  store: Service,
  named: string | null | undefined,
  body: Record<string, unknown> | undefined,
) => {
  const sessionId = named ?? bodyText(body, "session_id")
  if (sessionId !== undefined) return Effect.succeed(Option.some(sessionId))
  const orderNo = bodyText(body, "order_no")
  if (orderNo === undefined) return Effect.succeed(Option.none<string>())
  return Effect.map(
    store.findByOrderNo(orderNo),
    Option.map((checkout) => checkout.session_id),
  )
}

/** The headers of an operation that a re-read sends too: its credentials and identity. */
const carriedHeaders = ["accept", "authorization", "user-agent"]

/** Reads the checkout again through the undecorated client, with the operation's credentials. */
const reread = (
  client: HttpClient.HttpClient,
  store: Service,
  request: HttpClientRequest.HttpClientRequest,
  sessionId: string,
) =>
  Effect.gen(function* () {
    const url = request.url.replace(
      operation,
      `/b/checkout/v1/pymt-txn/${encodeURIComponent(sessionId)}/`,
    )
    const response = yield* client.execute(
      HttpClientRequest.get(url, {
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(([name]) => carriedHeaders.includes(name)),
        ),
      }),
    )
    if (response.status < 200 || response.status >= 300) {
      // A hard-deleted checkout is gone (404): the store keeps what it last knew.
      return yield* Effect.logDebug(`the checkout could not be read again (${response.status})`)
    }
    yield* store.save(yield* Effect.flatMap(response.json, decodeCheckout))
  })

/** Saves what a successful tracked call answered. */
const save = (
  client: HttpClient.HttpClient,
  store: Service,
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse,
  route: Route,
) =>
  Effect.gen(function* () {
    const answer = yield* response.json
    const body = jsonBody(request)
    switch (route) {
      case "checkout":
        return yield* store.save(yield* decodeCheckout(answer))
      case "payment": {
        const paid = yield* decodePayment(answer)
        const sessionId = yield* sessionOf(store, paid.session_id, body)
        if (Option.isSome(sessionId)) yield* store.save({ ...paid, session_id: sessionId.value })
        return
      }
      case "operation": {
        const result = yield* decodeOperation(answer)
        const named = "session_id" in result ? result.session_id : undefined
        const sessionId = yield* sessionOf(
          store,
          typeof named === "string" ? named : undefined,
          body,
        )
        if (Option.isSome(sessionId)) yield* reread(client, store, request, sessionId.value)
        return
      }
    }
  })

/**
 * The client, decorated: `webhookUrl` (when some) goes into checkout creates and replacements
 * that have none, and every successful tracked call is saved to `store`. Saving never changes
 * the call's outcome: Ottu already acted, so a failure to save is logged as an error (the next
 * call or webhook about that checkout saves it again).
 */
export const decorate = (
  client: HttpClient.HttpClient,
  store: Service,
  webhookUrl: Option.Option<string>,
): HttpClient.HttpClient =>
  client.pipe(
    Option.match(webhookUrl, {
      onNone: () => (self: HttpClient.HttpClient) => self,
      onSome: (url) => HttpClient.mapRequest(withWebhookUrl(url)),
    }),
    HttpClient.transform((sent, request) => {
      const route = routeOf(request)
      if (route === undefined) return sent
      return Effect.tap(sent, (response) =>
        response.status < 200 || response.status >= 300
          ? Effect.void
          : save(client, store, request, response, route).pipe(
              Effect.catchAllCause((cause) =>
                Effect.logError("CheckoutStore: an Ottu answer was not saved", cause),
              ),
              Effect.withSpan("CheckoutStore.track", { attributes: { "ottu.route": route } }),
            ),
      )
    }),
  )

/**
 * `AutoDebit.TokenSource` on the store: the token of the card most recently saved for the
 * customer under the agreement. A store failure is an `OttuNoSavedTokenError` saying so.
 */
export const tokenSource = (store: Service): Context.Tag.Service<typeof AutoDebit.TokenSource> => ({
  latest: ({ customer_id, agreement_id }) =>
    store.latestToken({ customer_id, agreement_id }).pipe(
      Effect.map(Option.map((saved) => saved.token)),
      Effect.mapError(
        (error) =>
          new OttuNoSavedTokenError({
            customer_id,
            agreement_id,
            reason: `the checkout store failed: ${error.reason}`,
          }),
      ),
    ),
})
