/**
 * Latency measurement: a phase of requests sent one or many at a time, and what a run reports.
 *
 * @module
 */
import type { Send } from "./clients.ts"
import { quantile } from "./measure.ts"

/** How many requests are in flight at once in the concurrent phase. */
export const concurrency = 32

/** Latency figures of one phase, in milliseconds, and requests per second. */
export interface Phase {
  readonly p50: number
  readonly p99: number
  readonly throughput: number
}

/** Sends `total` requests, `parallel` at a time, timing each. */
export const phase = async (send: Send, total: number, parallel: number): Promise<Phase> => {
  const latencies: Array<number> = []
  let started = 0
  const worker = async () => {
    while (started < total) {
      started++
      const start = performance.now()
      await send()
      latencies.push(performance.now() - start)
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: parallel }, worker))
  const elapsed = performance.now() - start
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    throughput: (total / elapsed) * 1000,
  }
}

/** What one latency run reports. */
export interface LatencyResult {
  readonly sequential: Phase
  readonly concurrent: Phase
  readonly peakRssMb: number
}
