/**
 * The benchmark's report: medians over the rounds, ratios paired by round, as Markdown tables
 * with the targets beside the figures (the README's "Performance" section shows the last
 * run's output).
 *
 * @module
 */
import type { BundleSize } from "./bundle.ts"
import { type ClientName, clients } from "./clients.ts"
import { concurrency, type LatencyResult } from "./latency.ts"
import { median, type Runtime } from "./measure.ts"
import { runtimes } from "./runtimes.ts"
import { type SampleKey, sampleKey, sdkClients } from "./samples.ts"
import type { Transport } from "./standIn.ts"

/** What a cold-start sample reports. */
export interface ColdStartResult {
  readonly millis: number
  readonly peakRssMb: number
}

/** The cold-start measurements. */
export type ColdStartTarget = "entry" | "checkout" | "dependencies"

/** Everything measured on one runtime: one latency result per sample and round, in order. */
export interface RuntimeResults {
  readonly latency: Partial<Record<SampleKey, ReadonlyArray<LatencyResult>>>
  readonly coldStart: Record<ColdStartTarget, ReadonlyArray<ColdStartResult>>
}

/** The Python peer's rounds, or why it was not measured. */
export type PythonResults =
  | {
      readonly _tag: "Measured"
      readonly versions: string
      readonly results: ReadonlyArray<LatencyResult>
    }
  | { readonly _tag: "Missing"; readonly reason: string }

type Figure = (result: LatencyResult) => number
type Cell = (results: RuntimeResults) => string
type Row = readonly [label: string, cell: Cell]

const micros = (millis: number) => (millis * 1000).toFixed(0)
const millis = (value: number) => value.toFixed(value < 10 ? 2 : 1)
const whole = (value: number) => value.toFixed(0)

const p50: Figure = (result) => result.sequential.p50
const p99: Figure = (result) => result.sequential.p99
const cpu: Figure = (result) => result.sequential.cpuMicros
const concurrentP50: Figure = (result) => result.concurrent?.p50 ?? Number.NaN
const concurrentP99: Figure = (result) => result.concurrent?.p99 ?? Number.NaN
const concurrentCpu: Figure = (result) => result.concurrent?.cpuMicros ?? Number.NaN
const throughput: Figure = (result) => result.concurrent?.throughput ?? Number.NaN
const peak: Figure = (result) => result.peakRssMb

/** The median over the rounds of one figure of one sample; `NaN` when it was not measured. */
const figureOf = (results: RuntimeResults, key: SampleKey, of: Figure): number =>
  median((results.latency[key] ?? []).map(of))

/** The median over the rounds of `key`'s figure divided by `by`'s in the same round. */
const ratio =
  (key: SampleKey, by: SampleKey, of: Figure): Cell =>
  (results) => {
    const baseline = results.latency[by] ?? []
    const ratios = (results.latency[key] ?? []).map((result, round) => {
      const base = baseline[round]
      return base === undefined ? Number.NaN : of(result) / of(base)
    })
    return median(ratios).toFixed(2)
  }

/** One figure of several clients on one transport, as `a / b / c`. */
const each =
  (
    names: ReadonlyArray<ClientName>,
    transport: Transport,
    of: Figure,
    format: (v: number) => string,
  ): Cell =>
  (results) =>
    names.map((name) => format(figureOf(results, sampleKey(name, transport), of))).join(" / ")

const labels = (names: ReadonlyArray<ClientName>) =>
  names.map((name) => clients[name].label).join(" / ")

const coldStart =
  (target: ColdStartTarget): Cell =>
  (results) =>
    millis(median(results.coldStart[target].map((sample) => sample.millis)))

const latencyTarget = "target ≤ 1.35 Node, ≤ 1.25 Bun, Deno"
const throughputTarget = "target ≥ 0.60"

/** The rows of one client list on one transport: latency, CPU, concurrency, memory. */
const transportRows = (
  transport: Transport,
  names: ReadonlyArray<ClientName>,
  concurrent: boolean,
): ReadonlyArray<Row> => {
  const list = labels(names)
  const on = (name: ClientName) => sampleKey(name, transport)
  const sdkRatios = (of: Figure, label: (sdk: string) => string) =>
    sdkClients.map((sdk): Row => [label(clients[sdk].label), ratio(on(sdk), on("fetch"), of)])
  return [
    [`one at a time: p50 ${list} (µs)`, each(names, transport, p50, micros)],
    ...sdkRatios(p50, (sdk) => `**p50 ratio ${sdk} ÷ fetch** (${latencyTarget})`),
    ...(names.includes("platform")
      ? ([
          [
            "p50 ratio platform ÷ fetch (the floor under the SDK on `FetchHttpClient`)",
            ratio(on("platform"), on("fetch"), p50),
          ],
          [
            "p50 ratio SDK ÷ platform (what the SDK adds to its transport)",
            ratio(on("sdk"), on("platform"), p50),
          ],
          [
            "p50 ratio SDK (lean) ÷ SDK (the lean transport against `FetchHttpClient`)",
            ratio(on("lean"), on("sdk"), p50),
          ],
        ] as const)
      : []),
    [`one at a time: p99 ${list} (µs)`, each(names, transport, p99, micros)],
    [`one at a time: CPU per call ${list} (µs)`, each(names, transport, cpu, whole)],
    ...(concurrent
      ? [
          [
            `${concurrency} at a time: p50 ${list} (ms)`,
            each(names, transport, concurrentP50, millis),
          ] as const,
          [
            `${concurrency} at a time: p99 ${list} (ms)`,
            each(names, transport, concurrentP99, millis),
          ] as const,
          [
            `${concurrency} at a time: requests/s ${list}`,
            each(names, transport, throughput, whole),
          ] as const,
          ...sdkRatios(
            throughput,
            (sdk) =>
              `${concurrency} at a time: **throughput ratio ${sdk} ÷ fetch** (${throughputTarget})`,
          ),
          [
            `${concurrency} at a time: CPU per call ${list} (µs)`,
            each(names, transport, concurrentCpu, whole),
          ] as const,
        ]
      : []),
    [`peak RSS of the run: ${list} (MB)`, each(names, transport, peak, whole)],
  ]
}

const ottuClients: ReadonlyArray<ClientName> = ["fetch", "platform", ...sdkClients]
const fetchAndSdk: ReadonlyArray<ClientName> = ["fetch", ...sdkClients]

const framedRows: ReadonlyArray<Row> = [
  ...transportRows("http", ottuClients, true),
  ["import `effect-ottu` (ms)", coldStart("entry")],
  ["**import `effect-ottu/Checkout`** (ms, target ≤ 80 Bun, Deno)", coldStart("checkout")],
  [
    "import only the modules `effect-ottu/Checkout` imports from effect and @effect/platform (ms)",
    coldStart("dependencies"),
  ],
]

const chunkedRows: ReadonlyArray<Row> = [
  [`one at a time: p50 ${labels(fetchAndSdk)} (µs)`, each(fetchAndSdk, "chunked", p50, micros)],
  ...fetchAndSdk.map(
    (name): Row => [
      name === "fetch"
        ? "p50 ratio chunked ÷ framed: fetch"
        : `**p50 ratio chunked ÷ framed: ${clients[name].label}** (target ≤ 1.15)`,
      ratio(sampleKey(name, "chunked"), sampleKey(name, "http"), p50),
    ],
  ),
  ...sdkClients.map(
    (sdk): Row => [
      `p50 ratio ${clients[sdk].label} ÷ fetch, both chunked`,
      ratio(sampleKey(sdk, "chunked"), sampleKey("fetch", "chunked"), p50),
    ],
  ),
  [`one at a time: p99 ${labels(fetchAndSdk)} (µs)`, each(fetchAndSdk, "chunked", p99, micros)],
  [
    `one at a time: CPU per call ${labels(fetchAndSdk)} (µs)`,
    each(fetchAndSdk, "chunked", cpu, whole),
  ],
]

const httpsClients: ReadonlyArray<ClientName> = ["fetch", "fresh", ...sdkClients]
const httpsRows: ReadonlyArray<Row> = [
  ...transportRows("https", httpsClients, true),
  [
    "p50 ratio fetch (new connection) ÷ fetch (what a handshake per call costs)",
    ratio("fresh/https", "fetch/https", p50),
  ],
  ...sdkClients.map(
    (sdk): Row => [
      `p50 ratio ${clients[sdk].label} ÷ fetch (new connection)`,
      ratio(sampleKey(sdk, "https"), "fresh/https", p50),
    ],
  ),
  ...fetchAndSdk.map(
    (name): Row => [
      `p50 ratio HTTPS ÷ HTTP: ${clients[name].label}`,
      ratio(sampleKey(name, "https"), sampleKey(name, "http"), p50),
    ],
  ),
]

const peers: ReadonlyArray<ClientName> = ["fetch", ...sdkClients, "stripe"]
const peerRows: ReadonlyArray<Row> = [
  [`one at a time: p50 ${labels(peers)} (µs)`, each(peers, "http", p50, micros)],
  ["**p50 ratio stripe-node ÷ fetch**", ratio("stripe/http", "fetch/http", p50)],
  ...sdkClients.map(
    (sdk): Row => [
      `p50 ratio ${clients[sdk].label} ÷ fetch (as above)`,
      ratio(sampleKey(sdk, "http"), "fetch/http", p50),
    ],
  ),
  [`one at a time: p99 ${labels(peers)} (µs)`, each(peers, "http", p99, micros)],
  [`one at a time: CPU per call ${labels(peers)} (µs)`, each(peers, "http", cpu, whole)],
  [`${concurrency} at a time: requests/s ${labels(peers)}`, each(peers, "http", throughput, whole)],
  [
    `${concurrency} at a time: throughput ratio stripe-node ÷ fetch`,
    ratio("stripe/http", "fetch/http", throughput),
  ],
  [`peak RSS of the run: ${labels(peers)} (MB)`, each(peers, "http", peak, whole)],
]

const line = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`

/** One table, one column per runtime. */
const table = (
  rows: ReadonlyArray<Row>,
  results: Record<Runtime, RuntimeResults>,
  versions: Record<Runtime, string>,
): string =>
  [
    line(["", ...runtimes.map((runtime) => versions[runtime])]),
    line(["---", ...runtimes.map(() => "--:")]),
    ...rows.map(([label, cell]) =>
      line([label, ...runtimes.map((runtime) => cell(results[runtime]))]),
    ),
  ].join("\n")

const hasHttps = (results: Record<Runtime, RuntimeResults>) =>
  runtimes.some((runtime) => results[runtime].latency["fetch/https"] !== undefined)

/** The latency and cold-start tables, each under a heading, one column per runtime. */
export const runtimeTables = (
  results: Record<Runtime, RuntimeResults>,
  versions: Record<Runtime, string>,
  stripeVersion: string,
): string =>
  [
    "Checkout create over loopback HTTP, answers framed by `Content-Length`; cold start:",
    "",
    table(framedRows, results, versions),
    "",
    "The same answers chunked (no `Content-Length`), one at a time:",
    "",
    table(chunkedRows, results, versions),
    ...(hasHttps(results)
      ? [
          "",
          "Over HTTPS (a throwaway certificate authority, TLS on loopback): a fresh connection per call " +
            "costs a handshake here, as against Ottu:",
          "",
          table(httpsRows, results, versions),
        ]
      : []),
    "",
    `Peers on the same stand-in: stripe-node ${stripeVersion} creating a checkout session ` +
      "(`stripe.checkout.sessions.create`, its own transport, no retries):",
    "",
    table(peerRows, results, versions),
  ].join("\n")

/** The Python peer, with its p50 against each runtime's `fetch` floor of the same run. */
export const pythonLines = (
  python: PythonResults,
  results: Record<Runtime, RuntimeResults>,
): ReadonlyArray<string> => {
  const header = "ottu-py: not installable offline (PyPI is unreachable here)"
  if (python._tag === "Missing") return [`${header}; Python floor skipped: ${python.reason}.`]
  const of = (figure: Figure) => median(python.results.map(figure))
  const versus = runtimes
    .map((runtime) => {
      const floor = figureOf(results[runtime], "fetch/http", p50)
      return `${(of(p50) / floor).toFixed(2)} × ${runtime}'s`
    })
    .join(", ")
  return [
    `${header}. Its transport measured instead, as the Python floor under any ottu-py call ` +
      `(${python.versions}, same POST and stand-in, \`httpx.Client\` one at a time, ` +
      `\`httpx.AsyncClient\` ${concurrency} at a time, TCP_NODELAY set): one at a time p50 ${micros(of(p50))} µs ` +
      `(${versus} \`fetch\`), p99 ${micros(of(p99))} µs, CPU per call ${whole(of(cpu))} µs; ` +
      `${concurrency} at a time p50 ${millis(of(concurrentP50))} ms, ` +
      `${whole(of(throughput))} requests/s; peak RSS ${whole(of(peak))} MB.`,
  ]
}

const kilobytes = (bytes: number) => (bytes / 1000).toFixed(1)

/** The bundle-size table. */
export const bundleTable = (sizes: ReadonlyArray<BundleSize>): string =>
  [
    line(["program (esbuild, bundled and minified)", "minified kB", "gzipped kB (target ≤ 60)"]),
    line(["---", "--:", "--:"]),
    ...sizes.map((size) =>
      line([size.program, kilobytes(size.minifiedBytes), kilobytes(size.gzippedBytes)]),
    ),
  ].join("\n")
