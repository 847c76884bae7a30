/**
 * What the cold-start runs import, per runtime: the SDK's entry, its checkout subpath, and, as
 * the floor, the third-party modules the checkout subpath imports, on their own (a generated
 * module importing them statically, as the SDK does). Bun and Deno import the TypeScript
 * sources, as their users do; Node imports the JavaScript build.
 *
 * @module
 */
import { writeFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"
import type { Runtime } from "./measure.ts"
import type { NodeBuild } from "./nodeBuild.ts"

/** The `file:` URL of the module imported for each measurement. */
export interface ImportTargets {
  readonly entry: string
  readonly checkout: string
  readonly dependencies: string
}

const source = (path: string) => new URL(`../src/${path}`, import.meta.url).href

/** The bare specifiers that `entry` and everything it imports reach for. */
const dependenciesOf = async (entry: string): Promise<ReadonlyArray<string>> => {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    packages: "external",
    format: "esm",
    platform: "neutral",
    write: false,
    metafile: true,
  })
  const bare = Object.values(result.metafile.inputs).flatMap((input) =>
    input.imports.filter((i) => i.external && !i.path.startsWith("node:")).map((i) => i.path),
  )
  return [...new Set(bare)].sort()
}

/** The targets of every runtime; writes the dependencies' module into the Node build. */
export const importTargets = async (build: NodeBuild): Promise<Record<Runtime, ImportTargets>> => {
  const imports = (await dependenciesOf(source("Checkout.ts"))).map((name) => `import "${name}"\n`)
  const module = new URL("dependencies.js", build.directory)
  await writeFile(module, imports.join(""))
  const dependencies = module.href
  const typescript = { entry: source("index.ts"), checkout: source("Checkout.ts"), dependencies }
  return {
    node: { entry: build.entry, checkout: build.checkout, dependencies },
    bun: typescript,
    deno: typescript,
  }
}
