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
import { readFile } from "node:fs/promises"
import os from "node:os"
import process from "node:process"
import { bundleSizes } from "./bundle.ts"
import { checkoutPath } from "./fixture.ts"
import { importTargets } from "./imports.ts"
import { concurrency, type LatencyResult } from "./latency.ts"
import type { Runtime } from "./measure.ts"
import { buildForNode, type NodeBuild } from "./nodeBuild.ts"
import { findPython, type PythonPeer, runPython } from "./python.ts"
import {
  commandOf,
  readReport,
  runtimes,
  type StandIn,
  startStandIn,
  versions,
} from "./runtimes.ts"
import { samplesOn } from "./samples.ts"
import type { StandInUrls, Transport } from "./standIn.ts"
import {
  bundleTable,
  type ColdStartResult,
  type ColdStartTarget,
  type PythonResults,
  pythonLines,
  type RuntimeResults,
  runtimeTables,
} from "./table.ts"
import { type Certificate, makeCertificate, trusting } from "./tls.ts"

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

/** The transports the stand-in serves in this run (HTTPS only with a certificate). */
const transportsOf = (urls: StandInUrls): ReadonlyArray<Transport> =>
  urls.https === undefined ? ["http", "chunked"] : ["http", "chunked", "https"]

const measureLatency = async (
  build: NodeBuild,
  runtime: Runtime,
  standIn: StandIn,
  trust: Record<string, string>,
): Promise<RuntimeResults["latency"]> => {
  const samples = samplesOn(transportsOf(standIn.urls))
  const latency: Partial<Record<string, Array<LatencyResult>>> = {}
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? samples : [...samples].reverse()
    for (const sample of order) {
      progress(`${runtime}: ${sample.key}, round ${round + 1} of ${settings.rounds}`)
      const args = [
        ...["--client", sample.client, "--url", standIn.urls[sample.transport] ?? ""],
        ...["--requests", String(settings.requests)],
        ...["--concurrent", String(sample.concurrent ? settings.concurrent : 0)],
        ...["--warmup", String(settings.warmup)],
      ]
      const result = await readReport<LatencyResult>(
        commandOf(build, runtime, "overhead", args),
        trust,
      )
      latency[sample.key] = [...(latency[sample.key] ?? []), result]
    }
  }
  return latency
}

/** Checks that the stand-in frames its answers as each transport promises. */
const checkFraming = async (urls: StandInUrls): Promise<void> => {
  for (const [transport, framed] of [
    ["http", true],
    ["chunked", false],
  ] as const) {
    const response = await fetch(urls[transport] + checkoutPath, { method: "POST" })
    await response.arrayBuffer()
    if ((response.headers.get("content-length") !== null) !== framed)
      throw new Error(
        `the ${transport} stand-in did not ${framed ? "" : "leave out "}frame its answer`,
      )
  }
}

/** The Python peer's rounds, or why there are none. */
const measurePython = async (peer: PythonPeer, url: string): Promise<PythonResults> => {
  if (peer._tag === "Missing") return peer
  const results: Array<LatencyResult> = []
  for (let round = 0; round < settings.rounds; round++) {
    progress(`${peer.python.versions}: round ${round + 1} of ${settings.rounds}`)
    results.push(await runPython(peer.python, url, settings))
  }
  return { _tag: "Measured", versions: peer.python.versions, results }
}

/** The run's certificate, or undefined (and a note on standard error) when openssl is missing. */
const certificate = (): Promise<Certificate | undefined> =>
  makeCertificate().catch((error: unknown) => {
    progress(`HTTPS skipped: no certificate (${String(error)})`)
    return undefined
  })

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

/** The version of stripe-node installed. */
const stripeVersion = async (): Promise<string> => {
  const manifest = new URL("../node_modules/stripe/package.json", import.meta.url)
  return (JSON.parse(await readFile(manifest, "utf8")) as { version: string }).version
}

const main = async () => {
  const started = Date.now()
  const load = os.loadavg()[0]?.toFixed(2)
  const build = await buildForNode()
  const [bundles, targets, runtimeVersions, tls, python] = await Promise.all([
    bundleSizes(),
    importTargets(build),
    versions(),
    certificate(),
    findPython(),
  ])
  const standIn = await startStandIn(build, tls)
  const trust = tls === undefined ? {} : trusting(tls)
  const results = {} as Record<Runtime, RuntimeResults>
  let pythonResults: PythonResults
  try {
    await checkFraming(standIn.urls)
    for (const runtime of runtimes) {
      results[runtime] = {
        latency: await measureLatency(build, runtime, standIn, trust),
        coldStart: await measureColdStart(build, runtime, targets[runtime]),
      }
    }
    pythonResults = await measurePython(python, standIn.urls.http)
  } finally {
    standIn.stop()
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  console.log(
    [
      `Machine: ${machine()}; load average ${load} at the start, ` +
        `${os.loadavg()[0]?.toFixed(2)} at the end.`,
      `Run: ${smoke ? "smoke (timings meaningless)" : "full"}, ${settings.rounds} round(s) of ` +
        `${settings.requests} requests one at a time and ${settings.concurrent} at ` +
        `${concurrency} at a time per client, ${settings.imports} cold start(s) per import; ${seconds} s.`,
      tls === undefined ? "HTTPS: not measured (openssl could not make a certificate)." : "",
      "",
      runtimeTables(results, runtimeVersions, await stripeVersion()),
      "",
      ...pythonLines(pythonResults, results),
      "",
      bundleTable(bundles),
    ].join("\n"),
  )
}

await main()
