/**
 * Builds the `ottu` bin: `src/cli/main.ts` bundled with everything it imports (the SDK,
 * `effect`, `@effect/platform`, `@effect/cli` and `@effect/platform-node`, at the versions of
 * this repository's lock file) into one ES module, `dist/cli/main.js`, that starts with
 * `#!/usr/bin/env node`.
 *
 * Why a bundle: the library's users install `effect-ottu` for its modules, and its only runtime
 * requirements are the `effect` and `@effect/platform` peers. The CLI needs `@effect/cli` and a
 * platform (`@effect/platform-node`, whose own peers pull in `@effect/cluster`, `@effect/rpc` and
 * `@effect/sql`): as dependencies they would be installed into every project that imports the
 * library. Bundled, `npx ottu` needs nothing besides the package, and importing `effect-ottu`
 * never loads the CLI (no entry of `exports` reaches `dist/cli/`).
 *
 *   tsx .ci/buildCli.ts [outfile]   (run by `npm run build`, after `tsc`)
 */
import { chmodSync, statSync } from "node:fs"
import { build } from "esbuild"

/** `dist/cli/main.js`, or the path given (the tests bundle into a temporary directory). */
const outfile = process.argv[2] ?? "dist/cli/main.js"

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  // Some bundled packages are CommonJS and `require` Node's built-ins: give the module a require.
  banner: {
    js: 'import { createRequire as __ottuCreateRequire } from "node:module"; const require = __ottuCreateRequire(import.meta.url);',
  },
  legalComments: "none",
  logLevel: "warning",
})
chmodSync(outfile, 0o755)
console.log(`cli: ${outfile} (${Math.round(statSync(outfile).size / 1024)} KiB)`)
