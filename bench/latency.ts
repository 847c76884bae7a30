/**
 * Latency measurement: a phase of requests sent one or many at a time, and what a run reports.
 *
 * @module
 */
import process from "node:process"
import type { Send } from "./clients.ts"
import { quantile } from "./measure.ts"

/** How many requests are in flight at once in the concurrent phase. */
export const concurrency = 32

/** Latency figures of one phase, in milliseconds, requests per second and CPU time per call. */
export interface Phase {
  readonly p50: number
  readonly p99: number
  readonly throughput: number
  /** The process's CPU time (user and system, every thread) per request, in microseconds. */
  readonly cpuMicros: number
}

/**
 * Sends `total` requests, `parallel` at a time, timing each. CPU time comes from
 * `process.cpuUsage()`, which Node, Bun and Deno all provide.
 */
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
  const cpu = process.cpuUsage()
  const start = performance.now()
  await Promise.all(Array.from({ length: parallel }, worker))
  const elapsed = performance.now() - start
  const used = process.cpuUsage(cpu)
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    throughput: (total / elapsed) * 1000,
    cpuMicros: (used.user + used.system) / total,
  }
}

/** What one latency run reports; `concurrent` is absent when the run measured none. */
export interface LatencyResult {
  readonly sequential: Phase
  readonly concurrent?: Phase
  readonly peakRssMb: number
}
