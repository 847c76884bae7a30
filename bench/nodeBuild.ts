/**
 * The JavaScript Node runs. Node 20 does not run TypeScript, and a loader such as tsx would sit
 * in every import it times, so the benchmark's own scripts and the SDK's two entry points are
 * compiled by esbuild (shared code split out, dependencies left as imports, as in an npm build)
 * into `node_modules/.cache/effect-ottu-bench/`, where those dependencies still resolve. Bun and
 * Deno run the TypeScript sources.
 *
 * @module
 */
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

const root = new URL("../", import.meta.url)
const outdir = new URL("node_modules/.cache/effect-ottu-bench/", root)

/** The compiled files, by name. */
export interface NodeBuild {
  /** The directory of the build, a `file:` URL ending in `/`. */
  readonly directory: URL
  readonly standIn: string
  readonly overhead: string
  readonly coldStart: string
  /** `file:` URLs of the compiled SDK entry points. */
  readonly entry: string
  readonly checkout: string
}

const entryPoints = {
  standIn: "bench/standIn.ts",
  overhead: "bench/overhead.ts",
  coldStart: "bench/coldStart.ts",
  index: "src/index.ts",
  Checkout: "src/Checkout.ts",
}

const pathOf = (relative: string) => fileURLToPath(new URL(relative, outdir))

/** Compiles everything Node runs and says where it is. */
export const buildForNode = async (): Promise<NodeBuild> => {
  await esbuild.build({
    entryPoints: Object.fromEntries(
      Object.entries(entryPoints).map(([name, path]) => [name, fileURLToPath(new URL(path, root))]),
    ),
    bundle: true,
    splitting: true,
    packages: "external",
    format: "esm",
    platform: "node",
    target: "node20",
    outdir: fileURLToPath(outdir),
    logLevel: "error",
  })
  return {
    directory: outdir,
    standIn: pathOf("standIn.js"),
    overhead: pathOf("overhead.js"),
    coldStart: pathOf("coldStart.js"),
    entry: new URL("index.js", outdir).href,
    checkout: new URL("Checkout.js", outdir).href,
  }
}
