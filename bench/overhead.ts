/**
 * One latency run, in a process of its own: creates checkouts on the stand-in with one client
 * (see `clients.ts`), first one at a time, then 32 at a time (skipped with `--concurrent 0`).
 * Reports the latency quantiles, the throughput, the CPU time per call and the process's peak
 * memory as one JSON line.
 *
 *   <runtime> bench/overhead.ts --client fetch|platform|sdk|stripe --url http://127.0.0.1:<port> \
 *     --requests 3000 --concurrent 6000 --warmup 500
 *
 * @module
 */
import process from "node:process"
import { parseArgs } from "node:util"
import { type ClientName, clients } from "./clients.ts"
import { concurrency, type LatencyResult, phase } from "./latency.ts"
import { peakRssMb, report } from "./measure.ts"

const { values } = parseArgs({
  options: {
    client: { type: "string" },
    url: { type: "string" },
    requests: { type: "string" },
    concurrent: { type: "string" },
    warmup: { type: "string" },
  },
})
const client = clients[values.client as ClientName]
const send = client.make(values.url ?? "")

if ((await send()) !== client.sessionId) throw new Error("the stand-in's session did not come back")
const warmup = Number(values.warmup)
const concurrent = Number(values.concurrent)
await phase(send, warmup, 1)
if (concurrent > 0) await phase(send, warmup, concurrency)
const sequential = await phase(send, Number(values.requests), 1)
const result: LatencyResult =
  concurrent > 0
    ? { sequential, concurrent: await phase(send, concurrent, concurrency), peakRssMb: peakRssMb() }
    : { sequential, peakRssMb: peakRssMb() }
report(result)
process.exit(0)
