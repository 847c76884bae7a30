/**
 * `ottu webhook sign` and `ottu webhook verify` as processes on Deno and Bun: the public
 * documentation vector (API reference §14.5), exit 0 for an authentic body and 1 with the reason
 * (missing, malformed, mismatch) otherwise, the decoded event with `--json`, `--file`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { Webhook } from "../../src/index.ts"
import { describeProcesses, run, sourceRuntimes } from "./process.ts"

const vector = { amount: "86.000", currency_code: "KWD", customer_first_name: "example-customer" }
const vectorSignature = "6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67"
const key = "cli-webhook-key"

const payment = {
  session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
  order_no: "ORD-1",
  amount: "20.230",
  currency_code: "KWD",
  result: "success",
  state: "paid",
  reference_number: "ref-1",
  gateway_account: "knet",
}
const signed = { ...payment, signature: Webhook.signatureOf(payment, key) }

let directory = ""
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "ottu-cli-"))
})
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describeProcesses.each(sourceRuntimes)("ottu webhook on $name", (runtime) => {
  it("sign reproduces the documentation's vector", async () => {
    const ran = await run(runtime, ["webhook", "sign", "--key", "pu9MpX3yPR"], {
      stdin: JSON.stringify(vector),
    })
    expect(ran).toMatchObject({ code: 0, stdout: `${vectorSignature}\n` })
  })

  it("sign takes the key from OTTU_WEBHOOK_KEY and the subscription scheme", async () => {
    const ran = await run(runtime, ["webhook", "sign", "--scheme", "subscription", "--json"], {
      stdin: JSON.stringify(payment),
      env: { OTTU_WEBHOOK_KEY: key },
    })
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toEqual({
      signature: Webhook.signatureOf(payment, key, "subscription"),
      scheme: "subscription",
    })
  })

  it("sign refuses a payload that is not a JSON object", async () => {
    const ran = await run(runtime, ["webhook", "sign", "--key", key], { stdin: "[1, 2]" })
    expect(ran.code).toBe(1)
    expect(ran.stderr).toBe("error: the payload on stdin is not a JSON object\n")
  })

  it("verify exits 0 for an authentic body and prints the decoded event with --json", async () => {
    const ran = await run(runtime, ["webhook", "verify", "--key", key, "--json"], {
      stdin: JSON.stringify(signed),
    })
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toEqual({
      verified: true,
      scheme: "standard",
      event: "PaymentEvent",
      ...signed,
    })
  })

  it("verify reads --file and prints one line of text", async () => {
    const file = join(directory, `${runtime.name}.json`)
    writeFileSync(file, JSON.stringify(signed))
    const ran = await run(runtime, ["webhook", "verify", "--key", key, "--file", file])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toBe(
      `verified (standard scheme): payment ${payment.session_id} paid 20.230 KWD\n`,
    )
  })

  it.each([
    ["mismatch", JSON.stringify({ ...signed, amount: "2023.000" })],
    ["missing", JSON.stringify(payment)],
    ["malformed", "amount=20.230"],
  ])("verify exits 1 with the reason %s", async (reason, body) => {
    const ran = await run(runtime, ["webhook", "verify", "--key", key, "--json"], { stdin: body })
    expect(ran.code).toBe(1)
    expect(JSON.parse(ran.stdout)).toMatchObject({ verified: false, reason })
  })

  it("verify with a wrong key is a mismatch, and never prints the key", async () => {
    const ran = await run(runtime, ["webhook", "verify", "--key", "another-key"], {
      stdin: JSON.stringify(signed),
    })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain("not verified: mismatch")
    expect(ran.stdout + ran.stderr).not.toContain("another-key")
  })

  it("exits 2 on a usage error, with @effect/cli's message", async () => {
    const ran = await run(runtime, [
      "webhook",
      "verify",
      "--key",
      key,
      "--file",
      join(directory, "none"),
    ])
    expect(ran.code).toBe(2)
    expect(ran.stdout + ran.stderr).toContain("must exist")
  })
})
