/**
 * The SDK covers Ottu's whole API: every operation of the official OpenAPI document
 * (`test/contract/Ottu_API.yaml`) is an endpoint of the SDK's table, and the table calls nothing
 * the document does not define.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { parse } from "yaml"
import { endpoints } from "../src/internal/endpoints.ts"

const methods = ["get", "post", "put", "patch", "delete"]

/** `METHOD /route/` with every path parameter written `{}`. */
const key = (method: string, route: string) =>
  `${method.toUpperCase()} ${route.replace(/\{\w+\}/g, "{}")}`

const spec = parse(readFileSync(new URL("./contract/Ottu_API.yaml", import.meta.url), "utf8")) as {
  readonly paths: Record<string, Record<string, unknown>>
}
const operations = Object.entries(spec.paths).flatMap(([route, item]) =>
  Object.keys(item)
    .filter((method) => methods.includes(method))
    .map((method) => key(method, route)),
)
const wrapped = new Set(Object.values(endpoints).map((e) => key(e.method, e.route)))

describe("coverage of Ottu's API", () => {
  it("the spec has 28 operations", () => {
    expect(new Set(operations).size).toBe(28)
  })

  it("every operation of the spec is wrapped", () => {
    expect(operations.filter((operation) => !wrapped.has(operation))).toEqual([])
  })

  it("every endpoint the SDK calls is in the spec", () => {
    expect([...wrapped].filter((endpoint) => !operations.includes(endpoint))).toEqual([])
  })
})
