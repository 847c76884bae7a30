/**
 * The commands of the newer API modules as processes on Deno and Bun, against `ottu sandbox
 * serve` through `OTTU_BASE_URL`, its state set up and read through the control routes (as any
 * language would): `invoice create`, `notify`, `reports list | download`, `wallet entries` and
 * `raw`; text and `--json` output, Ottu's refusals as typed errors in one line, input refused
 * before anything is sent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { describeProcesses, run, type Started, sourceRuntimes, start } from "./process.ts"

const apiKey = "cli-api-key"
const report = "session_id,amount\r\nabc,1.000\r\n"

describeProcesses.each(sourceRuntimes)("ottu API commands on $name", (runtime) => {
  let server: Started
  let directory = ""
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "ottu-api-"))
    server = await start(runtime, ["sandbox", "serve", "--port", "0", "--api-key", apiKey])
  })
  afterAll(async () => {
    await server?.stop()
    rmSync(directory, { recursive: true, force: true })
  })

  const ottu = (...args: Array<string>) =>
    run(runtime, args, { env: { OTTU_BASE_URL: server.url, OTTU_API_KEY: apiKey } })
  const json = async (...args: Array<string>) => {
    const ran = await ottu(...args, "--json")
    expect(ran.stderr).toBe("")
    expect(ran.code).toBe(0)
    return JSON.parse(ran.stdout)
  }
  const call = async (path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Api-Key ${apiKey}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, body: await response.json() }
  }
  /** How many requests to `line` the server answered so far. */
  const answered = (line: RegExp) =>
    server
      .output()
      .split("\n")
      .filter((logged) => line.test(logged)).length
  /** Waits until the server logged a request sent after the ones before (its log is in order). */
  const settled = async () => {
    expect((await ottu("payment-methods")).code).toBe(0)
    await server.printed(/^POST \/b\/pbl\/v2\/payment-methods\/ -> 200$/)
  }
  /** `invoice create` in KWD on knet, due 2026-12-31, numbered `invoiceNumber` (no items yet). */
  const invoiceCreate = (invoiceNumber: string) => [
    "invoice",
    "create",
    "--currency-code",
    "KWD",
    "--pg-codes",
    "knet",
    "--invoice-number",
    invoiceNumber,
    "--due-date",
    "2026-12-31",
  ]

  it("invoice create: an itemised invoice, its session readable as a checkout", async () => {
    const invoice = await json(
      ...invoiceCreate("INV-CLI-1"),
      "--item",
      "W-1:Widget: blue:3:1.250",
      "--item",
      "G-2:Gadget:1:10.000",
    )
    expect(invoice).toMatchObject({
      invoice_number: "INV-CLI-1",
      status: "sent",
      amount: "13.750",
      due_date: "2026-12-31",
      invoice_items: [
        { sku: "W-1", description: "Widget: blue", quantity: "3", total_incl_tax: "3.750" },
        { sku: "G-2", description: "Gadget", total_incl_tax: "10.000" },
      ],
    })
    const session = await ottu("checkout", "get", invoice.session_id)
    expect(session.stdout).toContain(`state:        created\namount:       13.750 KWD`)

    const text = await ottu(...invoiceCreate("INV-CLI-2"), "--item", "W-1:Widget:2:0.500")
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /^invoice_number: INV-CLI-2\ninvoice_id: +\d+\nstatus: +sent\ndue_date: +2026-12-31\nitems: +1\ntotal: +1\.000 KWD\nsession_id: +[0-9a-f]{40}\n/,
    )
  })

  it("invoice create: a malformed item is a usage error, a bad price is refused unsent", async () => {
    const args = invoiceCreate("INV-BAD")
    const before = answered(/^POST \/b\/invoice\/v1\/invoice\/ -> /)
    const malformed = await ottu(...args, "--item", "W-1:3:1.250")
    expect(malformed.code).toBe(2)
    expect(malformed.stdout + malformed.stderr).toContain(
      "--item W-1:3:1.250: expected sku:description:quantity:unit_price",
    )
    const refused = await ottu(...args, "--item", "W-1:Widget:3:1.2501")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^error: OttuInvalidInputError: .*nothing was sent: invoice_items\.0\.unit_price: /,
    )
    await settled()
    expect(answered(/^POST \/b\/invoice\/v1\/invoice\/ -> /)).toBe(before)
  })

  it("notify re-sends a transaction's notifications; Ottu's refusal is one line", async () => {
    const created = await call("/b/checkout/v1/pymt-txn/", {
      type: "payment_request",
      amount: "5.000",
      currency_code: "KWD",
      pg_codes: ["knet"],
      customer_phone: "+96599999999",
      notifications: { sms: ["created"] },
    })
    const id: string = created.body.session_id
    const ran = await ottu("notify", id, "--channel", "sms", "--channel", "email")
    expect(ran).toMatchObject({
      code: 0,
      stdout: `session_id: ${id}\nchannels:   sms, email\nmessage:    Customer notified.\n`,
    })
    const sent = (await call("/_sandbox/notifications")).body as Array<Record<string, unknown>>
    expect(sent.filter((n) => n.session_id === id)).toMatchObject([
      { kind: "transaction", channel: "sms", to: "+96599999999", event: "created" },
    ])

    const none = await ottu("notify", id, "--channel", "email", "--json")
    expect(none.code).toBe(1)
    expect(none.stdout).toBe("")
    expect(none.stderr).toBe(
      `error: OttuBadRequestError: Ottu answered 400 to POST /b/pbl/v2/message-notification/ (session_id: ${id}; channels: email; result: failed)\n`,
    )
    const unknown = await ottu("notify", "0".repeat(40), "--channel", "sms")
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^error: OttuNotFoundError: Ottu answered 404 to POST /)
    const noChannel = await ottu("notify", id)
    expect(noChannel.code).toBe(2)
  })

  it("reports list shows each file's token; download streams it to stdout or a file", async () => {
    const added = await call("/_sandbox/reports", { report_name: "Daily CLI", content: report })
    expect(added.status).toBe(201)
    const listed = await json("reports", "list", "--limit", "1")
    expect(listed).toMatchObject({
      count: 1,
      next: null,
      results: [{ encrypted_id: added.body.encrypted_id, report_name: "Daily CLI" }],
    })
    const text = await ottu("reports", "list")
    expect(text.code).toBe(0)
    const row = /\n\S+ +Daily CLI +daily +csv +0 +(\S+)\n1 of 1\n$/.exec(text.stdout)
    expect(row).not.toBeNull()
    const token = row?.[1] ?? ""

    const piped = await ottu("reports", "download", token)
    expect(piped).toMatchObject({ code: 0, stdout: report, stderr: "" })

    const out = join(directory, "report.csv")
    const saved = await ottu("reports", "download", token, "--out", out)
    expect(saved.code).toBe(0)
    expect(saved.stdout).toBe(
      `saved:        ${out}\nbytes:        30\ncontent_type: text/csv\nfile_name:    Daily_CLI.csv\n`,
    )
    expect(readFileSync(out, "utf8")).toBe(report)

    const kept = join(directory, "kept.csv")
    writeFileSync(kept, "untouched")
    const refused = await ottu("reports", "download", "not-a-token", "--out", kept, "--json")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      "error: OttuBadRequestError: Ottu answered 400 to GET /b/api/v1/reports/files/{token}/download/: Invalid download token.\n",
    )
    expect(readFileSync(kept, "utf8")).toBe("untouched")
  })

  it("wallet entries lists a customer's ledger, a page at a time", async () => {
    const customer = `cust-${runtime.name}`
    const operation = (body: Record<string, string>) =>
      call("/_sandbox/wallet/operations", { customer_id: customer, currency: "KWD", ...body })
    expect((await operation({ amount: "20" })).status).toBe(201)
    expect((await operation({ amount: "5.000", operation_type: "deduction" })).status).toBe(201)
    expect(await operation({ amount: "500.000", operation_type: "deduction" })).toMatchObject({
      status: 400,
      body: { detail: "the available balance is less than 500.000" },
    })

    const entries = ["wallet", "entries", "--customer-id", customer, "--currency", "KWD"]
    const text = await ottu(...entries)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /^created_at +entry_type +direction +amount +status +session_id\n\S+ +credit_refund +credit +20\.000 KWD +completed +-\n\S+ +debit_payment +debit +5\.000 KWD +completed +-\n$/,
    )
    const first = await json(...entries, "--per-page", "1")
    expect(first).toMatchObject({ results: [{ entry_type: "credit_refund", amount: "20.000" }] })
    expect(first.next).toMatchObject({ per_page: 1 })
    const second = await json(...entries, "--per-page", "1", "--cursor", String(first.next.cursor))
    expect(second).toMatchObject({ results: [{ entry_type: "debit_payment", amount: "5.000" }] })

    const none = await ottu("wallet", "entries", "--customer-id", "nobody", "--currency", "KWD")
    expect(none.code).toBe(1)
    expect(none.stderr).toBe(
      "error: OttuBadRequestError: Ottu answered 400 to POST /b/wallet/ottu/v1/entries/: No KWD wallet account found for customer.\n",
    )
  })

  it("raw sends any request through the SDK and prints the JSON answer", async () => {
    const session = await json(
      "checkout",
      "create",
      "--amount",
      "7.000",
      "--currency-code",
      "KWD",
      "--pg-codes",
      "knet",
    )
    const read = await ottu("raw", "get", `/b/checkout/v1/pymt-txn/${session.session_id}/`)
    expect(read.code).toBe(0)
    expect(read.stdout).toMatch(/^\{\n {2}"/)
    expect(JSON.parse(read.stdout)).toMatchObject({
      session_id: session.session_id,
      amount: "7.000",
      state: "created",
    })
    const methods = await json(
      "raw",
      "POST",
      "/b/pbl/v2/payment-methods/",
      "--data",
      '{"plugin":"e_commerce","currencies":["KWD"]}',
    )
    expect(methods.payment_methods.map((m: { code: string }) => m.code)).toContain("knet")
    const refused = await ottu("raw", "POST", "/b/pbl/v2/inquiry/", "--data", "{}")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error: OttuBadRequestError: Ottu answered 400 to POST /)

    const before = server.output().split("\n").length
    const elsewhere = await ottu("raw", "GET", "https://elsewhere.example/b/")
    expect(elsewhere.code).toBe(1)
    expect(elsewhere.stderr).toMatch(/^error: OttuInvalidInputError: .*nothing was sent: path: /)
    expect((await ottu("raw", "FETCH", "/b/")).code).toBe(2)
    expect((await ottu("raw", "POST", "/b/pbl/v2/inquiry/", "--data", "{")).code).toBe(2)
    await settled()
    // Only the marker request reached the server.
    expect(
      server
        .output()
        .split("\n")
        .slice(before - 1),
    ).toEqual(["POST /b/pbl/v2/payment-methods/ -> 200", ""])
  })
})
