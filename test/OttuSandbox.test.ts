import { HttpBody, HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { afterAll, describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import * as OttuSandbox from "../src/OttuSandbox.ts"

const apiKey = "sandbox-test-key"
const checkoutPath = "/b/checkout/v1/pymt-txn/"
const methodsPath = "/b/pbl/v2/payment-methods/"
const minimal = { type: "e_commerce", amount: "20.23", currency_code: "KWD", pg_codes: ["knet"] }

// biome-ignore lint/suspicious/noExplicitAny: assertions read the JSON bodies freely
type Json = Record<string, any>

// ---------------------------------------------------------------------------------------------
// Raw web requests through webHandler
// ---------------------------------------------------------------------------------------------

const sandbox = OttuSandbox.webHandler({ apiKey: Redacted.make(apiKey), host: "pay.example.test" })
afterAll(() => sandbox.dispose())

interface Call {
  readonly method?: string
  readonly json?: unknown
  readonly body?: BodyInit
  readonly headers?: Record<string, string>
}

const send = async (path: string, call: Call = {}) => {
  const response = await sandbox.handler(
    new Request(`https://pay.example.test${path}`, {
      method: call.method ?? "GET",
      headers: {
        authorization: `Api-Key ${apiKey}`,
        ...(call.json === undefined ? {} : { "content-type": "application/json" }),
        ...call.headers,
      },
      ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
      ...(call.body === undefined ? {} : { body: call.body }),
    }),
  )
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Json }
}

const create = (json: unknown) => send(checkoutPath, { method: "POST", json })

const createOk = async (json: unknown = minimal) => {
  const response = await create(json)
  expect(response.status).toBe(201)
  return response.body
}

describe("OttuSandbox create", () => {
  it("answers 201 with a realistic checkout object", async () => {
    const body = await createOk({ ...minimal, customer_email: "a@b.co", extra: { cart: "7" } })
    expect(body.session_id).toMatch(/^[0-9a-f]{40}$/)
    expect(body).toMatchObject({
      type: "e_commerce",
      amount: "20.230",
      currency_code: "KWD",
      pg_codes: ["knet"],
      state: "created",
      operation: "purchase",
      payment_type: "one_off",
      language: "en",
      expiration_time: "24:00:00",
      customer_email: "a@b.co",
      extra: { cart: "7" },
      checkout_url: `https://pay.example.test/b/checkout/redirect/start/?session_id=${body.session_id}`,
    })
    expect(body.payment_methods).toEqual([
      {
        code: "knet",
        name: "KNET",
        type: "e_commerce",
        amount: "20.230",
        currency_code: "KWD",
        fee: "0.000",
        fee_description: "",
        icon: "https://pay.example.test/static/gateways/knet.svg",
        icons: {
          webp: "https://pay.example.test/static/gateways/knet.webp",
          svg: "https://pay.example.test/static/gateways/knet.svg",
        },
        flow: "redirect",
        redirect_url: `${body.checkout_url}&pg_code=knet`,
      },
    ])
    expect(body).not.toHaveProperty("qr_code_url")
    expect(body).not.toHaveProperty("checkout_short_url")
  })

  it("gives every session its own id", async () => {
    const [a, b] = await Promise.all([createOk(), createOk()])
    expect(a?.session_id).not.toBe(b?.session_id)
  })

  it("formats the amount to the currency's decimals", async () => {
    expect(
      (await createOk({ ...minimal, amount: "5", currency_code: "USD", pg_codes: ["credit-card"] }))
        .amount,
    ).toBe("5.00")
    const yen = await createOk({
      ...minimal,
      amount: "1500",
      currency_code: "JPY",
      pg_codes: ["ottu_sandbox"],
    })
    expect(yen.amount).toBe("1500")
    expect(yen.payment_methods[0].fee).toBe("0")
  })

  it("takes the operation from the gateway and lists one method per pg code", async () => {
    const body = await createOk({ ...minimal, pg_codes: ["mpgs-authorize", "credit-card"] })
    expect(body.operation).toBe("authorize")
    expect(body.payment_methods.map((m: Json) => m.code)).toEqual(["mpgs-authorize", "credit-card"])
  })

  it("echoes unknown fields, hides write-only ones and adds the requested links", async () => {
    const body = await createOk({
      ...minimal,
      merchant_note: "kept",
      generate_qr_code: true,
      shortify_checkout_url: true,
      unit_code: "bu-1",
    })
    expect(body.merchant_note).toBe("kept")
    expect(body.qr_code_url).toBe(`https://pay.example.test/media/qr_codes/${body.session_id}.png`)
    expect(body.checkout_short_url).toMatch(/^https:\/\/pay\.example\.test\/s\/[0-9a-f]{10}$/)
    expect(body).not.toHaveProperty("generate_qr_code")
    expect(body).not.toHaveProperty("unit_code")
  })

  it("treats field names like constructor or __proto__ as plain unknown fields", async () => {
    const response = await send(checkoutPath, {
      method: "POST",
      body: `{"type":"e_commerce","amount":"1","currency_code":"KWD","pg_codes":["knet"],"constructor":"c","__proto__":{"x":1}}`,
      headers: { "content-type": "application/json" },
    })
    expect(response.status).toBe(201)
    expect(response.body.constructor).toBe("c")
    expect(Object.hasOwn(response.body, "__proto__")).toBe(true)
  })

  it("ignores read-only fields sent by the client", async () => {
    const body = await createOk({ ...minimal, session_id: "mine", state: "paid" })
    expect(body.session_id).not.toBe("mine")
    expect(body.state).toBe("created")
  })

  it("accepts auto_debit and save_card set-ups on capable gateways", async () => {
    const autoDebit = await createOk({
      ...minimal,
      pg_codes: ["credit-card"],
      payment_type: "auto_debit",
      customer_id: "cust-1",
      agreement: { id: "A1", type: "unscheduled", frequency: "irregular" },
    })
    expect(autoDebit.payment_type).toBe("auto_debit")
    const saveCard = await createOk({
      ...minimal,
      amount: "0",
      pg_codes: ["mpgs-authorize"],
      payment_type: "save_card",
      customer_id: "cust-1",
    })
    expect(saveCard.amount).toBe("0.000")
  })

  it("accepts form-urlencoded bodies, with repeated pg_codes and text booleans", async () => {
    const form = new URLSearchParams([
      ["type", "payment_request"],
      ["amount", "3.5"],
      ["currency_code", "KWD"],
      ["pg_codes", "knet"],
      ["pg_codes", "credit-card"],
      ["generate_qr_code", "true"],
    ])
    const response = await send(checkoutPath, { method: "POST", body: form })
    expect(response.status).toBe(201)
    expect(response.body.pg_codes).toEqual(["knet", "credit-card"])
    expect(response.body.amount).toBe("3.500")
    expect(response.body.qr_code_url).toContain(response.body.session_id)
  })

  it("accepts multipart bodies with repeated pg_codes and an attachment", async () => {
    const form = new FormData()
    form.append("type", "e_commerce")
    form.append("amount", "12")
    form.append("currency_code", "BHD")
    form.append("pg_codes", "benefit")
    form.append("pg_codes", "credit-card")
    form.append("shortify_attachment_url", "true")
    form.append(
      "attachment",
      new Blob(["%PDF-1.4 test"], { type: "application/pdf" }),
      "invoice.pdf",
    )
    const response = await send(checkoutPath, { method: "POST", body: form })
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({
      amount: "12.000",
      currency_code: "BHD",
      pg_codes: ["benefit", "credit-card"],
      attachment: "https://pay.example.test/media/payment_transactions/attachments/invoice.pdf",
    })
    expect(response.body.attachment_short_url).toMatch(/^https:\/\/pay\.example\.test\/s\/a\//)
  })

  it("refuses an attachment with a forbidden extension, or sent as text", async () => {
    const form = new FormData()
    for (const [key, value] of Object.entries(minimal)) form.append(key, String(value))
    form.append("attachment", new Blob(["zip"]), "archive.zip")
    const multipart = await send(checkoutPath, { method: "POST", body: form })
    expect(multipart.status).toBe(400)
    expect(multipart.body).toEqual({
      attachment: [
        "File extension 'zip' is not allowed. Allowed extensions are: pdf, jpeg, png, doc, docx, jpg, xls, xlsx, txt.",
      ],
    })
    const asJson = await create({ ...minimal, attachment: "invoice.pdf" })
    expect(asJson.body).toEqual({
      attachment: ["The submitted data was not a file. Check the encoding type on the form."],
    })
  })
})

describe("OttuSandbox create validation", () => {
  const without = (field: string) =>
    Object.fromEntries(Object.entries(minimal).filter(([key]) => key !== field))

  it.each([
    ["type is required", without("type"), { type: ["This field is required."] }],
    ["type is a choice", { ...minimal, type: "shop" }, { type: ['"shop" is not a valid choice.'] }],
    ["amount is required", without("amount"), { amount: ["This field is required."] }],
    [
      "amount is a decimal",
      { ...minimal, amount: "ten" },
      { amount: ["A valid number is required."] },
    ],
    [
      "amount has at most 3 decimals",
      { ...minimal, amount: "1.2345" },
      { amount: ["Ensure that there are no more than 3 decimal places."] },
    ],
    [
      "amount is not negative",
      { ...minimal, amount: "-1" },
      { amount: ["Ensure this value is greater than or equal to 0."] },
    ],
    [
      "amount is above zero",
      { ...minimal, amount: "0.000" },
      { amount: ["Ensure this value is greater than 0."] },
    ],
    [
      "save_card needs amount 0",
      {
        ...minimal,
        amount: "5",
        pg_codes: ["credit-card"],
        payment_type: "save_card",
        customer_id: "c",
      },
      { amount: ['Amount must be "0" when payment_type is save_card.'] },
    ],
    [
      "currency_code is required",
      without("currency_code"),
      { currency_code: ["This field is required."] },
    ],
    [
      "currency_code is ISO 4217",
      { ...minimal, currency_code: "XYZ" },
      { currency_code: ['"XYZ" is not a valid choice.'] },
    ],
    [
      "currency_code is upper case",
      { ...minimal, currency_code: "kwd" },
      { currency_code: ['"kwd" is not a valid choice.'] },
    ],
    ["pg_codes is required", without("pg_codes"), { pg_codes: ["This field is required."] }],
    [
      "pg_codes is not empty",
      { ...minimal, pg_codes: [] },
      { pg_codes: ["This list may not be empty."] },
    ],
    [
      "pg_codes is a list",
      { ...minimal, pg_codes: "knet" },
      { pg_codes: ['Expected a list of items but got type "str".'] },
    ],
    [
      "pg_codes are known",
      { ...minimal, pg_codes: ["knet", "nope"] },
      { pg_codes: ["Object with code=nope does not exist."] },
    ],
    [
      "pg_codes are enabled for the plugin",
      { ...minimal, type: "payment_request", currency_code: "BHD", pg_codes: ["benefit"] },
      { pg_codes: ["Gateway benefit is not enabled for the payment_request plugin."] },
    ],
    [
      "payment_type is a choice",
      { ...minimal, payment_type: "weekly" },
      { payment_type: ['"weekly" is not a valid choice.'] },
    ],
    [
      "auto_debit needs agreement and customer_id",
      { ...minimal, pg_codes: ["credit-card"], payment_type: "auto_debit" },
      { agreement: ["This field is required."], customer_id: ["This field is required."] },
    ],
    [
      "auto_debit needs an auto-debit gateway",
      { ...minimal, payment_type: "auto_debit", customer_id: "c", agreement: { id: "A1" } },
      { pg_codes: ["Gateway knet does not support auto-debit."] },
    ],
    [
      "save_card needs a tokenizable gateway and a customer",
      { ...minimal, amount: "0", payment_type: "save_card" },
      {
        customer_id: ["This field is required."],
        pg_codes: ["Gateway knet does not support tokenization."],
      },
    ],
    [
      "language is en or ar",
      { ...minimal, language: "fr" },
      { language: ['"fr" is not a valid choice.'] },
    ],
    [
      "fields may not be null",
      { ...minimal, order_no: null },
      { order_no: ["This field may not be null."] },
    ],
    [
      "customer_email is an email",
      { ...minimal, customer_email: "nope" },
      { customer_email: ["Enter a valid email address."] },
    ],
    [
      "order_no is at most 128 characters",
      { ...minimal, order_no: "x".repeat(129) },
      { order_no: ["Ensure this field has no more than 128 characters."] },
    ],
    [
      "webhook_url is a URL",
      { ...minimal, webhook_url: "ftp:/x" },
      { webhook_url: ["Enter a valid URL."] },
    ],
  ])("400: %s", async (_, json, errors) => {
    const response = await create(json)
    expect(response.status).toBe(400)
    expect(response.body).toEqual(errors)
  })

  it("reports every invalid field at once", async () => {
    const response = await create({ amount: "x", currency_code: "ABC", pg_codes: [] })
    expect(response.status).toBe(400)
    expect(Object.keys(response.body).sort()).toEqual([
      "amount",
      "currency_code",
      "pg_codes",
      "type",
    ])
  })

  it("rejects one-step checkout, which the sandbox does not simulate yet", async () => {
    const response = await create({ ...minimal, payment_instrument: { instrument_type: "token" } })
    expect(response.status).toBe(400)
    expect(response.body).toHaveProperty("payment_instrument")
  })
})

describe("OttuSandbox retrieve and update", () => {
  it("retrieves a session", async () => {
    const created = await createOk()
    const response = await send(`${checkoutPath}${created.session_id}/`)
    expect(response.status).toBe(200)
    expect(response.body).toEqual(created)
  })

  it("answers 404 for an unknown session on GET, PATCH and PUT", async () => {
    for (const method of ["GET", "PATCH", "PUT"]) {
      const json = method === "GET" ? undefined : minimal
      const response = await send(`${checkoutPath}${"0".repeat(40)}/`, { method, json })
      expect(response.status).toBe(404)
      expect(response.body).toEqual({ detail: "Not found." })
    }
  })

  it("PATCH changes the given fields only and keeps the rest", async () => {
    const created = await createOk({ ...minimal, order_no: "ord-1" })
    const path = `${checkoutPath}${created.session_id}/`
    const patched = await send(path, { method: "PATCH", json: { amount: "7.5" } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ amount: "7.500", order_no: "ord-1", pg_codes: ["knet"] })
    expect(patched.body.payment_methods[0].amount).toBe("7.500")
    expect((await send(path)).body.amount).toBe("7.500")
  })

  it("PATCH re-formats the amount when the currency changes", async () => {
    const created = await createOk({ ...minimal, pg_codes: ["credit-card"] })
    const patched = await send(`${checkoutPath}${created.session_id}/`, {
      method: "PATCH",
      json: { currency_code: "USD" },
    })
    expect(patched.body).toMatchObject({ amount: "20.23", currency_code: "USD" })
  })

  it("PATCH answers 400 with the generic detail shape", async () => {
    const created = await createOk()
    const response = await send(`${checkoutPath}${created.session_id}/`, {
      method: "PATCH",
      json: { amount: "1.2345", language: "fr" },
    })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      detail:
        'amount: Ensure that there are no more than 3 decimal places.; language: "fr" is not a valid choice.',
    })
  })

  it("PUT requires the four main fields and answers field errors", async () => {
    const created = await createOk()
    const response = await send(`${checkoutPath}${created.session_id}/`, {
      method: "PUT",
      json: { amount: "1" },
    })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      type: ["This field is required."],
      currency_code: ["This field is required."],
      pg_codes: ["This field is required."],
    })
  })

  it("PUT replaces the main fields", async () => {
    const created = await createOk({ ...minimal, customer_id: "cust-9" })
    const response = await send(`${checkoutPath}${created.session_id}/`, {
      method: "PUT",
      json: {
        type: "payment_request",
        amount: "99",
        currency_code: "SAR",
        pg_codes: ["credit-card"],
      },
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      session_id: created.session_id,
      type: "payment_request",
      amount: "99.00",
      currency_code: "SAR",
      pg_codes: ["credit-card"],
      customer_id: "cust-9",
      state: "created",
    })
  })
})

describe("OttuSandbox protocol errors", () => {
  it("401 without credentials", async () => {
    const response = await send(checkoutPath, {
      method: "POST",
      json: minimal,
      headers: { authorization: "" },
    })
    expect(response.status).toBe(401)
    expect(response.body).toEqual({ detail: "Authentication credentials were not provided." })
  })

  it("401 with another API key, whatever the endpoint", async () => {
    for (const path of [checkoutPath, methodsPath]) {
      const response = await send(path, {
        method: "POST",
        json: minimal,
        headers: { authorization: "Api-Key someone-else" },
      })
      expect(response.status).toBe(401)
      expect(response.body).toEqual({ detail: "Invalid API key." })
    }
  })

  it("refuses Basic and Bearer credentials when it has an API key", async () => {
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer token-1"]) {
      const response = await send(checkoutPath, {
        method: "POST",
        json: minimal,
        headers: { authorization },
      })
      expect(response.status).toBe(401)
      expect(response.body).toEqual({ detail: "This sandbox accepts only its API key." })
    }
  })

  it("accepts Basic and Bearer credentials when it has no API key", async () => {
    const open = OttuSandbox.webHandler()
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer token-1"]) {
      const response = await open.handler(
        new Request(`http://localhost${checkoutPath}`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify(minimal),
        }),
      )
      expect(response.status).toBe(201)
    }
    await open.dispose()
  })

  it("refuses an attachment_upload_url without an allowed extension", async () => {
    const refused = await create({ ...minimal, attachment_upload_url: "uploads/evil.exe" })
    expect(refused.status).toBe(400)
    expect(Object.keys(refused.body)).toEqual(["attachment_upload_url"])
    const accepted = await create({ ...minimal, attachment_upload_url: "uploads/terms.pdf" })
    expect(accepted.status).toBe(201)
  })

  it("accepts any API key when none is configured", async () => {
    const open = OttuSandbox.webHandler()
    const response = await open.handler(
      new Request(`http://localhost${methodsPath}`, {
        method: "POST",
        headers: { authorization: "Api-Key anything", "content-type": "application/json" },
        body: JSON.stringify({ plugin: "e_commerce" }),
      }),
    )
    await open.dispose()
    expect(response.status).toBe(200)
  })

  it("415 for an unsupported content type", async () => {
    const response = await send(checkoutPath, {
      method: "POST",
      body: "type=e_commerce",
      headers: { "content-type": "text/plain" },
    })
    expect(response.status).toBe(415)
    expect(response.body).toEqual({ detail: 'Unsupported media type "text/plain" in request.' })
  })

  it("400 for malformed JSON and for a JSON body that is not an object", async () => {
    const malformed = await send(checkoutPath, {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.detail).toMatch(/^JSON parse error - /)
    const list = await create([minimal])
    expect(list.body).toEqual({
      non_field_errors: ["Invalid data. Expected a dictionary, but got list."],
    })
  })

  it("404 for an unknown route and 405 for a wrong method", async () => {
    const unknown = await send("/b/checkout/v1/nothing-here/")
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ detail: "Not found." })
    const wrongMethod = await send(checkoutPath, { method: "DELETE" })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get("allow")).toBe("POST")
    expect(wrongMethod.body).toEqual({ detail: 'Method "DELETE" not allowed.' })
  })
})

describe("OttuSandbox payment methods", () => {
  const list = async (json: unknown) => {
    const response = await send(methodsPath, { method: "POST", json })
    expect(response.status).toBe(200)
    return response.body.payment_methods.map((method: Json) => method.code)
  }

  it("requires a valid plugin", async () => {
    expect((await send(methodsPath, { method: "POST", json: {} })).body).toEqual({
      plugin: ["This field is required."],
    })
    const response = await send(methodsPath, { method: "POST", json: { plugin: "pos" } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({ plugin: ['"pos" is not a valid choice.'] })
  })

  it("lists every PGPaymentMethods field", async () => {
    const response = await send(methodsPath, {
      method: "POST",
      json: { plugin: "e_commerce", customer_id: "c1" },
    })
    expect(response.body.customer_payment_methods).toEqual([])
    const card = response.body.payment_methods.find(
      (m: Json) => m.code === OttuSandbox.pgCodes.creditCard,
    )
    expect(card).toEqual({
      code: "credit-card",
      name: "Credit Card",
      is_sandbox: true,
      logo: "https://pay.example.test/static/gateways/credit-card.png",
      wallets: ["ApplePay", "GooglePay"],
      payment_services: [
        { code: "apple_pay", name: "Apple Pay", name_ar: "آبل باي" },
        { code: "google_pay", name: "Google Pay", name_ar: "جوجل باي" },
      ],
      default_currency: "KWD",
      accepted_currencies: ["KWD", "USD", "EUR", "GBP", "SAR", "AED", "BHD", "QAR", "OMR", "EGP"],
      operation: "purchase",
      operations: ["refund"],
      is_tokenizable: true,
      auto_debit_enabled: true,
      tags: ["e_commerce", "subscriptions"],
    })
  })

  it.each([
    [
      { plugin: "e_commerce" },
      ["knet", "credit-card", "mpgs-authorize", "benefit", "ottu_sandbox"],
    ],
    [{ plugin: "payment_request" }, ["knet", "credit-card", "mpgs-authorize", "ottu_sandbox"]],
    [{ plugin: "e_commerce", currencies: ["BHD"] }, ["credit-card", "benefit", "ottu_sandbox"]],
    [{ plugin: "e_commerce", currencies: ["JPY", "GBP"] }, ["credit-card", "ottu_sandbox"]],
    [
      { plugin: "e_commerce", tokenizable: true },
      ["credit-card", "mpgs-authorize", "ottu_sandbox"],
    ],
    [{ plugin: "e_commerce", auto_debit: true }, ["credit-card", "ottu_sandbox"]],
    [{ plugin: "e_commerce", operation: "authorize" }, ["mpgs-authorize"]],
    [{ plugin: "e_commerce", pg_names: ["mpgs"] }, ["credit-card", "mpgs-authorize"]],
    [{ plugin: "e_commerce", tags: ["test"] }, ["ottu_sandbox"]],
    [{ plugin: "e_commerce", payment_services: ["google_pay"] }, ["credit-card"]],
    [
      { plugin: "payment_request", currencies: ["KWD"], operation: "purchase", tokenizable: true },
      ["credit-card", "ottu_sandbox"],
    ],
  ])("filters %j", async (filters, codes) => {
    expect(await list(filters)).toEqual(codes)
  })

  it("validates filters", async () => {
    const response = await send(methodsPath, {
      method: "POST",
      json: {
        plugin: "e_commerce",
        currencies: ["KWD", "XXY"],
        operation: "sale",
        tokenizable: "maybe",
      },
    })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      currencies: ['"XXY" is not a valid choice.'],
      operation: ['"sale" is not a valid choice.'],
      tokenizable: ["Must be a valid boolean."],
    })
  })

  it("reads repeated form fields as lists", async () => {
    const form = new URLSearchParams([
      ["plugin", "e_commerce"],
      ["currencies", "BHD"],
      ["currencies", "KWD"],
      ["tokenizable", "true"],
    ])
    const response = await send(methodsPath, { method: "POST", body: form })
    expect(response.body.payment_methods.map((m: Json) => m.code)).toEqual([
      "credit-card",
      "mpgs-authorize",
      "ottu_sandbox",
    ])
  })

  it("exports the catalogue's codes", () => {
    expect(OttuSandbox.gateways.map((gateway) => gateway.code)).toEqual(
      Object.values(OttuSandbox.pgCodes),
    )
  })
})

// ---------------------------------------------------------------------------------------------
// HttpClient through layer / layerWithControl
// ---------------------------------------------------------------------------------------------

const base = "https://merchant.ottu.test"

const authed = (request: HttpClientRequest.HttpClientRequest) =>
  HttpClientRequest.setHeader(request, "authorization", "Api-Key any")

const execute = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(authed(request)))

const bodyOf = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.json, (json) => json as Json)

layer(OttuSandbox.layerWithControl({ host: "merchant.ottu.test" }))("OttuSandbox layer", (it) => {
  it.effect("creates, retrieves, patches and replaces through HttpClient", () =>
    Effect.gen(function* () {
      const created = yield* execute(
        HttpClientRequest.post(`${base}${checkoutPath}`).pipe(
          HttpClientRequest.bodyUnsafeJson(minimal),
        ),
      )
      expect(created.status).toBe(201)
      const session = yield* bodyOf(created)
      expect(session.session_id).toMatch(/^[0-9a-f]{40}$/)
      expect(session.amount).toBe("20.230")
      expect(session.checkout_url).toMatch(/^https:\/\/merchant\.ottu\.test\//)
      const path = `${base}${checkoutPath}${session.session_id}/`

      const retrieved = yield* execute(HttpClientRequest.get(path))
      expect(retrieved.status).toBe(200)
      expect(yield* bodyOf(retrieved)).toEqual(session)

      const patched = yield* execute(
        HttpClientRequest.patch(path).pipe(HttpClientRequest.bodyUnsafeJson({ amount: "1.5" })),
      )
      expect((yield* bodyOf(patched)).amount).toBe("1.500")

      const replaced = yield* execute(
        HttpClientRequest.put(path).pipe(
          HttpClientRequest.bodyUnsafeJson({
            ...minimal,
            amount: "2",
            currency_code: "USD",
            pg_codes: ["credit-card"],
          }),
        ),
      )
      expect(yield* bodyOf(replaced)).toMatchObject({ amount: "2.00", currency_code: "USD" })

      const missing = yield* execute(HttpClientRequest.get(`${base}${checkoutPath}unknown/`))
      expect(missing.status).toBe(404)
    }),
  )

  it.effect("keeps sessions, shown as snapshots", () =>
    Effect.gen(function* () {
      const sandboxService = yield* OttuSandbox.OttuSandbox
      const created = yield* execute(
        HttpClientRequest.post(`${base}${checkoutPath}`).pipe(
          HttpClientRequest.bodyUnsafeJson(minimal),
        ),
      )
      const { session_id } = yield* bodyOf(created)
      const stored = yield* OttuSandbox.session(session_id)
      expect(Option.map(stored, (session) => session.checkout.amount)).toEqual(
        Option.some("20.230"),
      )
      expect(sandboxService.host).toBe("merchant.ottu.test")
    }),
  )

  it.effect("sends multipart bodies with repeated pg_codes and an attachment", () =>
    Effect.gen(function* () {
      const form = new FormData()
      form.append("type", "payment_request")
      form.append("amount", "4")
      form.append("currency_code", "KWD")
      form.append("pg_codes", "knet")
      form.append("pg_codes", "ottu_sandbox")
      form.append("attachment", new Blob(["hello"], { type: "text/plain" }), "notes.txt")
      const response = yield* execute(
        HttpClientRequest.post(`${base}${checkoutPath}`).pipe(HttpClientRequest.bodyFormData(form)),
      )
      expect(response.status).toBe(201)
      expect(yield* bodyOf(response)).toMatchObject({
        pg_codes: ["knet", "ottu_sandbox"],
        attachment: "https://merchant.ottu.test/media/payment_transactions/attachments/notes.txt",
      })
    }),
  )

  it.effect("sends streamed and form-urlencoded bodies", () =>
    Effect.gen(function* () {
      const bytes = new TextEncoder().encode(
        JSON.stringify({ plugin: "e_commerce", operation: "authorize" }),
      )
      const streamed = yield* execute(
        HttpClientRequest.post(`${base}${methodsPath}`).pipe(
          HttpClientRequest.setBody(
            HttpBody.stream(Stream.fromChunk(Chunk.of(bytes)), "application/json"),
          ),
        ),
      )
      expect((yield* bodyOf(streamed)).payment_methods.map((m: Json) => m.code)).toEqual([
        "mpgs-authorize",
      ])
      const urlEncoded = yield* execute(
        HttpClientRequest.post(`${base}${methodsPath}`).pipe(
          HttpClientRequest.bodyUrlParams({ plugin: "e_commerce", pg_names: ["knet", "benefit"] }),
        ),
      )
      expect((yield* bodyOf(urlEncoded)).payment_methods.map((m: Json) => m.code)).toEqual([
        "knet",
        "benefit",
      ])
    }),
  )

  it.effect("answers 401 without credentials", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(HttpClientRequest.get(`${base}${checkoutPath}x/`))
      expect(response.status).toBe(401)
      expect(yield* bodyOf(response)).toEqual({
        detail: "Authentication credentials were not provided.",
      })
    }),
  )
})

layer(OttuSandbox.layer({ apiKey: Redacted.make(apiKey) }))(
  "OttuSandbox layer with an API key",
  (it) => {
    it.effect("checks the configured key", () =>
      Effect.gen(function* () {
        const client = yield* HttpClient.HttpClient
        const request = HttpClientRequest.post(`${base}${methodsPath}`).pipe(
          HttpClientRequest.bodyUnsafeJson({ plugin: "e_commerce" }),
        )
        const wrong = yield* client.execute(
          HttpClientRequest.setHeader(request, "authorization", "Api-Key nope"),
        )
        expect(wrong.status).toBe(401)
        expect(yield* bodyOf(wrong)).toEqual({ detail: "Invalid API key." })
        const right = yield* client.execute(
          HttpClientRequest.setHeader(request, "authorization", `Api-Key ${apiKey}`),
        )
        expect(right.status).toBe(200)
      }),
    )
  },
)

describe("OttuSandbox.make", () => {
  it.scoped("builds an independent sandbox for the scope", () =>
    Effect.gen(function* () {
      const first = yield* OttuSandbox.make()
      const second = yield* OttuSandbox.make()
      const response = yield* Effect.promise(() =>
        first.handler(
          new Request(`http://localhost${checkoutPath}`, {
            method: "POST",
            headers: { authorization: "Bearer t", "content-type": "application/json" },
            body: JSON.stringify(minimal),
          }),
        ),
      )
      expect(response.status).toBe(201)
      const { session_id } = (yield* Effect.promise(() => response.json())) as Json
      expect(Option.isSome(yield* first.session(session_id))).toBe(true)
      expect(Option.isSome(yield* second.session(session_id))).toBe(false)
    }),
  )
})

describe("catalogue", () => {
  it("is frozen: every sandbox of the process shares it", () => {
    expect(Object.isFrozen(OttuSandbox.pgCodes)).toBe(true)
    expect(Object.isFrozen(OttuSandbox.gateways)).toBe(true)
    for (const gateway of OttuSandbox.gateways) {
      expect(Object.isFrozen(gateway)).toBe(true)
      expect(Object.isFrozen(gateway.accepted_currencies)).toBe(true)
      expect(gateway.payment_services.every(Object.isFrozen)).toBe(true)
    }
  })
})
