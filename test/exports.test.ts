/**
 * The package's entry points: the single entry exports one namespace per module, and each module
 * is importable on its own through the package's subpath exports.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import * as CheckoutSubpath from "effect-ottu/Checkout"
import * as Entry from "../src/index.ts"

const manifest = (file: string) =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")) as {
    readonly exports: Record<string, string>
  }

describe("entry points", () => {
  it("package.json and deno.json expose the entry and one subpath per namespace", () => {
    const expected = {
      ".": "./src/index.ts",
      ...Object.fromEntries(Object.keys(Entry).map((name) => [`./${name}`, `./src/${name}.ts`])),
    }
    expect(manifest("package.json").exports).toEqual(expected)
    expect(manifest("deno.json").exports).toEqual(expected)
  })

  it("a subpath import is the same module as the entry's namespace", () => {
    expect(CheckoutSubpath.create).toBe(Entry.Checkout.create)
  })
})
