/**
 * Webhook signature verifications per second on the running runtime, beside that runtime's bare
 * `node:crypto` HMAC over the same message (the floor). The payload is a realistic 20-field
 * payment webhook; cases run in interleaved rounds and the median of the rounds is reported.
 *
 *   node --import tsx bench/webhook-verify.ts     (or: bun bench/webhook-verify.ts,
 *   deno run -A bench/webhook-verify.ts)          add --smoke for a few iterations only
 *
 * Target: valid verifications at least 0.7 × the floor. (Issue 5's absolute 430,000/s on Node and
 * Bun was met with a private SHA-256 engine; issue 10 removed it: verification is `createHmac`
 * plus the message, so the floor is the runtime's own HMAC.)
 *
 * @module
 */
import * as crypto from "node:crypto"
import process from "node:process"
import { standard } from "../src/Webhook/signedMessage.ts"
import * as Webhook from "../src/Webhook.ts"
import { currentRuntime, median } from "./measure.ts"

const smoke = process.argv.includes("--smoke")
const rounds = smoke ? 1 : 9
const roundMs = smoke ? 20 : 300

const key = "whk_live_5f2b9c0e7a1d4e8b9c3f6a2d1e0b7c4a"

/** A payment webhook as Ottu sends it: 20 fields, 15 of them signed. */
const payload: Record<string, unknown> = {
  amount: "86.000",
  currency_code: "KWD",
  customer_email: "fatima.alsabah@example.com",
  customer_first_name: "Fatima",
  customer_last_name: "Al-Sabah",
  customer_phone: "+96550000000",
  customer_address_line1: "Block 3, Street 12, House 7",
  customer_address_city: "Kuwait City",
  customer_address_country: "KW",
  gateway_account: "credit-card",
  gateway_name: "mpgs",
  order_no: "ORD-2026-000123",
  reference_number: "staging48G8SS",
  result: "success",
  state: "paid",
  session_id: "bb7fc280827c2f177a9690299cfefa4128dbbd60",
  paid_amount: "86.000",
  timestamp_utc: "2026-11-27 09:00:07",
  is_sandbox: true,
}
payload.signature = Webhook.signatureOf(payload, key)

const subscriptionPayload = {
  ...payload,
  signature: Webhook.signatureOf(payload, key, "subscription"),
}
const tampered = `${(payload.signature as string).slice(0, 63)}${(payload.signature as string).endsWith("0") ? "1" : "0"}`
const message = standard(payload)

let sink = 0
const cases: ReadonlyArray<readonly [name: string, run: () => void]> = [
  [
    "bare node:crypto HMAC (floor)",
    () => {
      sink += crypto.createHmac("sha256", key).update(message).digest("hex").length
    },
  ],
  [
    "verifySignature, valid (standard scheme)",
    () => {
      if (Webhook.verifySignature(payload, payload.signature, key)) sink++
    },
  ],
  [
    "verifySignature, valid (subscription scheme)",
    () => {
      if (Webhook.verifySignature(subscriptionPayload, subscriptionPayload.signature, key)) sink++
    },
  ],
  [
    "verifySignature, invalid (both schemes tried)",
    () => {
      if (!Webhook.verifySignature(payload, tampered, key)) sink++
    },
  ],
]

/** Calls `run` in batches for about `ms` milliseconds; returns calls per second. */
const rate = (run: () => void, ms: number): number => {
  let calls = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < 256; i++) run()
    calls += 256
    elapsed = performance.now() - start
  }
  return (calls * 1000) / elapsed
}

for (const [, run] of cases) rate(run, smoke ? 5 : 200)
const samples = cases.map(() => [] as Array<number>)
for (let round = 0; round < rounds; round++) {
  cases.forEach(([, run], i) => {
    samples[i]?.push(rate(run, roundMs))
  })
}
const rates = samples.map(median)
const floor = rates[0] ?? Number.NaN
const valid = rates[1] ?? Number.NaN

const runtime = currentRuntime()
const versions = process.versions as Record<string, string | undefined>
const version = versions[runtime] ?? versions.node ?? "?"
const format = (n: number): string => Math.round(n).toLocaleString("en-US")

console.log(
  `\nWebhook verification, 20-field payload (${message.length}-byte signed message): ` +
    `${runtime} ${version}${smoke ? ", smoke run" : ""}\n`,
)
console.log("| case | per second | × floor |")
console.log("|---|---:|---:|")
cases.forEach(([name], i) => {
  const r = rates[i] ?? Number.NaN
  console.log(`| ${name} | ${format(r)} | ${(r / floor).toFixed(2)} |`)
})
const target = `valid ≥ 0.7 × floor: ${valid >= 0.7 * floor ? "met" : "NOT met"}`
console.log(smoke ? "\nsmoke run: too short to judge the target" : `\n${target}`)
if (sink === 0) console.log("no work was measured")
