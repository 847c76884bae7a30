/**
 * One cold-start sample, in a fresh process: the time `import()` of one module takes, from the
 * call to the module being ready. Reports `{ millis, peakRssMb }` as one JSON line.
 *
 *   <runtime> bench/coldStart.ts <module URL>
 *
 * @module
 */
import process from "node:process"
import { peakRssMb, report } from "./measure.ts"

const target = process.argv[2]
if (target === undefined) throw new Error("usage: coldStart.ts <module URL>")
const start = performance.now()
await import(target)
report({ millis: performance.now() - start, peakRssMb: peakRssMb() })
process.exit(0)
