/**
 * The package's entry points: the single entry exports one namespace per module but the store
 * (which has only its own entry, since it needs the optional SQL peers), and each module is
 * importable on its own through the package's subpath exports — the built `dist/` on npm, the
 * sources on JSR. The consumer checks (`.ci/consumers.sh`) import the packed package itself.
 */
import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import * as Entry from "../src/index.ts"

const manifest = (file: string) =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")) as {
    readonly exports: Record<string, unknown>
  }

/** The public modules: every `src/<Module>.ts` but the entry itself. */
const modules = readdirSync(new URL("../src", import.meta.url))
  .filter((file) => /^[A-Z]\w*\.ts$/.test(file))
  .map((file) => file.slice(0, -".ts".length))

const built = (file: string) => ({
  types: `./dist/${file}.d.ts`,
  import: `./dist/${file}.js`,
  default: `./dist/${file}.js`,
})

describe("entry points", () => {
  it("the entry exports every module but the store", () => {
    expect(Object.keys(Entry).sort()).toEqual(modules.filter((m) => m !== "CheckoutStore").sort())
  })

  it("package.json exposes the built entry, one subpath per module, and hides internal/", () => {
    expect(manifest("package.json").exports).toEqual({
      ".": built("index"),
      ...Object.fromEntries(modules.map((name) => [`./${name}`, built(name)])),
      "./internal/*": null,
    })
  })

  it("deno.json exposes the sources: the entry and one subpath per module", () => {
    expect(manifest("deno.json").exports).toEqual({
      ".": "./src/index.ts",
      ...Object.fromEntries(modules.map((name) => [`./${name}`, `./src/${name}.ts`])),
    })
  })
})
