/**
 * Prunes the build's declarations to the public API: keeps the `.d.ts` files that the entries of
 * `package.json` `exports` reach through their imports (what a consumer's compiler loads) and
 * deletes the others with their declaration maps. The internal modules a public type refers to
 * stay (they must, for the types to resolve; `./internal/*` is still not importable); those only
 * the implementation uses go, so `dist/` declares no more than the API needs.
 *
 *   tsx scripts/pruneDeclarations.ts   (run by `npm run build`, after `tsc`)
 */
import { readdirSync, readFileSync, rmSync } from "node:fs"
import { resolve } from "node:path"
import ts from "typescript"

interface Manifest {
  readonly exports: Record<string, { readonly types: string } | null>
}

const dist = resolve("dist")
const manifest = JSON.parse(readFileSync("package.json", "utf8")) as Manifest
const entries = Object.values(manifest.exports).flatMap((entry) => (entry ? [entry.types] : []))

const program = ts.createProgram(entries, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
  noEmit: true,
})
const reached = new Set(program.getSourceFiles().map((file) => resolve(file.fileName)))
const missing = entries.filter((entry) => !reached.has(resolve(entry)))
if (missing.length > 0) throw new Error(`entries not built: ${missing.join(", ")}`)

const declarations = readdirSync(dist, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".d.ts"))
  .map((file) => resolve(dist, file))
const unreached = declarations.filter((file) => !reached.has(file))

for (const file of unreached) {
  rmSync(file)
  rmSync(`${file}.map`, { force: true })
}
console.log(
  `declarations: ${unreached.length} of ${declarations.length} reached by no entry, pruned`,
)
