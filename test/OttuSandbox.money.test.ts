/**
 * The sandbox's money movement: simulated payments (the control API), operations, the payment
 * status query and its throttling (driven by TestClock), saved cards and auto-debit, through web
 * requests answered by a fresh sandbox per test. Success and failure bodies are also checked
 * against the response schemas of the official spec.
 */
import { readFileSync } from "node:fs"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { dereference } from "@readme/openapi-parser"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Effect, Option, TestClock } from "effect"
import { parse } from "yaml"
import * as OttuSandbox from "../src/OttuSandbox.ts"

// biome-ignore lint/suspicious/noExplicitAny: assertions read the JSON bodies freely
type Json = Record<string, any>

// ---------------------------------------------------------------------------------------------
// Response shapes from the official spec
// ---------------------------------------------------------------------------------------------

type Schema = Record<string, unknown>

const schemas = (async () => {
  const raw: unknown = parse(
    readFileSync(new URL("./contract/Ottu_API.yaml", import.meta.url), "utf8"),
  )
  const document = (await dereference(raw as never)) as {
    readonly components: { readonly schemas: Record<string, Schema> }
  }
  return document.components.schemas
})()

/**
 * The two places where the sandbox knowingly departs from `SchemaWebhook`: it sends the five
 * amounts as decimal strings (as Ottu's own examples do; the schema says numbers), and it leaves
 * `customer_address_country` out when the session has no billing address.
 */
const asTheSandboxSendsIt = (name: string, schema: Schema): Schema => {
  if (name !== "SchemaWebhook") return schema
  const properties = { ...(schema.properties as Record<string, Schema>) }
  for (const amount of ["settled_amount", "remaining_amount", "refunded_amount", "voided_amount"]) {
    properties[amount] = { type: "string" }
  }
  return {
    ...schema,
    properties,
    required: (schema.required as Array<string>).filter((n) => n !== "customer_address_country"),
  }
}

// Formats are not checked: `timestamp_utc` follows Ottu's examples (`2023-11-02 09:00:07`).
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })

/** The schema errors of `value` against the spec's component `name` (none when it conforms). */
const violations = (name: string, value: unknown) =>
  Effect.promise(async () => {
    const schema = (await schemas)[name]
    if (schema === undefined) throw new Error(`no schema ${name}`)
    const validate = ajv.compile(asTheSandboxSendsIt(name, schema))
    return validate(value) ? [] : (validate.errors ?? [])
  })

const expectShape = (name: string, value: unknown) =>
  Effect.map(violations(name, value), (errors) => expect(errors).toEqual([]))

// ---------------------------------------------------------------------------------------------
// Requests against a fresh sandbox per test
// ---------------------------------------------------------------------------------------------

const base = "https://merchant.ottu.test"
const checkoutPath = "/b/checkout/v1/pymt-txn/"
const operationPath = "/b/pbl/v2/operation/"
const inquiryPath = "/b/pbl/v2/inquiry/"
const cardsPath = "/b/pbl/v2/card/"
const autoDebitPath = "/b/pbl/v2/auto-debit/"

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  // biome-ignore lint/suspicious/noExplicitAny: assertions read the JSON bodies freely
  readonly body: any
}

/** Sends a request with an API key and reads the answer (a JSON body, or none). */
const send = (
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const request = HttpClientRequest.make(method)(`${base}${path}`).pipe(
      HttpClientRequest.setHeaders({ authorization: "Api-Key test", ...headers }),
    )
    const response = yield* client.execute(
      body === undefined ? request : HttpClientRequest.bodyUnsafeJson(request, body),
    )
    const text = yield* response.text
    const answer: Answer = {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text),
    }
    return answer
  }).pipe(Effect.orDie)

const post = (path: string, body: unknown, headers?: Record<string, string>) =>
  send("POST", path, body, headers)

const operate = (body: Json, trackingKey?: string) =>
  post(operationPath, body, trackingKey === undefined ? {} : { "tracking-key": trackingKey })

const purchase = {
  type: "e_commerce",
  amount: "10",
  currency_code: "KWD",
  pg_codes: ["credit-card"],
  customer_id: "cust-1",
}
const authorize = { ...purchase, pg_codes: ["mpgs-authorize"] }

/** Creates a session and answers its id. */
const create = (fields: Json = purchase) =>
  Effect.map(post(checkoutPath, fields), (answer) => {
    expect(answer.status).toBe(201)
    return answer.body.session_id as string
  })

/** Creates a session and pays it. */
const createPaid = (fields: Json = purchase, options: OttuSandbox.PayOptions = {}) =>
  Effect.tap(create(fields), (id) => OttuSandbox.pay(id, options))

/** The snapshot of a session that must exist. */
const snapshot = (id: string) =>
  Effect.map(OttuSandbox.session(id), (found) => Option.getOrThrow(found))

const run = <A, E>(
  effect: Effect.Effect<A, E, HttpClient.HttpClient | OttuSandbox.OttuSandbox>,
  options?: OttuSandbox.SandboxOptions,
) => Effect.provide(effect, OttuSandbox.layerWithControl(options))

const tenMinutes = "10 minutes"

// ---------------------------------------------------------------------------------------------
// pay
// ---------------------------------------------------------------------------------------------

describe("OttuSandbox.pay", () => {
  it.effect("pays a purchase session and authorizes an authorize one", () =>
    run(
      Effect.gen(function* () {
        const bought = yield* create()
        const payload = yield* OttuSandbox.pay(bought)
        expect(payload).toMatchObject({
          session_id: bought,
          state: "paid",
          result: "success",
          amount: "10.000",
          paid_amount: "10.000",
          settled_amount: "10.000",
          remaining_amount: "0.000",
          gateway_account: "credit-card",
          gateway_name: "mpgs",
          customer_id: "cust-1",
          signature: "",
        })
        expect(payload.reference_number).toMatch(/^sandbox[A-Z0-9]{6}$/)
        yield* expectShape("SchemaWebhook", payload)
        const retrieved = yield* send("GET", `${checkoutPath}${bought}/`)
        expect(retrieved.body).toMatchObject({ state: "paid", settled_pg_code: "credit-card" })

        const reserved = yield* create(authorize)
        expect(yield* OttuSandbox.pay(reserved)).toMatchObject({
          state: "authorized",
          paid_amount: "0.000",
          settled_amount: "10.000",
          remaining_amount: "10.000",
          pg_params: { result: "APPROVED" },
        })
        expect((yield* snapshot(reserved)).amounts).toEqual({
          amount: "10.000",
          settled: "10.000",
          paid: "0.000",
          captured: "0.000",
          refunded: "0.000",
          voided: "0.000",
          remaining: "10.000",
          refundable: "0.000",
        })
      }),
    ),
  )

  it.effect("pays through the chosen gateway, which sets the session's operation", () =>
    run(
      Effect.gen(function* () {
        const id = yield* create({ ...purchase, pg_codes: ["credit-card", "mpgs-authorize"] })
        yield* OttuSandbox.pay(id, { pg_code: "mpgs-authorize" })
        const retrieved = yield* send("GET", `${checkoutPath}${id}/`)
        expect(retrieved.body).toMatchObject({
          state: "authorized",
          operation: "authorize",
          settled_pg_code: "mpgs-authorize",
        })
      }),
    ),
  )

  it.effect.each([
    ["failed", true, "attempted"],
    ["canceled", true, "attempted"],
    ["error", true, "pending"],
    ["cod", true, "cod"],
    ["failed", false, "failed"],
    ["canceled", false, "expired"],
    ["error", false, "failed"],
  ] as const)(
    "an attempt that ends %s (multiple attempts: %s) leaves the session %s",
    ([outcome, multiple_attempts, state]) =>
      run(
        Effect.gen(function* () {
          const id = yield* create()
          const payload = yield* OttuSandbox.pay(id, { outcome, multiple_attempts })
          expect(payload).toMatchObject({ state, result: outcome, paid_amount: "0.000" })
          expect((yield* snapshot(id)).state).toBe(state)
        }),
      ),
  )

  it.effect("an open session takes attempts until one succeeds", () =>
    run(
      Effect.gen(function* () {
        const id = yield* create()
        yield* OttuSandbox.pay(id, { outcome: "failed" })
        yield* OttuSandbox.pay(id, { outcome: "canceled" })
        expect((yield* OttuSandbox.pay(id)).state).toBe("paid")
        expect((yield* snapshot(id)).attempts.map((a) => a.outcome)).toEqual([
          "failed",
          "canceled",
          "success",
        ])
      }),
    ),
  )

  it.effect("a failed or expired session takes a late success only", () =>
    run(
      Effect.gen(function* () {
        const id = yield* create()
        yield* OttuSandbox.pay(id, { outcome: "failed", multiple_attempts: false })
        const retry = yield* Effect.flip(OttuSandbox.pay(id, { outcome: "failed" }))
        expect(retry.message).toBe("The session is failed: it takes no failed attempt.")
        expect((yield* OttuSandbox.pay(id)).state).toBe("paid")
      }),
    ),
  )

  it.effect("refuses what no customer could do", () =>
    run(
      Effect.gen(function* () {
        const refusal = (id: string, options: OttuSandbox.PayOptions = {}) =>
          Effect.map(Effect.flip(OttuSandbox.pay(id, options)), (error) => {
            expect(error._tag).toBe("SandboxControlError")
            return error.message
          })
        expect(yield* refusal("nope")).toBe("The sandbox has no session nope.")
        const knet = yield* create({ ...purchase, pg_codes: ["knet"] })
        expect(yield* refusal(knet, { pg_code: "credit-card" })).toBe(
          "credit-card is not one of the session's pg_codes (knet).",
        )
        expect(yield* refusal(knet, { save_card: true })).toBe(
          "knet does not tokenize cards: it cannot save one.",
        )
        const anonymous = yield* create({ ...purchase, customer_id: undefined })
        expect(yield* refusal(anonymous, { save_card: true })).toBe(
          "The session has no customer_id: cards are saved per customer.",
        )
        yield* OttuSandbox.pay(knet)
        expect(yield* refusal(knet)).toBe("The session is paid: it takes no success attempt.")
      }),
    ),
  )

  it.effect("logs a payment event for every attempt but a gateway error", () =>
    run(
      Effect.gen(function* () {
        const hook = "https://merchant.example/hooks/ottu"
        const id = yield* create({ ...purchase, webhook_url: hook })
        yield* OttuSandbox.pay(id, { outcome: "error" })
        yield* OttuSandbox.pay(id, { outcome: "failed" })
        const paid = yield* OttuSandbox.pay(id)
        const events = yield* OttuSandbox.events
        expect(events.map((e) => [e.kind, e.session_id, e.webhook_url, e.payload.result])).toEqual([
          ["payment", id, hook, "failed"],
          ["payment", id, hook, "success"],
        ])
        expect(events[1]?.payload).toEqual(paid)
        const silent = yield* create()
        yield* OttuSandbox.pay(silent)
        expect((yield* OttuSandbox.events).at(-1)?.webhook_url).toBeNull()
      }),
    ),
  )
})

// ---------------------------------------------------------------------------------------------
// saved cards
// ---------------------------------------------------------------------------------------------

const listCards = (body: Json) => post(cardsPath, { type: "sandbox", ...body })

const autoDebitCheckout = (agreement: string, fields: Json = {}) => ({
  ...purchase,
  payment_type: "auto_debit",
  agreement: { id: agreement, type: "recurring" },
  ...fields,
})

describe("OttuSandbox saved cards", () => {
  it.effect("save_card stores a card per customer and gateway, listed newest first", () =>
    run(
      Effect.gen(function* () {
        const named = { customer_first_name: "Sara", customer_last_name: "Ali" }
        const first = yield* OttuSandbox.pay(yield* create({ ...purchase, ...named }), {
          save_card: true,
        })
        const second = yield* OttuSandbox.pay(
          yield* create({ ...purchase, pg_codes: ["ottu_sandbox"] }),
          { save_card: true },
        )
        yield* OttuSandbox.pay(yield* create({ ...purchase, customer_id: "cust-2" }), {
          save_card: true,
        })
        yield* OttuSandbox.pay(yield* create()) // no save_card: nothing saved
        const tokens = [second.token?.token, first.token?.token]
        const listed = yield* listCards({ customer_id: "cust-1" })
        expect(listed.status).toBe(200)
        expect(listed.body.map((card: Json) => card.token)).toEqual(tokens)
        expect(listed.body[1]).toEqual(first.token)
        expect(listed.body[1]).toMatchObject({
          brand: "VISA",
          customer_id: "cust-1",
          cvv_required: false,
          is_expired: false,
          is_preferred: false,
          name_on_card: "Sara Ali",
          pg_code: "credit-card",
          pg_name: "mpgs",
          agreements: [],
        })
        expect(listed.body[1].token).toMatch(/^[1-9]\d{15}$/)
        expect(listed.body[1].number).toBe(`**** ${listed.body[1].token.slice(-4)}`)
        expect(listed.body[1].expiry_year).toBe("73") // TestClock starts in 1970: valid 3 years
        for (const card of listed.body) yield* expectShape("Card", card)

        const onGateway = yield* listCards({ customer_id: "cust-1", pg_codes: ["credit-card"] })
        expect(onGateway.body.map((card: Json) => card.token)).toEqual([first.token?.token])
        expect((yield* listCards({ customer_id: "cust-1", type: "production" })).body).toEqual([])
        expect((yield* listCards({ customer_id: "nobody" })).body).toEqual([])
      }),
    ),
  )

  it.effect("a card saved on an authorize gateway needs its CVV again", () =>
    run(
      Effect.gen(function* () {
        const paid = yield* OttuSandbox.pay(yield* create(authorize), { save_card: true })
        expect(paid.token).toMatchObject({ pg_code: "mpgs-authorize", cvv_required: true })
      }),
    ),
  )

  it.effect("a save_card checkout saves the card without charging", () =>
    run(
      Effect.gen(function* () {
        const id = yield* create({ ...purchase, amount: "0", payment_type: "save_card" })
        const payload = yield* OttuSandbox.pay(id)
        expect(payload).toMatchObject({ state: "paid", paid_amount: "0.000", result: "success" })
        expect(payload.token?.customer_id).toBe("cust-1")
      }),
    ),
  )

  it.effect("an agreement is bound to the newest card; agreement_id lists that card only", () =>
    run(
      Effect.gen(function* () {
        const older = yield* OttuSandbox.pay(yield* create(autoDebitCheckout("A1")))
        const newer = yield* OttuSandbox.pay(yield* create(autoDebitCheckout("A1")))
        const other = yield* OttuSandbox.pay(yield* create(autoDebitCheckout("B2")))
        expect(newer.token?.agreements).toEqual(["A1"])
        const listed = yield* listCards({ customer_id: "cust-1" })
        expect(listed.body.map((card: Json) => [card.token, card.agreements])).toEqual([
          [other.token?.token, ["B2"]],
          [newer.token?.token, ["A1"]],
          [older.token?.token, []],
        ])
        const bound = yield* listCards({ customer_id: "cust-1", agreement_id: "A1" })
        expect(bound.body.map((card: Json) => card.token)).toEqual([newer.token?.token])
      }),
    ),
  )

  it.effect("deletes a card (204), refuses a card bound to an agreement, 404 otherwise", () =>
    run(
      Effect.gen(function* () {
        const free = (yield* OttuSandbox.pay(yield* create(), { save_card: true })).token?.token
        const bound = (yield* OttuSandbox.pay(yield* create(autoDebitCheckout("A1")))).token?.token
        const remove = (token: string | undefined, query: string) =>
          send("DELETE", `${cardsPath}${token}/?${query}`)

        expect(yield* remove(free, "customer_id=cust-2&type=sandbox")).toMatchObject({
          status: 404,
          body: { detail: "Not found." },
        })
        expect((yield* remove(free, "customer_id=cust-1&type=production")).status).toBe(404)
        const deleted = yield* remove(free, "customer_id=cust-1&type=sandbox")
        expect(deleted).toMatchObject({ status: 204, body: undefined })
        expect((yield* remove(free, "customer_id=cust-1&type=sandbox")).status).toBe(404)

        const locked = yield* remove(bound, "customer_id=cust-1&type=sandbox")
        expect(locked.status).toBe(400)
        expect(locked.body.detail).toBe(
          "The card is bound to the auto-debit agreement A1 and cannot be deleted until another card replaces it.",
        )
        yield* expectShape("GenericErrorMessage", locked.body)
        const listed = yield* listCards({ customer_id: "cust-1" })
        expect(listed.body.map((card: Json) => card.token)).toEqual([bound])

        expect(yield* remove(bound, "type=sandbox")).toMatchObject({
          status: 400,
          body: { customer_id: ["This field is required."] },
        })
        expect(yield* remove(bound, "customer_id=cust-1&type=live")).toMatchObject({
          status: 400,
          body: { type: ['"live" is not a valid choice.'] },
        })
      }),
    ),
  )

  it.effect("validates the list body like DRF", () =>
    run(
      Effect.gen(function* () {
        expect(yield* post(cardsPath, {})).toMatchObject({
          status: 400,
          body: { customer_id: ["This field is required."], type: ["This field is required."] },
        })
        expect(yield* listCards({ customer_id: "c", pg_codes: "credit-card" })).toMatchObject({
          status: 400,
          body: { pg_codes: ['Expected a list of items but got type "str".'] },
        })
        expect((yield* send("GET", cardsPath)).status).toBe(405)
      }),
    ),
  )
})

// ---------------------------------------------------------------------------------------------
// operations
// ---------------------------------------------------------------------------------------------

describe("OttuSandbox operations", () => {
  it.effect("partial capture, capture of the rest, then a partial refund", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid(authorize)
        const first = yield* operate({ operation: "capture", session_id: id, amount: "4" })
        expect(first.status).toBe(200)
        expect(first.body).toMatchObject({
          amount: "4.000",
          session_id: id,
          order_no: "",
          operation: "capture",
          pg_code: "mpgs-authorize",
          source: "input",
          success: true,
          result: "success",
          is_sandbox: true,
          signature: "",
          txn: { amount: "4.000", currency_code: "KWD", state: "paid" },
        })
        expect(first.body.txn.session_id).toMatch(/^[0-9a-f]{40}$/)
        expect(first.body.txn.session_id).not.toBe(id)
        yield* expectShape("PaymentOperationResponses", first.body)
        expect((yield* snapshot(id)).state).toBe("authorized")

        const rest = yield* operate({ operation: "capture", session_id: id })
        expect(rest.body).toMatchObject({ amount: "6.000", txn: { state: "paid" } })
        const refund = yield* operate({ operation: "refund", session_id: id, amount: "2.5" })
        expect(refund.body).toMatchObject({
          amount: "2.500",
          operation: "refund",
          txn: { state: "refunded" },
        })
        const after = yield* snapshot(id)
        expect(after.state).toBe("authorized")
        expect(after.amounts).toMatchObject({
          captured: "10.000",
          paid: "10.000",
          refunded: "2.500",
          refundable: "7.500",
          remaining: "0.000",
        })
        expect(after.transactions.map((t) => [t.operation, t.amount, t.state])).toEqual([
          ["capture", "4.000", "paid"],
          ["capture", "6.000", "paid"],
          ["refund", "2.500", "refunded"],
        ])
        const more = yield* operate({ operation: "capture", session_id: id, amount: "0.001" })
        expect(more.body.detail).toBe("Amount exceeds balance: 0.000 KWD can be captured.")
      }),
    ),
  )

  it.effect("refuses a refund above what remains and moves nothing", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid()
        expect((yield* operate({ operation: "refund", session_id: id, amount: "6" })).status).toBe(
          200,
        )
        const above = yield* operate({ operation: "refund", session_id: id, amount: "4.001" })
        expect(above).toMatchObject({
          status: 400,
          body: {
            detail: "Amount exceeds balance: 4.000 KWD can be refunded.",
            operation: "refund",
            result: "failed",
          },
        })
        yield* expectShape("OperationFailure", above.body)
        expect((yield* snapshot(id)).amounts.refunded).toBe("6.000")

        const rest = yield* operate({ operation: "refund", session_id: id })
        expect(rest.body.amount).toBe("4.000")
        const done = yield* snapshot(id)
        expect(done.state).toBe("refunded")
        expect(done.amounts).toMatchObject({ refunded: "10.000", refundable: "0.000" })
        const again = yield* operate({ operation: "refund", session_id: id, amount: "1" })
        expect(again.body.detail).toBe("Cannot refund a payment transaction in the refunded state.")
      }),
    ),
  )

  it.effect("void reverses a whole authorization, but not after a capture", () =>
    run(
      Effect.gen(function* () {
        const captured = yield* createPaid(authorize)
        yield* operate({ operation: "capture", session_id: captured, amount: "1" })
        const late = yield* operate({ operation: "void", session_id: captured })
        expect(late).toMatchObject({
          status: 400,
          body: {
            detail: "Cannot void a payment transaction that has been captured; refund it instead.",
            operation: "void",
            result: "failed",
          },
        })

        const voided = yield* createPaid(authorize)
        const refundFirst = yield* operate({ operation: "refund", session_id: voided })
        expect(refundFirst.body.detail).toBe(
          "Cannot refund an authorized payment transaction before it is captured.",
        )
        const reversal = yield* operate({ operation: "void", session_id: voided, amount: "1" })
        expect(reversal.body).toMatchObject({
          amount: "10.000",
          operation: "void",
          txn: { amount: "10.000", state: "voided" },
        })
        expect((yield* snapshot(voided)).amounts).toMatchObject({
          voided: "10.000",
          remaining: "0.000",
          paid: "0.000",
        })
        expect((yield* operate({ operation: "capture", session_id: voided })).body.detail).toBe(
          "The authorization was voided: nothing can be captured.",
        )
        expect((yield* operate({ operation: "void", session_id: voided })).body.detail).toBe(
          "The authorization has already been voided.",
        )
      }),
    ),
  )

  it.effect.each([
    ["capture", "paid", "Cannot capture a payment transaction in the paid state."],
    ["void", "paid", "Cannot void a payment transaction in the paid state."],
    ["cancel", "paid", "Cannot cancel a payment transaction in the paid state."],
    ["expire", "authorized", "Cannot expire a payment transaction in the authorized state."],
    ["refund", "created", "Cannot refund a payment transaction in the created state."],
    ["capture", "attempted", "Cannot capture a payment transaction in the attempted state."],
  ] as const)("%s in the %s state is an OperationFailure", ([operation, state, message]) =>
    run(
      Effect.gen(function* () {
        const id = yield* create(state === "authorized" ? authorize : purchase)
        if (state !== "created") {
          yield* OttuSandbox.pay(id, { outcome: state === "attempted" ? "failed" : "success" })
        }
        const refused = yield* operate({ operation, session_id: id })
        expect(refused).toMatchObject({
          status: 400,
          body: { detail: message, operation, result: "failed" },
        })
        expect((yield* snapshot(id)).state).toBe(state)
      }),
    ),
  )

  it.effect.each([
    ["cancel", "created", "canceled"],
    ["cancel", "pending", "canceled"],
    ["cancel", "attempted", "canceled"],
    ["cancel", "cod", "canceled"],
    ["expire", "created", "expired"],
    ["expire", "pending", "expired"],
    ["expire", "attempted", "expired"],
  ] as const)("%s moves a %s session to %s", ([operation, from, to]) =>
    run(
      Effect.gen(function* () {
        const id = yield* create()
        const outcomes = { pending: "error", attempted: "failed", cod: "cod" } as const
        if (from !== "created") yield* OttuSandbox.pay(id, { outcome: outcomes[from] })
        const answer = yield* operate({ operation, session_id: id })
        expect(answer).toMatchObject({
          status: 200,
          body: { detail: `The payment transaction has been ${to}.`, operation, result: "success" },
        })
        yield* expectShape("PaymentOperationResponses", answer.body)
        expect((yield* snapshot(id)).state).toBe(to)
        expect((yield* operate({ operation: "cancel", session_id: id })).status).toBe(400)
      }),
    ),
  )

  it.effect("delete is hard before payment, soft after, and refused on a refunded one", () =>
    run(
      Effect.gen(function* () {
        const open = yield* create()
        const deleted = yield* operate({ operation: "delete", session_id: open })
        expect(deleted.body).toEqual({
          detail: "The payment transaction has been deleted.",
          operation: "delete",
          result: "success",
        })
        expect(yield* OttuSandbox.session(open)).toEqual(Option.none())
        expect((yield* send("GET", `${checkoutPath}${open}/`)).status).toBe(404)

        const canceled = yield* create()
        yield* operate({ operation: "cancel", session_id: canceled })
        yield* operate({ operation: "delete", session_id: canceled })
        expect(Option.isNone(yield* OttuSandbox.session(canceled))).toBe(true)

        const paid = yield* createPaid()
        yield* operate({ operation: "delete", session_id: paid })
        expect(yield* snapshot(paid)).toMatchObject({ state: "paid", deleted: true })
        expect((yield* send("GET", `${checkoutPath}${paid}/`)).status).toBe(200)

        const refunded = yield* createPaid()
        yield* operate({ operation: "refund", session_id: refunded })
        expect((yield* operate({ operation: "delete", session_id: refunded })).body.detail).toBe(
          "Cannot delete a payment transaction in the refunded state.",
        )
      }),
    ),
  )

  it.effect("finds the transaction by order_no, and every identifier given must match", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid({ ...purchase, order_no: "ORD-1" })
        const byOrder = yield* operate({ operation: "refund", order_no: "ORD-1", amount: "1" })
        expect(byOrder.body).toMatchObject({ session_id: id, order_no: "ORD-1", amount: "1.000" })
        const other = yield* create({ ...purchase, order_no: "ORD-2" })
        expect(
          yield* operate({ operation: "refund", session_id: other, order_no: "ORD-1" }),
        ).toMatchObject({ status: 404, body: { detail: "Not found." } })
        expect((yield* operate({ operation: "refund", order_no: "ORD-9" })).status).toBe(404)
        expect((yield* operate({ operation: "refund", session_id: "0".repeat(40) })).status).toBe(
          404,
        )
        expect(yield* operate({ operation: "refund" })).toMatchObject({
          status: 400,
          body: { non_field_errors: ["Either `session_id` or `order_no` must be provided."] },
        })
        yield* create({ ...purchase, order_no: "ORD-2" })
        expect(yield* operate({ operation: "cancel", order_no: "ORD-2" })).toMatchObject({
          status: 400,
          body: {
            detail: "More than one payment transaction has order_no ORD-2; name it by session_id.",
            operation: "cancel",
            result: "failed",
          },
        })
        expect((yield* operate({ operation: "cancel", session_id: other })).status).toBe(200)
      }),
    ),
  )

  it.effect("a replayed Tracking-Key answers the first result and moves money once", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid()
        const refund = { operation: "refund", session_id: id, amount: "3" }
        const first = yield* operate(refund, "refund-1")
        const replays = yield* Effect.all(
          Array.from({ length: 5 }, () => operate({ ...refund, amount: "3.000" }, "refund-1")),
          { concurrency: "unbounded" },
        )
        for (const replay of replays) expect(replay).toEqual(first)
        const state = yield* snapshot(id)
        expect(state.amounts.refunded).toBe("3.000")
        expect(state.transactions.map((t) => t.tracking_key)).toEqual(["refund-1"])
        expect((yield* OttuSandbox.events).filter((e) => e.kind === "operation")).toHaveLength(1)

        const conflict = yield* operate({ ...refund, amount: "4" }, "refund-1")
        expect(conflict).toMatchObject({
          status: 400,
          body: {
            detail:
              "The Tracking-Key refund-1 was already used for a refund of 3.000 KWD on this payment transaction.",
            operation: "operation_tracking",
            result: "failed",
          },
        })
        yield* expectShape("OperationFailure", conflict.body)
        expect((yield* operate({ operation: "cancel", session_id: id }, "refund-1")).status).toBe(
          400,
        )
        // Another key, or the same key on another session, is another operation.
        expect((yield* operate(refund, "refund-2")).body.amount).toBe("3.000")
        const elsewhere = yield* createPaid()
        yield* operate({ ...refund, session_id: elsewhere }, "refund-1")
        expect((yield* snapshot(elsewhere)).amounts.refunded).toBe("3.000")
        expect((yield* snapshot(id)).amounts.refunded).toBe("6.000")
      }),
    ),
  )

  it.effect("concurrent refunds without a key never refund more than was paid", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid()
        const answers = yield* Effect.all(
          Array.from({ length: 4 }, () =>
            operate({ operation: "refund", session_id: id, amount: "3" }),
          ),
          { concurrency: "unbounded" },
        )
        expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 400])
        expect((yield* snapshot(id)).amounts.refunded).toBe("9.000")
      }),
    ),
  )

  it.effect("a refused operation keeps no Tracking-Key", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid()
        const key = "capture-then-refund"
        expect(
          (yield* operate({ operation: "refund", session_id: id, amount: "20" }, key)).status,
        ).toBe(400)
        expect(
          (yield* operate({ operation: "refund", session_id: id, amount: "2" }, key)).status,
        ).toBe(200)
      }),
    ),
  )

  it.effect("validates operation bodies like Ottu", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid({ ...purchase, currency_code: "USD" })
        expect(yield* operate({ session_id: id })).toMatchObject({
          status: 400,
          body: { operation: ["This field is required."] },
        })
        expect(yield* operate({ session_id: id, operation: "settle" })).toMatchObject({
          status: 400,
          body: { operation: ['"settle" is not a valid choice.'] },
        })
        expect(yield* operate({ session_id: id, operation: "refund", amount: "-1" })).toMatchObject(
          {
            status: 400,
            body: { amount: ["Ensure this value is greater than or equal to 0."] },
          },
        )
        expect(
          yield* operate({ session_id: id, operation: "refund", amount: "1.005" }),
        ).toMatchObject({
          status: 400,
          body: { amount: ["Ensure that there are no more than 2 decimal places for USD."] },
        })
        expect(
          (yield* operate({ session_id: id, operation: "refund", amount: "1.500" })).body.amount,
        ).toBe("1.50")
        expect(yield* operate({ session_id: id, operation: "refund", amount: "0" })).toMatchObject({
          status: 400,
          body: { detail: "The amount must be greater than 0.", operation: "refund" },
        })
        const wallet = yield* operate({
          session_id: id,
          operation: "refund",
          destination: "wallet",
        })
        expect(wallet.body.detail).toBe(
          "Refunds to a wallet need a settling gateway with an active wallet service; credit-card has none.",
        )
        expect((yield* snapshot(id)).amounts.refunded).toBe("1.50")
      }),
    ),
  )

  it.effect("logs an operation event for every capture, refund and void", () =>
    run(
      Effect.gen(function* () {
        const hook = "https://merchant.example/hooks/operations"
        const id = yield* createPaid({ ...authorize, webhook_url: hook })
        const capture = yield* operate({ operation: "capture", session_id: id, amount: "2" })
        yield* operate({ operation: "refund", session_id: id, amount: "1" })
        yield* operate({ operation: "expire", session_id: id })
        const events = (yield* OttuSandbox.events).filter((e) => e.kind === "operation")
        expect(events.map((e) => [e.session_id, e.webhook_url, e.payload.operation])).toEqual([
          [id, hook, "capture"],
          [id, hook, "refund"],
        ])
        expect(events[0]?.payload).toEqual(capture.body)
      }),
    ),
  )
})

// ---------------------------------------------------------------------------------------------
// payment status query
// ---------------------------------------------------------------------------------------------

const inquire = (body: Json) => post(inquiryPath, body)

describe("OttuSandbox payment status query", () => {
  it.effect("answers the payment payload once the first 10 minutes have passed", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid({
          ...purchase,
          order_no: "ORD-7",
          customer_email: "sara@example.com",
          billing_address: { line1: "Block 1", city: "Kuwait City", country: "KW" },
          extra: { plan: "gold" },
        })
        yield* TestClock.adjust("9 minutes")
        const early = yield* inquire({ session_id: id })
        expect(early).toMatchObject({
          status: 400,
          body: {
            detail:
              "The payment transaction was created less than 10 minutes ago; query it again in 60 seconds.",
            result: "failed",
          },
        })
        yield* expectShape("InquiryFailure", early.body)
        yield* TestClock.adjust("1 minute")
        const answer = yield* inquire({ order_no: "ORD-7" })
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({
          session_id: id,
          order_no: "ORD-7",
          state: "paid",
          result: "success",
          amount: "10.000",
          currency_code: "KWD",
          amount_details: { currency_code: "KWD", amount: "10.000", fee: "0.000", total: "10.000" },
          fee: "0.000 KWD",
          paid_amount: "10.000",
          customer_email: "sara@example.com",
          customer_address_line1: "Block 1",
          customer_address_city: "Kuwait City",
          customer_address_country: "KW",
          extra: { plan: "gold" },
          agreement: {},
          card_acceptance_criteria: {},
          payment_type: "one_off",
          transactions: [],
          timestamp_utc: "1970-01-01 00:10:00",
        })
        yield* expectShape("SchemaWebhook", answer.body)
        expect((yield* snapshot(id)).inquiries).toBe(1)
      }),
    ),
  )

  it.effect("throttles each transaction: 30 minutes apart, 3 times in 24 hours", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid()
        const status = Effect.map(inquire({ session_id: id }), (answer) => answer.status)
        yield* TestClock.adjust(tenMinutes)
        expect(yield* status).toBe(200)
        yield* TestClock.adjust("29 minutes")
        const soon = yield* inquire({ session_id: id })
        expect(soon.body.detail).toBe(
          "The payment transaction was queried less than 30 minutes ago; query it again in 60 seconds.",
        )
        yield* TestClock.adjust("1 minute")
        expect(yield* status).toBe(200)
        yield* TestClock.adjust("30 minutes")
        expect(yield* status).toBe(200)
        yield* TestClock.adjust("30 minutes")
        const fourth = yield* inquire({ session_id: id })
        expect(fourth).toMatchObject({ status: 400, body: { result: "failed" } })
        expect(fourth.body.detail).toBe(
          `The payment transaction was already queried 3 times in 24 hours; query it again in ${24 * 3600 - 90 * 60} seconds.`,
        )
        yield* TestClock.adjust("1350 minutes")
        expect(yield* status).toBe(200)
        expect((yield* snapshot(id)).inquiries).toBe(4)
      }),
    ),
  )

  it.effect("answers only the states that allow an inquiry, and paid or authorized ones", () =>
    run(
      Effect.gen(function* () {
        const created = yield* create()
        const canceled = yield* create()
        yield* operate({ operation: "cancel", session_id: canceled })
        const failed = yield* createPaid(purchase, { outcome: "failed", multiple_attempts: false })
        const authorized = yield* createPaid(authorize)
        yield* TestClock.adjust(tenMinutes)
        expect(yield* inquire({ session_id: created })).toMatchObject({
          status: 400,
          body: {
            detail: "Cannot query the status of a payment transaction in the created state.",
            result: "failed",
          },
        })
        expect((yield* inquire({ session_id: canceled })).status).toBe(400)
        expect((yield* inquire({ session_id: failed })).body).toMatchObject({
          state: "failed",
          result: "failed",
          message: "The payment was declined by the gateway.",
        })
        expect((yield* inquire({ session_id: authorized })).body).toMatchObject({
          state: "authorized",
          result: "success",
        })
      }),
    ),
  )

  it.effect("404 for an unknown transaction, 400 without an identifier or with bad fields", () =>
    run(
      Effect.gen(function* () {
        expect(yield* inquire({ session_id: "nope" })).toMatchObject({
          status: 404,
          body: { detail: "Not found." },
        })
        expect((yield* inquire({ order_no: "nope" })).status).toBe(404)
        expect(yield* inquire({})).toMatchObject({
          status: 400,
          body: { non_field_errors: ["Either `session_id` or `order_no` must be provided."] },
        })
        expect(
          yield* inquire({ session_id: "x", webhook_url: `https://a.b/${"x".repeat(200)}` }),
        ).toMatchObject({
          status: 400,
          body: { webhook_url: ["Ensure this field has no more than 200 characters."] },
        })
      }),
    ),
  )

  it.effect("allows 30 queries a minute in all, then answers 429 with Retry-After", () =>
    run(
      Effect.gen(function* () {
        for (let i = 0; i < 30; i++) {
          expect((yield* inquire({ session_id: `unknown-${i}` })).status).toBe(404)
          yield* TestClock.adjust("1 second")
        }
        const throttled = yield* inquire({ session_id: "unknown" })
        expect(throttled).toMatchObject({
          status: 429,
          body: { detail: "Request was throttled. Expected available in 30 seconds." },
        })
        expect(throttled.headers["retry-after"]).toBe("30")
        yield* TestClock.adjust("30 seconds")
        expect((yield* inquire({ session_id: "unknown" })).status).toBe(404)
      }),
    ),
  )

  it.effect("logs the payment events a query asks for", () =>
    run(
      Effect.gen(function* () {
        const hook = "https://merchant.example/hooks/ottu"
        const id = yield* createPaid({ ...purchase, webhook_url: hook })
        yield* TestClock.adjust(tenMinutes)
        const other = "https://audit.example/ottu"
        const answer = yield* inquire({
          session_id: id,
          notify_webhook_url: true,
          webhook_url: other,
        })
        const events = (yield* OttuSandbox.events).slice(1)
        expect(events.map((e) => [e.kind, e.webhook_url])).toEqual([
          ["payment", hook],
          ["payment", other],
        ])
        expect(events[0]?.payload).toEqual(answer.body)
        yield* TestClock.adjust("30 minutes")
        yield* inquire({ session_id: id })
        expect(yield* OttuSandbox.events).toHaveLength(3)
      }),
    ),
  )

  it.effect("answers at once when built without throttling", () =>
    run(
      Effect.gen(function* () {
        const id = yield* createPaid()
        for (let i = 0; i < 40; i++) {
          expect((yield* inquire({ session_id: id })).status).toBe(200)
        }
      }),
      { inquiryThrottling: false },
    ),
  )
})

// ---------------------------------------------------------------------------------------------
// auto-debit
// ---------------------------------------------------------------------------------------------

describe("OttuSandbox auto-debit", () => {
  it.effect.each([autoDebitPath, "/b/pbl/v2/payment/auto-debit/"])(
    "%s charges the card saved under the agreement",
    (path) =>
      run(
        Effect.gen(function* () {
          const first = yield* OttuSandbox.pay(yield* create(autoDebitCheckout("A1")))
          const token = first.token?.token
          const later = yield* create(autoDebitCheckout("A1", { amount: "4.5" }))
          const charged = yield* post(path, { session_id: later, token })
          expect(charged.status).toBe(200)
          expect(charged.body).toMatchObject({
            session_id: later,
            state: "paid",
            result: "success",
            amount: "4.500",
            paid_amount: "4.500",
            payment_type: "auto_debit",
            agreement: { id: "A1", type: "recurring" },
            card_acceptance_criteria: { min_expiry_time: 30 },
            token: { token, agreements: ["A1"], pg_code: "credit-card" },
            pg_params: { card_number: `**** ${token?.slice(-4)}` },
          })
          yield* expectShape("SchemaWebhook", charged.body)
          expect((yield* snapshot(later)).state).toBe("paid")
          // Ottu sends no webhook for a merchant-initiated charge.
          expect(yield* OttuSandbox.events).toHaveLength(1)
        }),
      ),
  )

  it.effect("refuses what Ottu refuses, with its failure shape", () =>
    run(
      Effect.gen(function* () {
        const charge = (session_id: string, token: string | undefined) =>
          post(autoDebitPath, { session_id, token })
        const token = (yield* OttuSandbox.pay(yield* create(autoDebitCheckout("A1")))).token?.token
        const failure = (answer: Answer) =>
          Effect.as(expectShape("OperationErrorResponse", answer.body), [
            answer.status,
            answer.body.result,
            answer.body.detail,
          ])

        expect(yield* post(autoDebitPath, {})).toMatchObject({
          status: 400,
          body: { session_id: ["This field is required."], token: ["This field is required."] },
        })
        expect(yield* charge("nope", token)).toMatchObject({
          status: 400,
          body: { session_id: ["No PaymentTransaction found with `session_id` of nope."] },
        })
        expect(yield* failure(yield* charge(yield* create(), token))).toEqual([
          400,
          "failed",
          "The payment transaction's payment_type is one_off; only auto_debit transactions can be charged.",
        ])
        const stranger = yield* create(autoDebitCheckout("A1", { customer_id: "cust-2" }))
        expect(yield* failure(yield* charge(stranger, token))).toEqual([
          400,
          "failed",
          "The customer has no saved card with this token.",
        ])
        const otherAgreement = yield* create(autoDebitCheckout("B2"))
        expect((yield* charge(otherAgreement, token)).body.detail).toBe(
          "The card is not bound to the agreement B2; a customer-initiated payment under that agreement must save it first.",
        )
        const otherGateway = yield* create(autoDebitCheckout("A1", { pg_codes: ["ottu_sandbox"] }))
        expect((yield* charge(otherGateway, token)).body.detail).toBe(
          "The card was saved on credit-card, which is not one of the payment transaction's pg_codes.",
        )
        const due = yield* create(autoDebitCheckout("A1"))
        expect((yield* charge(due, token)).status).toBe(200)
        expect((yield* charge(due, token)).body.detail).toBe(
          "The payment transaction is paid; it can no longer be charged.",
        )
        expect((yield* snapshot(due)).attempts).toHaveLength(1)
      }),
    ),
  )
})

// ---------------------------------------------------------------------------------------------
// over the web handler
// ---------------------------------------------------------------------------------------------

describe("OttuSandbox money routes over webHandler", () => {
  const sandbox = OttuSandbox.webHandler()
  afterAll(() => sandbox.dispose())
  const web = async (method: string, path: string, body?: unknown) => {
    const response = await sandbox.handler(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: "Bearer t", "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    )
    return { status: response.status, text: await response.text() }
  }

  it("answers every money route", async () => {
    expect(await web("POST", operationPath, { operation: "void", session_id: "x" })).toEqual({
      status: 404,
      text: '{"detail":"Not found."}',
    })
    expect((await web("POST", inquiryPath, { session_id: "x" })).status).toBe(404)
    expect(await web("POST", cardsPath, { type: "sandbox", customer_id: "c" })).toEqual({
      status: 200,
      text: "[]",
    })
    expect((await web("DELETE", `${cardsPath}123/?customer_id=c&type=sandbox`)).status).toBe(404)
    expect((await web("POST", autoDebitPath, { session_id: "x", token: "1" })).status).toBe(400)
    expect((await web("GET", operationPath)).status).toBe(405)
    expect((await web("POST", `${cardsPath}123/`)).status).toBe(405)
  })
})
