/**
 * Bundle size of a program that only creates a checkout: esbuild, bundled, minified, then
 * gzipped. The same program is built importing the SDK's entry, importing its subpaths, and,
 * as the floor, doing the same request with @effect/platform alone.
 *
 * @module
 */
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"

/** One measured program. */
export interface BundleSize {
  readonly program: string
  readonly minifiedBytes: number
  readonly gzippedBytes: number
}

const provide = `
const OttuLive = Layer.merge(
  OttuConfig.layer({ merchantId: "merchant.ottu.test", auth: OttuAuth.apiKey(Redacted.make("key")) }),
  FetchHttpClient.layer,
)
const input = { type: "e_commerce", amount: "20.230", currency_code: "KWD", pg_codes: ["knet"] }
Effect.runPromise(Checkout.create(input).pipe(Effect.provide(OttuLive))).then(console.log)
`

const effectImports = `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
`

/** The programs, by what they import. */
const programs: ReadonlyArray<readonly [string, string]> = [
  [
    'checkout, `import { Checkout } from "effect-ottu"`',
    `${effectImports}import { Checkout, OttuAuth, OttuConfig } from "effect-ottu"\n${provide}`,
  ],
  [
    'checkout, `import * as Checkout from "effect-ottu/Checkout"`',
    `${effectImports}import * as Checkout from "effect-ottu/Checkout"
import * as OttuAuth from "effect-ottu/OttuAuth"
import * as OttuConfig from "effect-ottu/OttuConfig"
${provide}`,
  ],
  [
    "the same POST on @effect/platform alone (floor)",
    `${effectImports}import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
const input = { type: "e_commerce", amount: "20.230", currency_code: "KWD", pg_codes: ["knet"] }
const program = Effect.flatMap(HttpClient.HttpClient, (client) =>
  client.execute(
    HttpClientRequest.post("https://merchant.ottu.test/b/checkout/v1/pymt-txn/", {
      headers: { authorization: Redacted.value(Redacted.make("Api-Key key")) },
      body: HttpBody.text(JSON.stringify(input), "application/json"),
    }),
  ),
).pipe(Effect.flatMap((response) => response.text), Effect.map(JSON.parse))
Effect.runPromise(program.pipe(Effect.provide(FetchHttpClient.layer))).then(console.log)
`,
  ],
]

/**
 * Resolves `effect-ottu` and its subpaths to the sources (the package's `exports` point at the
 * built `dist/`, which a benchmark run should not need).
 */
const sources: esbuild.Plugin = {
  name: "effect-ottu-sources",
  setup: (build) => {
    build.onResolve({ filter: /^effect-ottu(\/|$)/ }, ({ path }) => {
      const module = path === "effect-ottu" ? "index" : path.slice("effect-ottu/".length)
      return { path: fileURLToPath(new URL(`../src/${module}.ts`, import.meta.url)) }
    })
  },
}

/** Bundles `source` (resolved from `bench/`, `effect-ottu` from `src/`) and measures it. */
const measure = async (program: string, source: string): Promise<BundleSize> => {
  const result = await esbuild.build({
    stdin: {
      contents: source,
      resolveDir: fileURLToPath(new URL(".", import.meta.url)),
      loader: "ts",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    external: ["node:*"],
    plugins: [sources],
    write: false,
  })
  const output = result.outputFiles?.[0]
  if (output === undefined) throw new Error(`esbuild produced nothing for ${program}`)
  return {
    program,
    minifiedBytes: output.contents.length,
    gzippedBytes: gzipSync(output.contents).length,
  }
}

/** The sizes of every program, in the order above. */
export const bundleSizes = (): Promise<ReadonlyArray<BundleSize>> =>
  Promise.all(programs.map(([program, source]) => measure(program, source)))
