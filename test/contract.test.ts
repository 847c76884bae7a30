import { HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { type ContractRequest, validateRequest } from "./support/contract.ts"
import {
  ContractViolation,
  contractLayer,
  makeRecorder,
  withContract,
} from "./support/recording.ts"

const base = "https://sandbox.ottu.net"
const checkoutPath = "/b/checkout/v1/pymt-txn/"
const auth = { Authorization: "Api-Key k" }
const validCheckout = {
  type: "e_commerce",
  amount: "10.000",
  currency_code: "KWD",
  pg_codes: ["knet"],
}

const createCheckout = (
  json: unknown,
  overrides: Partial<ContractRequest> = {},
): ContractRequest => ({
  method: "POST",
  url: `${base}${checkoutPath}`,
  headers: auth,
  body: { contentType: "application/json", json },
  ...overrides,
})

const { amount: _amount, ...withoutAmount } = validCheckout

const validate = (req: ContractRequest) => Effect.promise(() => validateRequest(req))

/** Extracts the ContractViolation a failed exit died with, if any. */
const violationOf = <A, E>(exit: Exit.Exit<A, E>) =>
  Exit.isFailure(exit)
    ? Option.filter(Cause.dieOption(exit.cause), (d) => d instanceof ContractViolation)
    : Option.none()

describe("validateRequest", () => {
  it.effect("accepts a valid JSON checkout create", () =>
    Effect.gen(function* () {
      expect(yield* validate(createCheckout(validCheckout))).toEqual([])
    }),
  )

  const invalid: ReadonlyArray<readonly [string, ContractRequest, string]> = [
    ["missing amount", createCheckout(withoutAmount), "required property 'amount'"],
    [
      "amount as a number",
      createCheckout({ ...validCheckout, amount: 10 }),
      "/amount must be string",
    ],
    [
      "pg_codes as a string",
      createCheckout({ ...validCheckout, pg_codes: "knet" }),
      "/pg_codes must be array",
    ],
    [
      "unknown checkout type",
      createCheckout({ ...validCheckout, type: "subscription" }),
      "/type must be equal to one of the allowed values",
    ],
    [
      "missing Authorization",
      createCheckout(validCheckout, { headers: {} }),
      "header parameter Authorization: missing",
    ],
    [
      "path without trailing slash",
      createCheckout(validCheckout, { url: `${base}/b/checkout/v1/pymt-txn` }),
      "missing trailing slash",
    ],
    [
      "unknown path",
      createCheckout(validCheckout, { url: `${base}/b/checkout/v1/nope/` }),
      "is not declared in the spec",
    ],
    [
      "text/plain body",
      createCheckout(validCheckout, { body: { contentType: "text/plain" } }),
      "content type text/plain is not declared",
    ],
    [
      "session_id breaking its pattern",
      { method: "GET", url: `${base}${checkoutPath}ab%20c/`, headers: auth },
      "path parameter session_id: must match pattern",
    ],
    [
      "method the path does not declare",
      { method: "DELETE", url: `${base}${checkoutPath}`, headers: auth },
      "method DELETE is not declared",
    ],
    [
      "body on an operation without one",
      {
        method: "GET",
        url: `${base}${checkoutPath}abc123/`,
        headers: auth,
        body: { contentType: "application/json", json: {} },
      },
      "declares no request body",
    ],
  ]

  it.effect.each(invalid)("reports %s", ([, req, expected]) =>
    Effect.gen(function* () {
      const violations = yield* validate(req)
      expect(violations.some((violation) => violation.includes(expected))).toBe(true)
    }),
  )

  it.effect("accepts a multipart create with repeated pg_codes and a file part", () =>
    Effect.gen(function* () {
      const violations = yield* validate({
        method: "POST",
        url: checkoutPath,
        headers: { authorization: "Api-Key k" },
        body: {
          contentType: "multipart/form-data; boundary=x",
          form: [
            ["type", "e_commerce"],
            ["amount", "10.000"],
            ["currency_code", "KWD"],
            ["pg_codes", "knet"],
            ["pg_codes", "mpgs"],
            ["attachment", { file: true, name: "invoice.pdf" }],
          ],
        },
      })
      expect(violations).toEqual([])
    }),
  )

  it.effect("coerces url-encoded fields by their declared types", () =>
    Effect.gen(function* () {
      const request = (fields: string): ContractRequest => ({
        method: "POST",
        url: "/b/pbl/v2/payment-methods/",
        headers: {},
        body: {
          contentType: "application/x-www-form-urlencoded",
          form: [...new URLSearchParams(fields)],
        },
      })
      expect(yield* validate(request("plugin=e_commerce&tokenizable=true&currencies=KWD"))).toEqual(
        [],
      )
      expect(yield* validate(request("plugin=e_commerce&tokenizable=yes"))).toEqual([
        "body: /tokenizable must be boolean",
      ])
    }),
  )

  it.effect("accepts a payment-methods query", () =>
    Effect.gen(function* () {
      const violations = yield* validate({
        method: "POST",
        url: `${base}/b/pbl/v2/payment-methods/`,
        headers: auth,
        body: { contentType: "application/json", json: { plugin: "e_commerce", type: "sandbox" } },
      })
      expect(violations).toEqual([])
    }),
  )

  it.effect("accepts a card deletion and checks its query parameters", () =>
    Effect.gen(function* () {
      const url = `${base}/b/pbl/v2/card/tok123/`
      const request = (query: string): ContractRequest => ({
        method: "DELETE",
        url: `${url}${query}`,
        headers: auth,
      })
      expect(yield* validate(request("?customer_id=c&type=sandbox"))).toEqual([])
      expect(yield* validate(request("?customer_id=c"))).toEqual([
        "query parameter type: missing (required)",
      ])
      expect(yield* validate(request("?customer_id=c&type=sandbox&extra=1"))).toEqual([
        "query parameter extra: not declared",
      ])
    }),
  )
})

describe("makeRecorder", () => {
  it.effect("records the request and answers with the canned reply", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder((req) => ({
        status: 201,
        json: { session_id: "s1", echo: req.path },
      }))
      const response = yield* HttpClientRequest.post(`${base}${checkoutPath}`).pipe(
        HttpClientRequest.setHeaders(auth),
        HttpClientRequest.bodyJson(validCheckout),
        Effect.flatMap(recorder.client.execute),
      )
      expect(response.status).toBe(201)
      expect(yield* response.json).toEqual({ session_id: "s1", echo: checkoutPath })
      const [recorded, ...rest] = yield* recorder.requests
      expect(rest).toEqual([])
      expect(recorded?.method).toBe("POST")
      expect(recorded?.path).toBe(checkoutPath)
      expect(recorded?.headers.authorization).toBe("Api-Key k")
      expect(recorded?.contentType).toBe("application/json")
      expect(recorded?.json).toEqual(validCheckout)
    }),
  )

  it.effect("validates FormData bodies without consuming them", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => Effect.succeed({ status: 200, json: {} }))
      const form = new FormData()
      form.append("session_id", "abc123")
      form.append("file", new Blob(["%PDF"], { type: "application/pdf" }), "invoice.pdf")
      yield* HttpClient.post(`${base}/b/checkout/v1/upload-attachment/`, {
        headers: auth,
        body: HttpBody.formData(form),
      }).pipe(Effect.provide(recorder.layer))
      const [recorded] = yield* recorder.requests
      expect(recorded?.form?.get("session_id")).toBe("abc123")
      expect(recorded?.form?.get("file")).toBeInstanceOf(Blob)
    }),
  )

  it.effect("dies with ContractViolation on a request that breaks the spec", () =>
    Effect.gen(function* () {
      const recorder = yield* makeRecorder(() => ({ status: 400, json: { amount: ["required"] } }))
      const exit = yield* HttpClientRequest.post(`${base}${checkoutPath}`).pipe(
        HttpClientRequest.bodyJson(withoutAmount),
        Effect.flatMap(recorder.client.execute),
        Effect.exit,
      )
      const violation = violationOf(exit)
      expect(Option.isSome(violation)).toBe(true)
      const message = Option.getOrThrow(violation).message
      expect(message).toContain(`POST ${checkoutPath}`)
      expect(message).toContain("Authorization: missing")
      expect(message).toContain("required property 'amount'")
    }),
  )
})

describe("withContract", () => {
  const upstream = HttpClient.make((request) =>
    Effect.succeed(HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))),
  )

  it.effect("forwards conforming requests to the wrapped client", () =>
    Effect.gen(function* () {
      const client = withContract(upstream)
      const response = yield* client.post(`${base}/b/pbl/v2/operation/`, {
        headers: auth,
        body: HttpBody.unsafeJson({ operation: "refund", session_id: "abc123" }),
      })
      expect(response.status).toBe(200)
    }),
  )

  it.effect("contractLayer dies on a request that breaks the spec", () =>
    Effect.gen(function* () {
      const exit = yield* HttpClient.post(`${base}/b/pbl/v2/operation/`, {
        headers: auth,
        urlParams: { verbose: "1" },
      }).pipe(
        Effect.provide(contractLayer(Layer.succeed(HttpClient.HttpClient, upstream))),
        Effect.exit,
      )
      const violation = Option.getOrThrow(violationOf(exit))
      expect(violation.violations).toEqual([
        "query parameter verbose: not declared",
        "body: missing (required)",
      ])
    }),
  )
})
