/**
 * The benchmark: SDK overhead against the raw `fetch` floor, cold start and bundle size, on
 * Node, Bun and Deno, in one run. Prints Markdown tables (the README's "Performance" section).
 *
 *   npm run bench          # the full run, a few minutes
 *   npm run bench:smoke    # a few requests per client, for CI: checks that it runs, not timings
 *
 * Every sample runs in a fresh child process, one at a time, against one loopback stand-in in
 * its own process. Clients alternate within each round, and figures are medians over rounds.
 *
 * @module
 */
import os from "node:os"
import process from "node:process"
import { bundleSizes } from "./bundle.ts"
import { clientNames } from "./clients.ts"
import { importTargets } from "./imports.ts"
import { concurrency, type LatencyResult } from "./latency.ts"
import type { Runtime } from "./measure.ts"
import { buildForNode, type NodeBuild } from "./nodeBuild.ts"
import {
  commandOf,
  readReport,
  runtimes,
  type StandIn,
  startStandIn,
  versions,
} from "./runtimes.ts"
import {
  bundleTable,
  type ColdStartResult,
  type ColdStartTarget,
  type RuntimeResults,
  runtimeTable,
} from "./table.ts"

/** How much to measure. */
interface Settings {
  readonly rounds: number
  readonly requests: number
  readonly concurrent: number
  readonly warmup: number
  /** Cold-start samples per target, after one discarded sample that warms the caches. */
  readonly imports: number
}

const smoke = process.argv.includes("--smoke")

const settings: Settings = smoke
  ? { rounds: 1, requests: 20, concurrent: 64, warmup: 5, imports: 1 }
  : { rounds: 5, requests: 1500, concurrent: 3000, warmup: 300, imports: 5 }

const progress = (message: string) => process.stderr.write(`${message}\n`)

const measureLatency = async (
  build: NodeBuild,
  runtime: Runtime,
  standIn: StandIn,
): Promise<RuntimeResults["latency"]> => {
  const latency = { fetch: [], platform: [], sdk: [] } as Record<
    (typeof clientNames)[number],
    Array<LatencyResult>
  >
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? clientNames : [...clientNames].reverse()
    for (const client of order) {
      progress(`${runtime}: ${client}, round ${round + 1} of ${settings.rounds}`)
      const args = [
        ...["--client", client, "--url", standIn.url],
        ...["--requests", String(settings.requests), "--concurrent", String(settings.concurrent)],
        ...["--warmup", String(settings.warmup)],
      ]
      latency[client].push(await readReport(commandOf(build, runtime, "overhead", args)))
    }
  }
  return latency
}

const measureColdStart = async (
  build: NodeBuild,
  runtime: Runtime,
  targets: Record<ColdStartTarget, string>,
): Promise<RuntimeResults["coldStart"]> => {
  const samples: Record<ColdStartTarget, Array<ColdStartResult>> = {
    entry: [],
    checkout: [],
    dependencies: [],
  }
  const warm = smoke ? 0 : 1
  progress(`${runtime}: cold start, ${settings.imports} samples per import`)
  for (let sample = 0; sample < warm + settings.imports; sample++) {
    for (const [target, module] of Object.entries(targets) as Array<[ColdStartTarget, string]>) {
      const result = await readReport<ColdStartResult>(
        commandOf(build, runtime, "coldStart", [module]),
      )
      if (sample >= warm) samples[target].push(result)
    }
  }
  return samples
}

const machine = () => {
  const cpus = os.cpus()
  const memory = (os.totalmem() / 2 ** 30).toFixed(0)
  return `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${memory} GB, ${os.type()} ${os.release()}`
}

const main = async () => {
  const started = Date.now()
  const load = os.loadavg()[0]?.toFixed(2)
  const build = await buildForNode()
  const [bundles, targets, runtimeVersions] = await Promise.all([
    bundleSizes(),
    importTargets(build),
    versions(),
  ])
  const standIn = await startStandIn(build)
  const results = {} as Record<Runtime, RuntimeResults>
  try {
    for (const runtime of runtimes) {
      results[runtime] = {
        latency: await measureLatency(build, runtime, standIn),
        coldStart: await measureColdStart(build, runtime, targets[runtime]),
      }
    }
  } finally {
    standIn.stop()
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  console.log(
    [
      `Machine: ${machine()}; load average ${load} at the start.`,
      `Run: ${smoke ? "smoke (timings meaningless)" : "full"}, ${settings.rounds} round(s) of ` +
        `${settings.requests} requests one at a time and ${settings.concurrent} at ` +
        `${concurrency} at a time per client, ${settings.imports} cold start(s) per import; ${seconds} s.`,
      "",
      runtimeTable(results, runtimeVersions),
      "",
      bundleTable(bundles),
    ].join("\n"),
  )
}

await main()
