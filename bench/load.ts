/**
 * Peak memory of 1,000 checkout creates (32 in flight) against the sandbox served over loopback:
 * the SDK beside raw `fetch` sending the same requests. Each client runs in its own child
 * process, so each peak is its own.
 *
 * Run with `npm run bench:load`.
 *
 * @module
 */
import { spawn } from "node:child_process"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { Checkout, OttuAuth, OttuConfig, OttuSandbox } from "../src/index.ts"

const total = 1000
const concurrency = 32
const apiKey = "bench-load-key"

const input = (i: number) => ({
  type: "e_commerce",
  amount: "20.230",
  currency_code: "KWD",
  pg_codes: ["knet"],
  order_no: `load-${i}`,
})

type Client = "sdk" | "fetch"

/** Sends the load with one client; resolves once every create succeeded. */
const load = (client: Client, url: string): Promise<void> => {
  if (client === "sdk") {
    const layer = Layer.merge(
      OttuConfig.layer({
        merchantId: "bench.ottu.test",
        auth: OttuAuth.apiKey(Redacted.make(apiKey)),
        baseUrl: url,
      }),
      FetchHttpClient.layer,
    )
    return Effect.runPromise(
      Effect.forEach(
        Array.from({ length: total }, (_, i) => i),
        (i) => Checkout.create(input(i) as Checkout.CreateInput),
        { concurrency, discard: true },
      ).pipe(Effect.provide(layer)),
    )
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++
      const response = await fetch(`${url}/b/checkout/v1/pymt-txn/`, {
        method: "POST",
        headers: { authorization: `Api-Key ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(input(i)),
      })
      if (response.status !== 201) throw new Error(`create ${i} answered ${response.status}`)
      await response.json()
    }
  }
  return Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined)
}

/** Child: runs the load, sampling the heap, and prints its measures as JSON. */
const measure = async (client: Client, url: string) => {
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
  const baseline = process.memoryUsage()
  let heapPeak = baseline.heapUsed
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
  }, 5)
  const start = performance.now()
  await load(client, url)
  const ms = Math.round(performance.now() - start)
  clearInterval(sampler)
  console.log(
    JSON.stringify({
      client,
      ms,
      peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
      heapGrowthMb: mb(heapPeak - baseline.heapUsed),
    }),
  )
}

/** Parent: serves the sandbox, runs each client in a child, prints a table. */
const main = async () => {
  const sandbox = OttuSandbox.webHandler({ apiKey: Redacted.make(apiKey), host: "bench.ottu.test" })
  const server = createServer(async (req, res) => {
    const chunks: Array<Uint8Array> = []
    for await (const chunk of req) chunks.push(chunk as Uint8Array)
    const response = await sandbox.handler(
      new Request(`http://127.0.0.1${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers: req.headers as Record<string, string>,
        ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}),
      }),
    )
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const script = fileURLToPath(import.meta.url)
  const rows: Array<Record<string, unknown>> = []
  for (const client of ["fetch", "sdk"] as const) {
    const output = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, [...process.execArgv, script, client, url], {
        stdio: ["ignore", "pipe", "inherit"],
      })
      let text = ""
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString()
      })
      child.on("exit", (code) => (code === 0 ? done(text) : fail(new Error(`${client}: ${code}`))))
    })
    rows.push(JSON.parse(output.trim().split("\n").at(-1) ?? "{}"))
  }
  console.log(`${total} checkout creates, ${concurrency} in flight, sandbox over loopback`)
  console.table(rows)
  server.closeAllConnections()
  server.close()
  await sandbox.dispose()
}

const [mode, url] = process.argv.slice(2)
if ((mode === "sdk" || mode === "fetch") && url !== undefined) await measure(mode, url)
else await main()
