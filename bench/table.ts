/**
 * The benchmark's report: medians over the rounds, ratios paired by round, as Markdown tables
 * (the README's "Performance" section shows the last run's output as is).
 *
 * @module
 */
import type { BundleSize } from "./bundle.ts"
import type { ClientName } from "./clients.ts"
import { concurrency, type LatencyResult, type Phase } from "./latency.ts"
import { median, type Runtime } from "./measure.ts"
import { runtimes } from "./runtimes.ts"

/** What a cold-start sample reports. */
export interface ColdStartResult {
  readonly millis: number
  readonly peakRssMb: number
}

/** The cold-start measurements. */
export type ColdStartTarget = "entry" | "checkout" | "dependencies"

/** Everything measured on one runtime: one latency result per client and round, in order. */
export interface RuntimeResults {
  readonly latency: Record<ClientName, ReadonlyArray<LatencyResult>>
  readonly coldStart: Record<ColdStartTarget, ReadonlyArray<ColdStartResult>>
}

type Row = readonly [label: string, cell: (results: RuntimeResults) => string]

const micros = (millis: number) => (millis * 1000).toFixed(0)
const millis = (value: number) => value.toFixed(value < 10 ? 2 : 1)

/** The median of one figure of a client over the rounds. */
const figure =
  (client: ClientName, of: (result: LatencyResult) => number) => (results: RuntimeResults) =>
    median(results.latency[client].map(of))

/** The median over the rounds of `client`'s figure divided by `by`'s in the same round. */
const ratio =
  (client: ClientName, by: ClientName, of: (result: LatencyResult) => number) =>
  (results: RuntimeResults): string => {
    const baseline = results.latency[by]
    const ratios = results.latency[client].map((result, round) => {
      const base = baseline[round]
      return base === undefined ? Number.NaN : of(result) / of(base)
    })
    return median(ratios).toFixed(2)
  }

/** `fetch / platform / SDK` for one figure. */
const triple =
  (of: (result: LatencyResult) => number, format: (value: number) => string) =>
  (results: RuntimeResults): string =>
    (["fetch", "platform", "sdk"] as const)
      .map((client) => format(figure(client, of)(results)))
      .join(" / ")

const p50 = (phase: (result: LatencyResult) => Phase) => (result: LatencyResult) =>
  phase(result).p50
const p99 = (phase: (result: LatencyResult) => Phase) => (result: LatencyResult) =>
  phase(result).p99
const sequential = (result: LatencyResult) => result.sequential
const concurrent = (result: LatencyResult) => result.concurrent
const throughput = (result: LatencyResult) => result.concurrent.throughput
const peak = (result: LatencyResult) => result.peakRssMb

const coldStart =
  (target: ColdStartTarget) =>
  (results: RuntimeResults): string =>
    millis(median(results.coldStart[target].map((sample) => sample.millis)))

const rows: ReadonlyArray<Row> = [
  ["one at a time: p50 fetch / platform / SDK (µs)", triple(p50(sequential), micros)],
  [
    "**p50 ratio SDK ÷ fetch** (target ≤ 1.15 Node, ≤ 1.10 Bun, Deno)",
    ratio("sdk", "fetch", p50(sequential)),
  ],
  [
    "p50 ratio platform ÷ fetch (the floor under the SDK)",
    ratio("platform", "fetch", p50(sequential)),
  ],
  [
    "p50 ratio SDK ÷ platform (what the SDK adds to its transport)",
    ratio("sdk", "platform", p50(sequential)),
  ],
  ["one at a time: p99 fetch / platform / SDK (µs)", triple(p99(sequential), micros)],
  [`${concurrency} at a time: p50 fetch / platform / SDK (ms)`, triple(p50(concurrent), millis)],
  [`${concurrency} at a time: p99 fetch / platform / SDK (ms)`, triple(p99(concurrent), millis)],
  [`${concurrency} at a time: p50 ratio SDK ÷ fetch`, ratio("sdk", "fetch", p50(concurrent))],
  [
    `${concurrency} at a time: requests/s fetch / platform / SDK`,
    triple(throughput, (v) => v.toFixed(0)),
  ],
  [`${concurrency} at a time: **throughput ratio fetch ÷ SDK**`, ratio("fetch", "sdk", throughput)],
  ["peak RSS of the run: fetch / platform / SDK (MB)", triple(peak, (v) => v.toFixed(0))],
  ["import `effect-ottu` (ms)", coldStart("entry")],
  ["**import `effect-ottu/Checkout`** (ms, target ≤ 80 Bun, Deno)", coldStart("checkout")],
  [
    "import only the modules `effect-ottu/Checkout` imports from effect and @effect/platform (ms)",
    coldStart("dependencies"),
  ],
]

const line = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`

/** The latency and cold-start table, one column per runtime. */
export const runtimeTable = (
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
