/**
 * The Node suite runs on a Node that `package.json`'s `engines.node` admits (≥ 22.13, where
 * `node:sqlite` needs no flag): npm scripts and `npx` put the `node` dev dependency (Node 24 LTS)
 * first on `PATH`, ahead of the system's Node. Skipped on Bun and Deno.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))

/** `[major, minor]` of a version such as `24.21.0` or `>=22.13`. */
const majorMinor = (version: string): readonly [number, number] => {
  const [major = 0, minor = 0] = (version.match(/\d+(\.\d+)?/)?.[0] ?? "").split(".").map(Number)
  return [major, minor]
}

const underNode = !("Bun" in globalThis) && !("Deno" in globalThis)

describe.runIf(underNode)("the Node running the suite", () => {
  it("is at least the engines.node floor", () => {
    const [major, minor] = majorMinor(process.versions.node)
    const [floorMajor, floorMinor] = majorMinor(manifest.engines.node)
    expect(
      major > floorMajor || (major === floorMajor && minor >= floorMinor),
      process.version,
    ).toBe(true)
  })

  it("loads node:sqlite without a flag", async () => {
    const { DatabaseSync } = await import("node:sqlite")
    const db = new DatabaseSync(":memory:")
    expect(db.prepare("SELECT 1 AS one").all()).toEqual([{ one: 1 }])
    db.close()
  })
})
