/**
 * The error module: every error class of the SDK is exported from it, `isOttuError` recognises
 * each of them and nothing else, and the fields the HTTP boundary fills are there.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Schema } from "effect"
import * as CheckoutStore from "../src/CheckoutStore.ts"
import { OttuError, OttuSandbox, Webhook } from "../src/index.ts"

const call = { method: "GET", path: "/b/checkout/v1/pymt-txn/{session_id}/" }
const answer = { ...call, status: 400, body: {} }

/** One instance of every error class the SDK exports. */
const every: ReadonlyArray<OttuError.OttuError> = [
  new OttuError.OttuBadRequestError({ ...answer, errors: {} }),
  new OttuError.OttuUnauthorizedError({ ...answer, status: 401 }),
  new OttuError.OttuForbiddenError({ ...answer, status: 403 }),
  new OttuError.OttuNotFoundError({ ...answer, status: 404 }),
  new OttuError.OttuConflictError({ ...answer, status: 409 }),
  new OttuError.OttuGoneError({ ...answer, status: 410 }),
  new OttuError.OttuUnsupportedMediaTypeError({ ...answer, status: 415 }),
  new OttuError.OttuRateLimitedError({ ...answer, status: 429 }),
  new OttuError.OttuServerError({ ...answer, status: 503 }),
  new OttuError.OttuUnexpectedStatusError({ ...answer, status: 405 }),
  new OttuError.OttuTransportError({ ...call, reason: "connection reset" }),
  new OttuError.OttuTimeoutError({ ...call, timeout: Duration.seconds(1) }),
  new OttuError.OttuDecodeError({ ...call, status: 200, body: "<html>", reason: "not JSON" }),
  new OttuError.OttuInvalidInputError({ ...call, issues: [] }),
  new OttuError.OttuAuthError({
    realm: "merchant.ottu.dev",
    grant_type: "client_credentials",
    status: 401,
    error: "invalid_client",
    reason: "Keycloak answered 401",
  }),
  new OttuError.OttuOperationFailedError({ ...answer, status: 200, result: "failed" }),
  new OttuError.OttuNoSavedTokenError({ customer_id: "c", agreement_id: "a", reason: "none" }),
  new OttuError.OttuNoGatewayError({
    plugin: "e_commerce",
    currency_code: "KWD",
    auto_debit: false,
  }),
  new OttuError.OttuFlowError({
    flow: "checkout",
    step: "checkout",
    cause: new OttuError.OttuInvalidInputError({ ...call, issues: [] }),
  }),
  new OttuError.OttuWebhookSignatureError({ reason: "mismatch" }),
  new OttuError.OttuWebhookDecodeError({ reason: "not an event" }),
  new OttuError.OttuStoreError({ operation: "save", reason: "disk full" }),
  new OttuError.OttuWebhookRefusedError({ session_id: "s", key: "k", reason: "order_no differs" }),
  new OttuError.SandboxControlError({ message: "Not found." }),
]

describe("isOttuError", () => {
  it("recognises every error class exported by OttuError", () => {
    const classes = Object.entries(OttuError).filter(
      ([name, value]) =>
        typeof value === "function" && name.endsWith("Error") && name !== "isOttuError",
    )
    const tags = new Set<string>(every.map((error) => error._tag))
    for (const [name] of classes) expect(tags.has(name), name).toBe(true)
    for (const error of every) expect(OttuError.isOttuError(error), error._tag).toBe(true)
  })

  it("refuses other values, look-alikes included", () => {
    for (const value of [
      undefined,
      null,
      "OttuNotFoundError",
      new Error("boom"),
      { _tag: "OttuNotFoundError" },
      Object.assign(new Error("x"), { _tag: "SomethingElse" }),
    ]) {
      expect(OttuError.isOttuError(value)).toBe(false)
    }
  })

  it("narrows to the union, so the tag can be matched", () => {
    const u: unknown = every[3]
    expect(OttuError.isOttuError(u) ? u._tag : undefined).toBe("OttuNotFoundError")
  })
})

describe("error classes", () => {
  it("the store's error is the one CheckoutStore exports", () => {
    expect(OttuError.OttuStoreError).toBe(CheckoutStore.OttuStoreError)
    expect(OttuError.OttuWebhookRefusedError).toBe(CheckoutStore.OttuWebhookRefusedError)
  })

  it("the sandbox's and the webhook errors are the ones their modules export", () => {
    expect(OttuError.SandboxControlError).toBe(OttuSandbox.SandboxControlError)
    expect(OttuError.OttuWebhookSignatureError).toBe(Webhook.OttuWebhookSignatureError)
    expect(OttuError.OttuWebhookDecodeError).toBe(Webhook.OttuWebhookDecodeError)
  })

  it("OttuServerError carries an optional retryAfter, like OttuRateLimitedError", () => {
    const error = new OttuError.OttuServerError({
      ...answer,
      status: 503,
      retryAfter: Duration.seconds(7),
    })
    expect(error.retryAfter && Duration.toSeconds(error.retryAfter)).toBe(7)
    expect(new OttuError.OttuServerError({ ...answer, status: 500 }).retryAfter).toBeUndefined()
  })

  it("OttuTransportError carries an optional cause", () => {
    const cause = new TypeError("fetch failed")
    const error = new OttuError.OttuTransportError({ ...call, reason: "fetch failed", cause })
    expect(error.cause).toBe(cause)
    expect(new OttuError.OttuTransportError({ ...call, reason: "x" }).cause).toBeUndefined()
  })

  it("an OttuFlowError's cause is any step error, encoded and decoded", () => {
    const flow = new OttuError.OttuFlowError({
      flow: "auto_debit",
      step: "charge",
      session_id: "s-1",
      cause: new OttuError.OttuOperationFailedError({ ...answer, status: 200, result: "failed" }),
    })
    const codec = Schema.typeSchema(OttuError.OttuFlowError)
    expect(Schema.is(codec)(flow)).toBe(true)
    expect(flow.message).toContain("charge")
  })
})
