/**
 * `ottu sandbox serve` as a process on Deno and Bun, driven over HTTP (as any language would)
 * and by the CLI's own API commands through `OTTU_BASE_URL`: checkout create and get, the
 * control routes (pay, session, events), refund, cancel with a generated tracking key, cards,
 * payment methods, status; typed errors in one line with a non-zero exit; input refused before
 * anything is sent; Ctrl-C stops it.
 */
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import {
  checkoutCreate,
  describeProcesses,
  run,
  type Started,
  sourceRuntimes,
  start,
} from "./process.ts"

const apiKey = "cli-sandbox-key"
const created = /^POST \/b\/checkout\/v1\/pymt-txn\/ -> /

describeProcesses.each(sourceRuntimes)("ottu sandbox serve on $name", (runtime) => {
  let server: Started
  beforeAll(async () => {
    server = await start(runtime, ["sandbox", "serve", "--port", "0", "--api-key", apiKey])
  })
  afterAll(async () => {
    await server?.stop()
  })

  const env = () => ({ OTTU_BASE_URL: server.url, OTTU_API_KEY: apiKey })
  const ottu = (...args: Array<string>) => run(runtime, args, { env: env() })
  const json = async (...args: Array<string>) => {
    const ran = await ottu(...args, "--json")
    expect(ran.stderr).toBe("")
    expect(ran.code).toBe(0)
    return JSON.parse(ran.stdout)
  }
  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/_sandbox${path}`, {
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, body: await response.json() }
  }

  it("answers GET / with a health text", async () => {
    const response = await fetch(`${server.url}/`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe("effect-ottu sandbox: ok\n")
  })

  it("answers a checkout create sent with fetch, as Ottu would", async () => {
    const response = await fetch(`${server.url}/b/checkout/v1/pymt-txn/`, {
      method: "POST",
      headers: { authorization: `Api-Key ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        type: "e_commerce",
        amount: "10",
        currency_code: "KWD",
        pg_codes: ["knet"],
      }),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ amount: "10.000", state: "created" })
    const refused = await fetch(`${server.url}/b/checkout/v1/pymt-txn/`, { method: "POST" })
    expect(refused.status).toBe(401)
  })

  it("runs a checkout's life through the CLI and the control routes", async () => {
    const session = await json(
      ...checkoutCreate(
        "12.500",
        "knet,credit-card",
        "--customer-id",
        "cust-cli",
        "--order-no",
        "order-cli",
      ),
    )
    expect(session).toMatchObject({ amount: "12.500", state: "created", order_no: "order-cli" })
    const id: string = session.session_id

    const text = await ottu("checkout", "get", id)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(
      `session_id:   ${id}\nstate:        created\namount:       12.500 KWD`,
    )

    const paid = await control(`/sessions/${id}/pay`, { pg_code: "credit-card", save_card: true })
    expect(paid).toMatchObject({ status: 200, body: { state: "paid", session_id: id } })
    expect((await control(`/sessions/${id}`)).body).toMatchObject({ state: "paid" })
    const events = (await control("/events")).body as Array<{ kind: string; session_id: string }>
    expect(events.filter((e) => e.session_id === id).map((e) => e.kind)).toEqual(["payment"])

    expect(
      await json("refund", id, "--amount", "2.500", "--tracking-key", "refund-1"),
    ).toMatchObject({
      result: "success",
    })
    expect((await control(`/sessions/${id}`)).body).toMatchObject({ state: "paid" })
    const cards = await json("cards", "list", "--customer-id", "cust-cli")
    expect(cards).toHaveLength(1)
    expect(cards[0]).toMatchObject({ customer_id: "cust-cli", pg_code: "credit-card" })
  })

  it("cancels with a generated tracking key and prints it", async () => {
    const session = await json(...checkoutCreate("1.000", "knet"))
    const ran = await ottu("cancel", session.session_id, "--auto-key")
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/^operation: +cancel\nresult: +success\n/)
    expect(ran.stdout).toMatch(/tracking key: +[0-9a-f-]{36}\n$/)
    expect((await control(`/sessions/${session.session_id}`)).body).toMatchObject({
      state: "canceled",
    })
  })

  it("lists payment methods as a table", async () => {
    const ran = await ottu("payment-methods", "--currency", "KWD")
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/^code +name +currency +operation +tokenizable\n/)
    expect(ran.stdout).toMatch(/\nknet +KNET +KWD +purchase +false\n/)
  })

  it("prints Ottu's refusal in one line with its status and exits 1", async () => {
    const session = await json(...checkoutCreate("1.000", "knet"))
    const ran = await ottu("status", session.session_id)
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe("")
    expect(ran.stderr).toMatch(
      /^error: OttuBadRequestError: Ottu answered 400 to POST \/b\/pbl\/v2\/inquiry\/: .+\n$/,
    )
  })

  it("refuses a wrong key with OttuUnauthorizedError, without printing the key", async () => {
    const ran = await run(runtime, ["checkout", "get", "0".repeat(40)], {
      env: { OTTU_BASE_URL: server.url, OTTU_API_KEY: "wrong-key-value" },
    })
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/^error: OttuUnauthorizedError: Ottu answered 401 to GET /)
    expect(ran.stdout + ran.stderr).not.toContain("wrong-key-value")
  })

  it("refuses bad input before sending anything", async () => {
    const before = server
      .output()
      .split("\n")
      .filter((line) => created.test(line)).length
    const ran = await ottu(...checkoutCreate("1.0001", "knet"))
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/^error: OttuInvalidInputError: .*nothing was sent: amount: /)
    // A request the server answered shows up in its log before the client's process ends.
    const marker = await ottu("payment-methods")
    expect(marker.code).toBe(0)
    await server.printed(/^POST \/b\/pbl\/v2\/payment-methods\/ -> 200$/)
    expect(
      server
        .output()
        .split("\n")
        .filter((line) => created.test(line)),
    ).toHaveLength(before)
  })

  it("reports a missing configuration in one line", async () => {
    const ran = await run(runtime, ["checkout", "get", "0".repeat(40)])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/^error: .*OTTU_/)
  })
})

describeProcesses.each(sourceRuntimes)(
  "ottu sandbox serve --no-inquiry-throttling on $name",
  (runtime) => {
    it("answers status queries at once, and stops cleanly on SIGINT", async () => {
      const server = await start(runtime, [
        "sandbox",
        "serve",
        "--port",
        "0",
        "--no-inquiry-throttling",
      ])
      const env = { OTTU_BASE_URL: server.url, OTTU_API_KEY: "any" }
      const created = await run(
        runtime,
        checkoutCreate("3.000", "knet", "--order-no", "by-order", "--json"),
        { env },
      )
      const id = JSON.parse(created.stdout).session_id
      await fetch(`${server.url}/_sandbox/sessions/${id}/pay`, { method: "POST" })
      const status = await run(runtime, ["status", "--order-no", "by-order"], { env })
      expect(status.code).toBe(0)
      expect(status.stdout).toContain(`session_id: ${id}\norder_no:   by-order\nstate:      paid`)
      expect(await server.stop()).toBe(130)
      expect(server.output()).toMatch(/ottu sandbox stopped\n$/)
    })
  },
)
