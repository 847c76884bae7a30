/**
 * What every benchmark process reports with: the runtime it runs on, its peak memory, order
 * statistics, and the one-line JSON report the orchestrator reads.
 *
 * @module
 */
import process from "node:process"

/** The runtimes the benchmarks compare. */
export type Runtime = "node" | "bun" | "deno"

/** The runtime executing this process. */
export const currentRuntime = (): Runtime =>
  "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node"

/** This process's peak resident set size so far, in MB. */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024

/** The `q` quantile (0..1) of `values`, nearest rank; `NaN` when there are none. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

/** The median of `values`. */
export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

/** Writes the process's result as the single JSON line its parent parses. */
export const report = (result: unknown): void => {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
