/**
 * `ottu webhook trigger` and `ottu webhook listen` as processes on Deno and Bun: a signed event
 * round-trips from trigger to listen (and on to `--forward-to`), a wrongly signed one is refused
 * with its reason, and a served sandbox with a webhook key delivers a payment's webhook to the
 * listener.
 */
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { describeProcesses, run, type Started, sourceRuntimes, start } from "./process.ts"

const key = "cli-listen-key"

describeProcesses.each(sourceRuntimes)("ottu webhook trigger and listen on $name", (runtime) => {
  let target: Started
  let listener: Started
  beforeAll(async () => {
    target = await start(runtime, ["webhook", "listen", "--port", "0", "--key", key])
    listener = await start(runtime, [
      "webhook",
      "listen",
      "--port",
      "0",
      "--key",
      key,
      "--forward-to",
      target.url,
    ])
  })
  afterAll(async () => {
    await listener?.stop()
    await target?.stop()
  })

  /** `ottu webhook trigger <event> [options]` to the listener for `session`, signed by `signer`. */
  const trigger = (
    event: "payment" | "operation",
    session: string,
    options: ReadonlyArray<string>,
    signer = key,
  ) =>
    run(runtime, [
      "webhook",
      "trigger",
      event,
      ...options,
      "--to",
      listener.url,
      "--key",
      signer,
      "--session",
      session,
    ])

  it("round-trips a signed payment event, forwarded unchanged", async () => {
    const session = "a".repeat(40)
    const ran = await trigger("payment", session, ["--json"])
    expect(ran.code).toBe(0)
    const printed = JSON.parse(ran.stdout)
    expect(printed).toMatchObject({ status: 200, answer: '{"detail":"Success"}' })
    expect(printed.sent).toMatchObject({ session_id: session, state: "paid", currency_code: "KWD" })
    await listener.printed(
      new RegExp(`^verified \\(standard\\): payment ${session} paid 10\\.000 KWD$`),
    )
    await listener.printed(new RegExp(`^  forwarded to ${target.url} -> 200$`))
    await target.printed(
      new RegExp(`^verified \\(standard\\): payment ${session} paid 10\\.000 KWD$`),
    )
  })

  it("sends an operation event in the state asked for", async () => {
    const session = "b".repeat(40)
    const ran = await trigger("operation", session, ["--operation", "capture"])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain(`sent operation event for ${session} to ${listener.url}`)
    await listener.printed(
      new RegExp(`^verified \\(standard\\): operation capture ${session} success`),
    )
  })

  it("sends a failed payment, and the receiver's refusal makes trigger exit 1", async () => {
    const session = "c".repeat(40)
    const ran = await trigger("payment", session, ["--state", "failed"], "not-the-listener-key")
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain("status: 401")
    await listener.printed(/^refused: The webhook signature does not match$/)
    expect(listener.output()).not.toContain(`payment ${session}`)
    expect(target.output()).not.toContain(`payment ${session}`)
  })
})

describeProcesses.each(sourceRuntimes)("ottu sandbox serve --webhook-key on $name", (runtime) => {
  it("delivers a payment's webhook to ottu webhook listen", async () => {
    const listener = await start(runtime, ["webhook", "listen", "--port", "0", "--key", key])
    const sandbox = await start(runtime, ["sandbox", "serve", "--port", "0", "--webhook-key", key])
    try {
      const created = await run(
        runtime,
        [
          "checkout",
          "create",
          "--amount",
          "7.250",
          "--currency-code",
          "KWD",
          "--pg-codes",
          "knet",
          "--webhook-url",
          `${listener.url}/ottu/webhook`,
          "--json",
        ],
        { env: { OTTU_BASE_URL: sandbox.url, OTTU_API_KEY: "any" } },
      )
      const id = JSON.parse(created.stdout).session_id
      const paid = await fetch(`${sandbox.url}/_sandbox/sessions/${id}/pay`, { method: "POST" })
      expect(paid.status).toBe(200)
      await listener.printed(
        new RegExp(`^verified \\(standard\\): payment ${id} paid 7\\.250 KWD$`),
      )
      await sandbox.printed(/^POST \/_sandbox\/sessions\/\w+\/pay -> 200$/)
      const deliveries = await (await fetch(`${sandbox.url}/_sandbox/deliveries?wait`)).json()
      expect(deliveries).toMatchObject([{ kind: "payment", session_id: id, status: 200 }])
    } finally {
      await sandbox.stop()
      await listener.stop()
    }
  })
})
