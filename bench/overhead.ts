/**
 * One latency run, in a process of its own: creates checkouts on the stand-in with one client
 * (see `clients.ts`), first one at a time, then 32 at a time. Reports the latency quantiles, the
 * throughput and the process's peak memory as one JSON line.
 *
 *   <runtime> bench/overhead.ts --client fetch|platform|sdk --url http://127.0.0.1:<port> \
 *     --requests 3000 --concurrent 6000 --warmup 500
 *
 * @module
 */
import process from "node:process"
import { parseArgs } from "node:util"
import { type ClientName, makeClient } from "./clients.ts"
import { session } from "./fixture.ts"
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
const send = makeClient(values.client as ClientName, values.url ?? "")

if ((await send()) !== session.session_id)
  throw new Error("the stand-in's session did not come back")
const warmup = Number(values.warmup)
await phase(send, warmup, 1)
await phase(send, warmup, concurrency)
const result: LatencyResult = {
  sequential: await phase(send, Number(values.requests), 1),
  concurrent: await phase(send, Number(values.concurrent), concurrency),
  peakRssMb: peakRssMb(),
}
report(result)
process.exit(0)
