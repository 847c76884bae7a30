/**
 * The `ottu` command as a process: run to completion (`run`) or started and waited for until it
 * prints that it listens (`start`), on Deno and Bun from the sources and on Node from the bundle
 * `.ci/buildCli.ts` builds. Readiness is read from the output, never slept for; a started process
 * is stopped with SIGINT by its test file's `afterAll`.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process"
import { resolve } from "node:path"
import { describe } from "@effect/vitest"

const bin = resolve("node_modules/.bin")
const main = resolve("src/cli/main.ts")

/**
 * Whether the test runner is Node's. The runtimes under test are the child processes these
 * files spawn (Deno and Bun on the sources, Node on the bundle), whatever runs the test files;
 * under the Bun and Deno runners (`npm run check` runs the whole suite three times) the same
 * processes would only run again.
 */
export const nodeRunner: boolean =
  process.versions.bun === undefined &&
  process.versions.deno === undefined &&
  !("Deno" in globalThis)

/**
 * `describe` for the files that spawn the `ottu` command: run by the Node runner only (see
 * {@link nodeRunner}), reported as skipped by the others.
 */
export const describeProcesses: typeof describe = describe.skipIf(!nodeRunner) as typeof describe

/** How to start the command on a runtime. */
export interface Runtime {
  readonly name: string
  readonly command: ReadonlyArray<string>
}

/** Deno and Bun, each on the sources. */
export const sourceRuntimes: ReadonlyArray<Runtime> = [
  { name: "deno", command: [`${bin}/deno`, "run", "-A", main] },
  { name: "bun", command: [`${bin}/bun`, main] },
]

/** Node on a bundle built by `.ci/buildCli.ts`. */
export const nodeOn = (bundle: string): Runtime => ({
  name: "node",
  command: [`${bin}/node`, bundle],
})

/** What a finished run printed and its exit code. */
export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A clean environment: no OTTU_* of the caller's, no colours, no update checks. */
const environment = (env: Readonly<Record<string, string>>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  NO_COLOR: "1",
  DENO_NO_UPDATE_CHECK: "1",
  ...env,
})

const spawned = (
  runtime: Runtime,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
): ChildProcess => {
  const [command = "", ...rest] = runtime.command
  return spawn(command, [...rest, ...args], { env: environment(env), stdio: "pipe" })
}

/** Runs `ottu <args>` to completion, with `stdin` as its input. */
export const run = (
  runtime: Runtime,
  args: ReadonlyArray<string>,
  options: { readonly stdin?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<Ran> =>
  new Promise((done, fail) => {
    const child = spawned(runtime, args, options.env ?? {})
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk)
    })
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk)
    })
    child.on("error", fail)
    child.on("close", (code) => done({ code, stdout, stderr }))
    child.stdin?.end(options.stdin ?? "")
  })

/**
 * The arguments of `ottu checkout create` for `amount` in KWD on `pgCodes` (comma-separated),
 * followed by `more`.
 */
export const checkoutCreate = (
  amount: string,
  pgCodes: string,
  ...more: ReadonlyArray<string>
): Array<string> => [
  "checkout",
  "create",
  "--amount",
  amount,
  "--currency-code",
  "KWD",
  "--pg-codes",
  pgCodes,
  ...more,
]

/** A command that serves until stopped. */
export interface Started {
  readonly url: string
  /** Everything it printed on stdout so far. */
  readonly output: () => string
  /** Resolves once its stdout has a line matching `pattern`. */
  readonly printed: (pattern: RegExp) => Promise<string>
  /** Sends SIGINT and resolves with the exit code once it has exited (130 for SIGINT). */
  readonly stop: () => Promise<number | null>
}

/**
 * Starts `ottu <args>` (give it `--port 0`) and resolves once it prints `listening on <url>`,
 * with that URL.
 */
export const start = (
  runtime: Runtime,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
): Promise<Started> =>
  new Promise((ready, fail) => {
    const child = spawned(runtime, args, env)
    let stdout = ""
    let stderr = ""
    const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = []
    // As a shell reports it: Deno's `node:child_process` gives a child's exit code 130 as the
    // signal SIGINT that 130 stands for.
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code, signal) =>
        resolve(code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : null)),
      ),
    )
    const check = () => {
      for (const wait of [...waiting]) {
        const line = stdout.split("\n").find((candidate) => wait.pattern.test(candidate))
        if (line !== undefined) {
          waiting.splice(waiting.indexOf(wait), 1)
          wait.resolve(line)
        }
      }
    }
    const printed = (pattern: RegExp) =>
      new Promise<string>((resolve) => {
        waiting.push({ pattern, resolve })
        check()
      })
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk)
      check()
    })
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk)
    })
    child.on("error", fail)
    void exited.then((code) =>
      fail(new Error(`exited ${code} before listening:\n${stdout}${stderr}`)),
    )
    void printed(/listening on http:\/\/\S+/).then((line) =>
      ready({
        url: /listening on (http:\/\/\S+)/.exec(line)?.[1] ?? "",
        output: () => stdout,
        printed,
        stop: () => {
          child.kill("SIGINT")
          return exited
        },
      }),
    )
  })
